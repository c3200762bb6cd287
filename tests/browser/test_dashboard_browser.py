"""The dashboard in a real headless Chromium, after a small simulation: the figures shown are
the analytics API's, in two languages, and the page loads nothing from elsewhere."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from tests.browser.conftest import ARTIFACTS, FLAGS, sign_in

pytestmark = pytest.mark.browser
PERIOD = {"since": "2026-11-01", "until": "2026-11-24"}


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_dashboard_in_chromium_matches_the_api(
    chromium_path: str, served: tuple[str, list[str]], api_key: str, lang: str
) -> None:
    """Tiles and lane rows as rendered equal the API; every request stays on this server."""
    from playwright.sync_api import Request, sync_playwright

    base, _ = served
    auth = {"Authorization": f"Bearer {api_key}"}
    summary = httpx.get(f"{base}/api/v1/analytics/summary", params=PERIOD, headers=auth).json()
    lanes = httpx.get(f"{base}/api/v1/analytics/lanes", params=PERIOD,
                      headers=auth).json()["rows"]
    assert summary["posted"] == 150
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900},
                                locale={"en": "en-GB", "kk": "kk-KZ"}[lang])

        def note(request: Request) -> None:
            requested.append(request.url)

        page.on("request", note)
        sign_in(page, base, api_key,
                f"/dashboard?since={PERIOD['since']}&until={PERIOD['until']}")
        assert page.get_attribute("html", "lang") == lang
        posted = page.locator('.tile[data-kpi="posted"] .value').inner_text()
        assert posted.replace(",", "") == str(summary["posted"])
        for key in ("delivered", "in_flight", "stuck", "overdue"):
            shown = page.locator(f'.tile[data-kpi="{key}"] .value').inner_text()
            assert shown.replace(",", "") == str(summary[key]), key
        p50 = page.locator('.tile[data-kpi="p50_days"] .value').inner_text()
        assert p50 == ("—" if summary["p50_days"] is None else f'{summary["p50_days"]:,.2f}')
        rows = page.locator("#lanes tbody tr")
        assert rows.count() == len(lanes)
        for i, lane in enumerate(lanes):
            cells = rows.nth(i).locator("td").all_inner_texts()
            assert cells[0] == lane["lane"] and cells[1] == str(lane["posted"])
            assert cells[2] == str(lane["delivered"])
        assert page.locator("svg.chart").count() >= 4
        assert page.locator("#network svg line").count() > 0
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{lang}.png"), full_page=True)
        browser.close()
    assert requested and all(url.startswith(base) for url in requested), requested
