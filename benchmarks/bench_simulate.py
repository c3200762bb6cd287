"""Simulator throughput: 7 days × 100,000 parcels a day, every scan stored in SQLite.

Figure: wall-clock time and simulated parcels per wall-clock second for the whole run (demand
days plus the drain until parcels are delivered) of the simulate use case, every scan a record
validated by the tracking hub's ingest (as a partner's) and stored through the store's
appender, the Chinese offices of exchange working through the office's service functions
(their events validated by record_in), every parcel declared through the customs check
(silkpost.customs.service.check, as ``silkpost customs check`` checks a broker's file).
Baseline, same run: the same simulation, offices and declarations included, with sinks that
drop the records and events, which shows what storing the scans costs. Goal: the stored run
under 3 minutes.

    python benchmarks/bench_simulate.py [--days 7] [--parcels-per-day 100000] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from silkpost.bootstrap import bootstrap
from silkpost.domain.events import TrackingEvent
from silkpost.network.corridor import default_network_path, load_network
from silkpost.settings import Settings
from silkpost.sim.engine import CorridorSimulation
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate
from silkpost.store.memory import InMemoryUnitOfWork
from silkpost.tracking.formats import Record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--parcels-per-day", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2 days × 10,000 parcels")
    args = parser.parse_args()
    days, per_day = (2, 10_000) if args.quick else (args.days, args.parcels_per_day)
    scenario = load_scenario("seeds-2023").with_overrides(days=days, parcels_per_day=per_day)
    network = load_network(default_network_path())
    parcels = days * per_day

    def drop(records: list[Record] | list[TrackingEvent]) -> None:
        pass

    t0 = time.perf_counter()
    CorridorSimulation(network, scenario, sink=drop, recorded=drop,
                       office_records=InMemoryUnitOfWork()).run()
    base = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        platform = bootstrap(Settings(database_url=f"sqlite:///{Path(tmp) / 'sim.db'}"))
        t0 = time.perf_counter()
        report = simulate(scenario, network=network, uow=platform.uow(),
                          office_records=platform.simulation_offices())
        stored = time.perf_counter() - t0
        with platform.uow() as uow:
            count = uow.events.count_events()
        platform.dispose()
    lane = report.lane("CNDGGA>KZALAA")
    print(f"{days} days × {per_day:,} parcels/day = {parcels:,} parcels, {count:,} events stored")
    print(f"stored run: {stored:.0f} s, {parcels / stored:,.0f} simulated parcels/s, "
          f"{count / stored:,.0f} events/s (goal < 180 s) | simulation without storing "
          f"{base:.0f} s | ratio {stored / base:.2f}×")
    if lane is not None:
        print(f"Dongguan → Almaty p50 {lane.p50_days} days, p90 {lane.p90_days} days "
              f"(seeds: 6–8 days)")


if __name__ == "__main__":
    main()
