"""One on-time rule and one clearance rule: the simulator's report, the analytics API and
``silkpost kpi`` agree.

A small run is simulated into a SQLite store; at the instant the run ends, the report's lane
figures (built from the simulator's own records) and the API's (built from the stored events)
are the same numbers, lane by lane, in flight and overdue included. The dashboard draws the
API's lanes (tests/e2e/test_dashboard.py holds it to them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from silkpost.sim.report import Report
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate
from tests.keys import admin_headers

START = date(2026, 10, 1)
DAYS, DRAIN = 3, 6  # parcels of the last days are still on the way when the run ends
END = (datetime.combine(START, time(0), ZoneInfo("Asia/Shanghai")).astimezone(UTC)
       + timedelta(days=DAYS + DRAIN))
PERIOD = {"since": (START - timedelta(days=1)).isoformat(),
          "until": (START + timedelta(days=DAYS + DRAIN)).isoformat()}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Report, Platform]]:
    """The report of a 3-day run of 250 parcels a day, and the store it wrote to."""
    path = tmp_path_factory.mktemp("lanes") / "silkpost.db"
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=FixedClock(END))
    assert platform.network is not None
    scenario = load_scenario("seeds-2023").with_overrides(
        days=DAYS, parcels_per_day=250, seed=3, start=START, drain_days=DRAIN)
    report = simulate(scenario, network=platform.network, uow=platform.uow(),
    office_records=platform.simulation_offices())
    yield report, platform
    platform.dispose()


def _figures(row: Any) -> tuple[object, ...]:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return tuple(get(k) for k in ("delivered", "in_flight", "overdue", "on_time", "late",
                                  "p50_days", "p90_days", "promise_days", "on_time_share"))


def test_report_and_api_give_the_same_lane_figures(run: tuple[Report, Platform]) -> None:
    """Each lane of the report equals the API's lane row: counts, percentiles, share."""
    report, platform = run
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        api = client.get("/api/v1/analytics/lanes", params=PERIOD).json()["rows"]
    by_lane = {row["lane"]: row for row in api}
    assert set(by_lane) == {lane.lane for lane in report.lanes}
    for lane in report.lanes:
        row = by_lane[lane.lane]
        assert row["posted"] == lane.parcels, lane.lane
        assert _figures(row) == _figures(lane), lane.lane
    assert sum(lane.in_flight for lane in report.lanes) == report.in_flight > 0
    assert any(lane.overdue for lane in report.lanes)  # the case the old report got wrong
    assert any(lane.on_time for lane in report.lanes)


def test_report_and_api_give_the_same_clearance_per_port_and_regime(
        run: tuple[Report, Platform]) -> None:
    """Each port's clearance figures in the report, over all regimes and per regime, equal the
    API's customs rows (silkpost.domain.clearance): items released, p50, p90, mean hours."""
    report, platform = run
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        per_port = client.get("/api/v1/analytics/customs", params=PERIOD).json()["rows"]
        per_regime = client.get("/api/v1/analytics/customs",
                                params={**PERIOD, "by_regime": "true"}).json()["rows"]
    api = {(r["office"], r["regime"]): (r["released"], r["p50_hours"], r["p90_hours"],
                                        r["mean_hours"])
           for r in per_port + per_regime if r["released"]}
    mine = {(c.port, c.regime): (c.released, c.p50_hours, c.p90_hours, c.mean_hours)
            for c in report.clearance}
    assert mine == api
    assert {regime for _, regime in mine} >= {"*", "9610", "9710", "9810", "1210"}
    assert any(port == "CNHRS-XS" for port, _ in mine)


def test_kpi_json_gives_the_api_lanes(run: tuple[Report, Platform], monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    """``silkpost kpi --json`` prints the API's lane rows and tiles for the same period."""
    from silkpost import bootstrap as wiring
    from silkpost.cli import app

    _, platform = run
    url = platform.settings.database_url
    monkeypatch.setattr(wiring, "bootstrap", lambda: bootstrap(Settings(database_url=url),
                                                               clock=FixedClock(END)))
    result = CliRunner().invoke(app, ["kpi", "--json", "--since", PERIOD["since"],
                                      "--until", PERIOD["until"]])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        api = client.get("/api/v1/analytics/lanes", params=PERIOD).json()["rows"]
        tiles = client.get("/api/v1/analytics/summary", params=PERIOD).json()
    assert printed["lanes"] == api
    assert printed["summary"]["on_time_share"] == tiles["on_time_share"]
