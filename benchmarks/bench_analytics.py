"""Analytics KPI queries with 10M events stored (SQLite store, DuckDB analytics).

Figure: for each KPI of the dashboard, the median and worst of 5 runs of its query over a
14-day period, with about 10M simulated corridor events stored; also the first copy of the
event log into DuckDB (events/s) and the rebuild of its derived tables. Goal: each KPI query
under 1 s. Baseline, same run: SQLite itself counting items posted per day straight from the
events table (one GROUP BY over the log), which is what a dashboard without analytics would do.

The store is filled by the simulator (7 days × 66,500 parcels ≈ 10M events), its rows written
with a raw executemany and the read model by one SQL pass, so that filling takes about a
minute; bench_ingest.py and bench_simulate.py measure the real write path. ``--db PATH`` keeps
the filled store for the next run.

    python benchmarks/bench_analytics.py [--quick] [--db PATH] [--parcels-per-day N]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from silkpost.analytics import service
from silkpost.analytics.kpis import Period
from silkpost.bootstrap import bootstrap
from silkpost.clock import FixedClock
from silkpost.domain.codes import event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.network.corridor import default_network_path, load_network
from silkpost.settings import Settings
from silkpost.sim.engine import CorridorSimulation
from silkpost.sim.scenario import load_scenario
from silkpost.store.events import EVENT_COLUMNS, event_rows

START = date(2026, 10, 1)


def fill(path: Path, days: int, per_day: int, *, start: date = START, seed: int = 1,
         statuses: bool = True) -> int:
    """Simulate the corridor into the store at ``path``; return the events stored."""
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"))  # runs the migrations
    platform.dispose()
    network = load_network(default_network_path())
    scenario = load_scenario("seeds-2023").with_overrides(
        days=days, parcels_per_day=per_day, start=start, seed=seed)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    insert = (f"INSERT OR IGNORE INTO events ({', '.join(EVENT_COLUMNS)}) "
              f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})")

    def sink(events: list[TrackingEvent]) -> None:
        conn.executemany(insert, event_rows(events))
        conn.commit()

    t0 = time.perf_counter()
    CorridorSimulation(network, scenario, sink=sink).run()
    if not statuses:
        conn.close()
        return 0
    codes = " ".join(f"WHEN '{c.code}' THEN '{c.status.value}'"
                        for c in event_codes().values())
    conn.execute(
        "INSERT INTO object_status SELECT object_kind, object_id, "
        f"CASE latest_code {codes} END, latest_us * 1024, latest_code, "
        f"CASE latest_code {codes} END, latest_us, off, loc, office, NULL, NULL, first_us, "
        "NULL, latest_us FROM (SELECT object_kind, object_id, max(occurred_us) AS latest_us, "
        "min(occurred_us) AS first_us, code AS latest_code, utc_offset_min AS off, "
        "location AS loc, office FROM events GROUP BY object_kind, object_id)")
    conn.commit()
    count = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    conn.close()
    print(f"filled {count:,} events in {time.perf_counter() - t0:.0f} s")
    return count


def runs(fn: Callable[[], Any], n: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 days × 10,000 parcels")
    parser.add_argument("--parcels-per-day", type=int, default=66_500)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--db", type=Path, help="store to reuse (filled when missing)")
    args = parser.parse_args()
    days, per_day = (2, 10_000) if args.quick else (args.days, args.parcels_per_day)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "analytics.db"
        if not path.exists():
            fill(path, days, per_day)
        clock = FixedClock(datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=days + 3))
        platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=clock)
        analytics = platform.analytics()
        t0 = time.perf_counter()
        copied = analytics.refresh(force=True)
        copy_s = time.perf_counter() - t0
        print(f"{copied:,} events copied into DuckDB and derived in {copy_s:.1f} s "
              f"({copied / copy_s:,.0f} events/s)")
        period = Period(START, START + timedelta(days=13))
        promises = platform.lane_promises()
        lane = "CNDGGA>KZALAA"
        queries: dict[str, Callable[[], Any]] = {
            "summary (tiles)": lambda: service.summary(
                period, analytics=analytics, uow=platform.uow(), clock=clock,
                promises=promises),
            "volumes per day and mode": lambda: service.volumes(period, analytics=analytics),
            "lanes p50/p90, on time": lambda: service.lanes(
                period, analytics=analytics, clock=clock, promises=promises),
            "transit histogram (lane)": lambda: service.transit(
                lane, period, analytics=analytics),
            "customs per port": lambda: service.customs(period, analytics=analytics),
            "dwell per node + stuck": lambda: service.nodes(
                period, analytics=analytics, uow=platform.uow(), clock=clock),
            "modes": lambda: service.modes(period, analytics=analytics),
            "flows": lambda: service.flows(period, analytics=analytics),
            "overdue items": lambda: service.overdue(
                period, analytics=analytics, clock=clock, promises=promises),
        }
        raw = sqlite3.connect(path)
        base, _ = runs(lambda: raw.execute(
            "SELECT (occurred_us + utc_offset_min * 60000000) / 86400000000 AS d, count(*) "
            "FROM events WHERE code = 'EMA' GROUP BY d").fetchall(), 3)
        raw.close()
        worst = 0.0
        for name, fn in queries.items():
            med, top = runs(fn)
            worst = max(worst, top)
            print(f"  {name:28s} median {med * 1000:8.1f} ms  worst {top * 1000:8.1f} ms  "
                  f"| ratio to baseline {med / base:.3f}×")
        print(f"baseline: SQLite posted-per-day GROUP BY over the log {base * 1000:.0f} ms")
        print(f"slowest KPI query {worst * 1000:.0f} ms (goal < 1,000 ms) with "
              f"{analytics.events_copied():,} events")
        # A later day of traffic arrives: the next refresh copies it and re-derives only the
        # parcels it touched.
        fill(path, 1, max(per_day // 20, 100), start=START + timedelta(days=days), seed=99,
             statuses=False)
        t0 = time.perf_counter()
        new = analytics.refresh(force=True)
        step = time.perf_counter() - t0
        print(f"incremental refresh: {new:,} new events copied and derived in {step:.2f} s "
              f"(first copy {copy_s:.1f} s)")
        platform.dispose()


if __name__ == "__main__":
    main()
