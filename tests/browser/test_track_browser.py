"""The tracking page in a real headless Chromium (Debian's), after a small simulation.

Skips with the reason when Chromium is absent, unless SILKPOST_REQUIRE_SERVICES=1 (CI), where
it fails. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import httpx2 as httpx
import pytest

from tests.browser.conftest import ARTIFACTS, FLAGS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_tracking_page_in_chromium_matches_the_api(
    chromium_path: str, served: tuple[str, list[str]], lang: str
) -> None:
    """In Chinese and Russian, the status and ETA Chromium shows equal the API's."""
    from playwright.sync_api import sync_playwright

    base, ids = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 390, "height": 844},
                                locale={"zh": "zh-CN", "ru": "ru-RU"}[lang])
        page.goto(f"{base}/track")  # no ?lang: the browser's Accept-Language decides
        assert page.get_attribute("html", "lang") == lang
        page.fill("#ids", " ".join(ids))
        page.click("button[type=submit]")
        page.wait_for_selector("section.parcel")
        for item_id in ids:
            api = httpx.get(f"{base}/api/v1/items/{item_id}", params={"lang": lang}).json()
            card = page.locator(f'section.parcel[data-id="{item_id}"]')
            assert card.locator("dd.status").inner_text() == api["status_text"]
            if api["eta"]:
                shown = card.locator("dd.eta").get_attribute("data-eta")
                assert shown == api["eta"].replace("Z", "+00:00")
            rows = card.locator("tbody tr").count()
            assert rows == len(api["timeline"])
        page.screenshot(path=str(ARTIFACTS / f"track-{lang}.png"), full_page=True)
        browser.close()
