"""The scanner screen of Urumqi's exchange office in a real headless Chromium: a bag and its
items scanned as a keyboard-wedge scanner types them, the network cut in the middle of the bag
(scans kept on the device with their own times, sent once each when it comes back), and a
distinct colour for each kind of trouble.

Skips with the reason when Chromium is absent, unless SILKPOST_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest

from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.office import AdvisedReceptacle, PreAdvice
from silkpost.domain.partners import PartnerKind
from silkpost.office import service as office
from silkpost.partners.service import issue_key, register_partner
from silkpost.tracking.service import ingest
from tests.browser.conftest import ARTIFACTS, FLAGS, serving, sign_in
from tests.conftest import NOW
from tests.factories import event, numbered

pytestmark = pytest.mark.browser

OFFICE = "CNURCA"
DISPATCH = "CNDGGACNURCADCC60007"
BAG = f"{DISPATCH}001010120"
ITEMS = [s10.build("CA", n, "CN") for n in range(301, 306)]


@pytest.fixture
def desk(sqlite_platform: Platform) -> Iterator[tuple[str, str]]:
    """Urumqi's office on a served platform: a pre-advised bag of three items, five items
    posted for Almaty (the last selected by customs), and an operator key of its post."""
    p = sqlite_platform
    register_partner("CNPOST-URC", "China Post Urumqi", PartnerKind.POST, nodes=(OFFICE,),
                     uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                     known_services=p.known_services())
    key = issue_key("CNPOST-URC", "operator", uow=p.partner_uow(), clock=p.clock).text
    records = [event(i, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
                     payload={"destination": "KZALAA"}) for i in ITEMS]
    records.append(event(ITEMS[4], "SCI", "2026-11-24T08:00:00+08:00", office=OFFICE))
    assert ingest(numbered(records), uow=p.uow(), clock=p.clock, source="CAINIAO").rejected == 0
    office.advise(PreAdvice.of(DISPATCH, year=2026, receptacles=[
        AdvisedReceptacle(BAG, tuple(ITEMS[:3]))]), sender="CNPOST", network=p.network,
        uow=p.office_uow(), clock=p.clock)
    with serving(p) as base:
        yield base, key


def _scan(page: Any, code: str) -> None:
    """What a keyboard-wedge scanner does: type the label, then Enter."""
    page.locator("#code").type(code)
    page.keyboard.press("Enter")


def _events(base: str, key: str, item: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/v1/items/{item}", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200, answer.text
    return list(answer.json()["timeline"])


def test_a_bag_scanned_through_a_network_cut(chromium_path: str,
                                             desk: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    base, key = desk
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    start = NOW - timedelta(hours=2)  # the device's clock (the platform's is NOW)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        context = browser.new_context(timezone_id="Asia/Urumqi", locale="zh-CN",
                                      viewport={"width": 1024, "height": 768})
        page = context.new_page()
        page.clock.install(time=start)
        sign_in(page, base, key, f"/office/{OFFICE}/scan")
        assert page.get_attribute("html", "lang") == "zh"
        answer = page.locator("#answer")

        _scan(page, BAG)
        page.wait_for_function("() => document.getElementById('n-pending').textContent === '0' "
                               "&& document.getElementById('answer').dataset.kind")
        assert answer.get_attribute("data-kind") == "ok"
        assert page.locator("#headline").inner_text() == "袋已接收"
        _scan(page, ITEMS[0])
        page.wait_for_function("() => document.getElementById('n-items').textContent === '1'")
        decision = page.locator("#headline").inner_text()
        assert decision and decision != "?"  # the next node, large

        context.set_offline(True)  # the network drops in the middle of the bag
        page.clock.fast_forward("01:00")
        offline_at = datetime.fromisoformat(page.evaluate("new Date().toISOString()")
                                            .replace("Z", "+00:00"))
        _scan(page, ITEMS[1])
        _scan(page, ITEMS[2])
        page.wait_for_function("() => document.getElementById('n-pending').textContent === '2'")
        page.wait_for_function("() => document.getElementById('answer').dataset.kind === 'offline'")
        page.screenshot(path=str(ARTIFACTS / "office-scan-offline-zh.png"))
        page.clock.fast_forward("10:00")  # ten minutes later, the network comes back
        context.set_offline(False)
        page.clock.fast_forward("00:06")  # past the screen's retry, should no event come
        page.wait_for_function("() => document.getElementById('n-pending').textContent === '0'",
                               timeout=15_000)
        assert page.locator("#n-items").inner_text() == "3"

        # Each of them stored once, at the time it was scanned, not when it was sent.
        for item in ITEMS[1:3]:
            timeline = _events(base, key, item)
            sorted_ = [e for e in timeline if e["code"] == "SIS"]
            assert len(sorted_) == 1
            scanned = datetime.fromisoformat(sorted_[0]["occurred_at"].replace("Z", "+00:00"))
            assert abs((scanned - offline_at).total_seconds()) < 5
            assert scanned.utcoffset() == timedelta(hours=6)  # Urumqi's device clock

        # Each kind of trouble has its own colour.
        for code, kind in ((ITEMS[0], "duplicate"), (ITEMS[4], "held"),
                           ("CNDGGAKZALAACCC60007001010120", "wrong"),
                           (f"{DISPATCH}009010120", "unannounced"),
                           (f"{DISPATCH}001010999", "duplicate"),
                           ("NOT-A-LABEL!", "invalid")):
            before = page.locator("#log li").count()
            _scan(page, code)
            page.wait_for_function(f"() => document.querySelectorAll('#log li:not(.pending)')"
                                   f".length > {before} && "
                                   "document.getElementById('n-pending').textContent === '0'")
            assert answer.get_attribute("data-kind") == kind, code
        colours = set()
        for kind in ("ok", "duplicate", "held", "wrong", "unannounced", "invalid", "offline"):
            page.evaluate(f"document.getElementById('answer').className = '{kind}'")
            colours.add(page.evaluate(
                "getComputedStyle(document.getElementById('answer')).backgroundColor"))
        assert len(colours) == 7
        page.evaluate("document.getElementById('answer').className = 'held'")
        page.screenshot(path=str(ARTIFACTS / "office-scan-zh.png"))
        browser.close()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_screen_speaks_the_corridors_languages(chromium_path: str, desk: tuple[str, str],
                                                    lang: str) -> None:
    from playwright.sync_api import sync_playwright

    base, key = desk
    words = {"en": "Scanning", "ru": "Сканирование", "kk": "Сканерлеу"}[lang]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page = browser.new_page(viewport={"width": 1024, "height": 640})
        page.clock.install(time=NOW - timedelta(hours=1))  # the platform's clock says NOW
        sign_in(page, base, key, f"/office/{OFFICE}/scan?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert words in page.locator("h1").inner_text()
        if lang == "en":  # the picture of docs/office.md
            _scan(page, BAG)
            _scan(page, ITEMS[0])
            page.wait_for_function("() => document.getElementById('n-items').textContent "
                                   "=== '1'")
            page.screenshot(path=str(ARTIFACTS / "office-scan-en.png"))
            _scan(page, ITEMS[4])  # selected by customs: to the hold area
            page.wait_for_function("() => document.getElementById('n-held').textContent "
                                   "=== '1'")
            page.goto(f"{base}/office/{OFFICE}?lang=en&refresh=0")
            assert page.locator("#held").inner_text() == "1"
            assert page.locator("#waiting").inner_text() == "1"  # ITEMS[0], still to leave
            page.screenshot(path=str(ARTIFACTS / "office-supervisor-en.png"), full_page=True)
        browser.close()
