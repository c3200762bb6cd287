"""`silkpost simulate` and `silkpost demo --no-serve` through Typer's runner on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.domain import s10

runner = CliRunner()


def test_simulate_writes_the_report_and_stores_the_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report lists lanes; the parcels it simulated can be tracked from the store."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'sim.db'}")
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["simulate", "--days", "1", "--parcels-per-day", "300",
                                 "--seed", "4", "--report", str(report)])
    assert result.exit_code == 0, result.output
    body = json.loads(report.read_text())
    assert body["parcels"] == 300 and body["events"] > 300
    assert any(lane["lane"] == "CNDGGA>KZALAA" for lane in body["lanes"])
    first = s10.build("CE", 0, "CN")  # the first id of seed 4 into an empty store
    tracked = runner.invoke(app, ["track", "--json", first])
    assert tracked.exit_code == 0, tracked.output
    assert json.loads(tracked.output)["timeline"][0]["code"] == "EMA"


def test_unknown_scenario_is_a_clear_error(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario that does not exist names the known ones and exits 3."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = runner.invoke(app, ["simulate", "--scenario", "atlantis"])
    assert result.exit_code == 3 and "seeds-2023" in result.output


def test_demo_without_serving(tmp_path: Path) -> None:
    """The demo fills a fresh store and prints tracking numbers that the store knows."""
    db = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--no-serve", "--db", str(db), "--days", "2",
                                 "--parcels-per-day", "200"])
    assert result.exit_code == 0, result.output
    assert "tracking numbers to try" in result.output and db.exists()


def test_kpi_prints_the_figures_the_api_gives(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`silkpost kpi --json` after a simulated day: the lanes count every simulated parcel
    once; a period ending before it starts exits 2 naming the field."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    result = runner.invoke(app, ["simulate", "--days", "1", "--parcels-per-day", "200",
                                 "--seed", "2"])
    assert result.exit_code == 0, result.output
    scenario_start = "2026-11-02"  # seeds-2023's first day
    result = runner.invoke(app, ["kpi", "--json", "--since", scenario_start,
                                 "--until", "2026-11-30"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["summary"]["posted"] == 200
    assert sum(lane["posted"] for lane in body["lanes"]) == 200
    assert all(p["presented"] >= p["released"] for p in body["customs"])
    bad = runner.invoke(app, ["kpi", "--since", "2026-11-30", "--until", "2026-11-01"])
    assert bad.exit_code == 2 and "since" in bad.output
