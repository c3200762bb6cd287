"""The tracking page in a real headless Chromium (Debian's), after a small simulation.

Skips with the reason when Chromium is absent, unless SILKPOST_REQUIRE_SERVICES=1 (CI), where
it fails. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        reason = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("SILKPOST_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def served(sqlite_platform: Platform) -> Iterator[tuple[str, list[str]]]:
    """The real app on a free port, after one simulated day of traffic."""
    network = sqlite_platform.network
    assert network is not None
    report = simulate(load_scenario("seeds-2023").with_overrides(days=1, parcels_per_day=150,
                                                                 drain_days=3),
                      network=network, uow=sqlite_platform.uow())
    assert report.parcels == 150
    with sqlite_platform.uow() as uow:
        from silkpost.tracking.ports import ObjectQuery

        ids = [t.object_id for t in uow.events.find(ObjectQuery(limit=3))]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(sqlite_platform), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):  # bounded wait for the socket, not a sleep
        try:
            if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                break
        except httpx.TransportError:
            threading.Event().wait(0.05)
    yield base, ids
    server.should_exit = True
    thread.join(10)


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
