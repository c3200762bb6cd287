"""The tracking page in a real headless Chromium (Debian's), after a small simulation.

Skips with the reason when Chromium is absent, unless SILKPOST_REQUIRE_SERVICES=1 (CI), where
it fails. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2 as httpx
import pytest

from tests.browser.conftest import ARTIFACTS, FLAGS

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_tracking_page_in_chromium_matches_the_api(
    chromium_path: str, served: tuple[str, list[str]], api_key: str, lang: str
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
            api = httpx.get(f"{base}/api/v1/items/{item_id}", params={"lang": lang},
                            headers={"Authorization": f"Bearer {api_key}"}).json()
            card = page.locator(f'section.parcel[data-id="{item_id}"]')
            assert card.locator("dd.status").inner_text() == api["status_text"]
            if api["eta"]:
                shown = card.locator("dd.eta").get_attribute("data-eta")
                assert shown == api["eta"].replace("Z", "+00:00")
            rows = card.locator("tbody tr").count() + card.locator("div.latest").count()
            assert rows == len(api["timeline"])
        page.screenshot(path=str(ARTIFACTS / f"track-{lang}.png"), full_page=True)
        browser.close()


def _boxes_inside(page: Page, outer: str, inner: str) -> None:
    """Every ``inner`` element of each ``outer`` lies within its box: no label cut at an end."""
    for n in range(page.locator(outer).count()):
        box = page.locator(outer).nth(n).bounding_box()
        assert box is not None
        labels = page.locator(outer).nth(n).locator(inner)
        for i in range(labels.count()):
            label = labels.nth(i).bounding_box()
            assert label is not None and label["width"] > 0
            assert box["x"] - 0.5 <= label["x"] and (
                label["x"] + label["width"] <= box["x"] + box["width"] + 0.5), (n, i)


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_step_bar_history_and_paging_in_chromium(
    chromium_path: str, served: tuple[str, list[str]], api_key: str, lang: str
) -> None:
    """25 ids pasted: 20 cards and a link to the other 5; each card has its step bar with one
    current step and whole labels (on a phone and, side by side, each in its own column), the
    latest event shown and the history folded until its summary is clicked."""
    from playwright.sync_api import sync_playwright

    base, _ = served
    listed = httpx.get(f"{base}/api/v1/items", params={"limit": 25},
                       headers={"Authorization": f"Bearer {api_key}"}).json()["items"]
    ids = [i["id"] for i in listed]
    assert len(ids) == 25
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 390, "height": 844},
                                locale={"zh": "zh-CN", "ru": "ru-RU"}[lang])
        page.goto(f"{base}/track?lang={lang}")
        page.fill("#ids", "\n".join(ids))
        page.click("button[type=submit]")
        page.wait_for_selector("section.parcel")
        assert page.locator("section.parcel").count() == 20
        showing = {"ru": "Показаны номера 1–20 из 25.", "zh": "共 25 个号码，当前显示第 1–20 个。"}
        assert page.locator("nav.paging p").first.inner_text() == showing[lang]
        for n in range(20):
            card = page.locator("section.parcel").nth(n)
            api = httpx.get(f"{base}/api/v1/items/{ids[n]}", params={"lang": lang},
                            headers={"Authorization": f"Bearer {api_key}"}).json()
            assert card.locator("ol.steps li").count() == 6
            assert card.locator('ol.steps li[aria-current="step"]').count() == 1
            if api["status"] == "delivered":
                assert card.locator("ol.steps li.done").count() == 6
            history = card.locator("details.history")
            assert card.locator("div.latest .what").is_visible()
            if history.count():
                assert not history.locator("tbody tr").first.is_visible()
        _boxes_inside(page, "ol.steps", "li span")
        for width in (600, 820):  # the bar lies flat: six columns
            page.set_viewport_size({"width": width, "height": 900})
            _boxes_inside(page, "ol.steps li", "span")
        first = page.locator("section.parcel").first.locator("details.history")
        first.locator("summary").click()
        assert first.locator("tbody tr").first.is_visible()
        page.locator('nav.paging a[rel="next"]').first.click()
        page.wait_for_selector("section.parcel")
        assert page.locator("section.parcel").count() == 5
        assert page.get_attribute("html", "lang") == lang
        assert page.locator(f'section.parcel[data-id="{ids[24]}"]').count() == 1
        browser.close()
