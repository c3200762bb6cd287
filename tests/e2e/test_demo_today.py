"""Issue 16, point 4: the demo tells the truth about today.

The demo's simulation runs up to the moment the demo starts, so "stuck now" counts parcels
that are late in the simulated world, not every parcel that has had no news since the
simulation stopped (it used to stop at midnight, Beijing time, before today).
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from silkpost.bootstrap import bootstrap
from silkpost.cli import app
from silkpost.domain.codes import terminal_statuses
from silkpost.settings import Settings
from silkpost.tracking.service import count_statuses


def test_right_after_the_demo_few_parcels_in_flight_are_stuck(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--days", "4",
                                      "--parcels-per-day", "400", "--db", str(db)])
    assert result.exit_code == 0, result.output
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}", analytics_file=":memory:"))
    counts = count_statuses(uow=platform.uow(), clock=platform.clock)  # the real clock: now
    platform.dispose()
    in_flight = [c for c in counts if c.status not in terminal_statuses()]
    parcels = sum(c.total for c in in_flight)
    stuck = sum(c.stuck for c in in_flight)
    assert parcels > 100  # parcels are on the way now, as in a live system
    assert stuck / parcels < 0.05, f"{stuck} of {parcels} parcels in flight are stuck"
