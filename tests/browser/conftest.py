"""Browser fixtures: Debian's headless Chromium and the real app served after a simulation.

Tests skip with the reason when Chromium is absent, unless SILKPOST_REQUIRE_SERVICES=1 (CI),
where they fail. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
import pytest
import uvicorn

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.partners.service import operator_key
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate

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
def api_key(sqlite_platform: Platform) -> str:
    """An admin key of the served platform: for the API calls the tests compare pages with,
    and to sign the browser in to the dashboard."""
    return operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock,
                        label="browser tests").text


def sign_in(page: Any, base: str, key: str, then: str) -> None:
    """Sign the browser in as a person does (the demo's link), and land on ``then``."""
    page.goto(f"{base}/signin?{urlencode({'key': key, 'next': then})}")
    page.wait_for_url(f"{base}{then}")


@contextmanager
def serving(platform: Platform) -> Iterator[str]:
    """The real app on ``platform`` served on a free port (its base URL) until left."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(platform), host="127.0.0.1",
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
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def served(sqlite_platform: Platform) -> Iterator[tuple[str, list[str]]]:
    """The real app on a free port, after one simulated day of traffic."""
    network = sqlite_platform.network
    assert network is not None
    report = simulate(load_scenario("seeds-2023").with_overrides(days=1, parcels_per_day=150,
                                                                 drain_days=8),
                      network=network, uow=sqlite_platform.uow(),
                      office_records=sqlite_platform.simulation_offices())
    assert report.parcels == 150
    with sqlite_platform.uow() as uow:
        from silkpost.tracking.ports import ObjectQuery

        ids = [t.object_id for t in uow.events.find(ObjectQuery(limit=3))]
    with serving(sqlite_platform) as base:
        yield base, ids


