"""The dashboard in a real headless Chromium, after a small simulation: the figures shown are
the analytics API's, in four languages; no label is cut by its chart's edge, no two place
names on the network picture overlap; and the page loads nothing from elsewhere."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from silkpost.web.numbers import number
from tests.browser.conftest import ARTIFACTS, FLAGS, sign_in

pytestmark = pytest.mark.browser
PERIOD = {"since": "2026-11-01", "until": "2026-11-24"}
LOCALES = {"en": "en-GB", "zh": "zh-CN", "ru": "ru-RU", "kk": "kk-KZ"}

# Each <text> of each chart: its drawn box, and its SVG's box (both in page pixels).
BOXES = """() => [...document.querySelectorAll('svg.chart, svg.network')].flatMap(svg => {
  const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom,
            frame: [frame.left, frame.right, frame.top, frame.bottom],
            place: t.classList.contains('place'), chart: svg.closest('section')?.id};
  });
})"""


@pytest.mark.parametrize("lang", ["en", "zh", "ru", "kk"])
def test_dashboard_in_chromium_matches_the_api(
    chromium_path: str, served: tuple[str, list[str]], api_key: str, lang: str
) -> None:
    """Tiles and lane rows as rendered equal the API; labels fit; every request stays here."""
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
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=LOCALES[lang])

        def note(request: Request) -> None:
            requested.append(request.url)

        page.on("request", note)
        sign_in(page, base, api_key,
                f"/dashboard?since={PERIOD['since']}&until={PERIOD['until']}")
        assert page.get_attribute("html", "lang") == lang
        for key in ("posted", "delivered", "in_flight", "stuck", "overdue"):
            shown = page.locator(f'.tile[data-kpi="{key}"] .value').inner_text()
            assert shown == number(summary[key], lang), key
        p50 = page.locator('.tile[data-kpi="p50_days"] .value').inner_text()
        assert p50 == number(summary["p50_days"], lang, 2)
        rows = page.locator("#lanes tbody tr")
        assert rows.count() == len(lanes)
        for i, lane in enumerate(lanes):
            row = rows.nth(i)
            assert row.get_attribute("data-lane") == lane["lane"]
            cells = row.locator("td").all_inner_texts()
            assert "→" in cells[0] and cells[1] == number(lane["posted"], lang)
        assert page.locator("svg.chart").count() >= 4
        assert page.locator("#network svg line").count() > 0
        boxes = page.evaluate(BOXES)
        assert len(boxes) > 30
        cut = [b for b in boxes if b["right"] - b["left"] > 0 and (
            b["left"] < b["frame"][0] - 0.5 or b["right"] > b["frame"][1] + 0.5
            or b["top"] < b["frame"][2] - 0.5 or b["bottom"] > b["frame"][3] + 0.5)]
        assert cut == [], [(c["text"][:40], round(c["left"]), round(c["right"]), c["frame"])
                           for c in cut[:4]]
        places = [b for b in boxes if b["place"]]
        assert len(places) >= 10
        overlapping = [(a["text"], b["text"]) for n, a in enumerate(places)
                       for b in places[n + 1:]
                       if a["left"] < b["right"] and b["left"] < a["right"]
                       and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
        assert overlapping == []
        legend = page.locator("#network .legend").all_inner_texts()
        assert len(legend) == 4
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{lang}.png"), full_page=True)
        browser.close()
    assert requested and all(url.startswith(base) for url in requested), requested
