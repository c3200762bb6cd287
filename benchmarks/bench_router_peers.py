"""The product's router against MOTIS nigiri (C++ RAPTOR, ``pynigiri``) on the same queries.

Exports bench_router.py's synthetic timetable as GTFS (a trip per weekly departure on a
weekday calendar, the node's handling time as its same-stop ``min_transfer_time``), loads it
into nigiri and asks both routers the same random queries, interleaved one by one, on one
core. Prints how many earliest arrivals agree (and why the others differ) and the speed
ratio at p50 and p99. The product's side is ``silkpost.network.service.plan``, datetimes in
and out, as the API calls it; nigiri's side is building its query and ``route``.

nigiri's own limits, which the product's router does not share: journeys longer than five
days are not searched (``max_travel_time`` is capped at 5 days, 7,200 minutes), at most 14
transfers, times are whole minutes, and a stop's transfer time is stored in 8 bits (at most
255 minutes; handling plus customs at a real office is often longer). The synthetic network
keeps inside them: rides in whole minutes, a transfer time of 60 minutes.

    pip install -e '.[bench]'
    python benchmarks/bench_router_peers.py [--nodes 5000] [--connections 1000000]
    python benchmarks/bench_router_peers.py --nodes 20000 --connections 4000000
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pynigiri as ng

from _common import percentile
from bench_router import START, TZ, arguments, queries, synthetic, timed_plan
from silkpost.network.corridor import DAYS, Network
from silkpost.network.service import router_for
from silkpost.network.timetable import to_seconds

FIVE_DAYS = 5 * 86_400
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def hhmmss(seconds: int) -> str:
    """GTFS time of day; past midnight it runs on (25:10:00), as the format allows."""
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def export_gtfs(network: Network, folder: Path, *, first: str, last: str) -> None:
    """Write the network as a GTFS feed in ``folder`` (calendar from ``first`` to ``last``)."""

    def write(name: str, header: list[str], rows: Iterator[list[Any]] | list[list[Any]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows(rows)

    write("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone"],
          [["SP", "Silkpost", "https://example.org", TZ.key]])
    write("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
          [[n.code, n.code, f"{n.lat:.6f}", f"{n.lon:.6f}"] for n in network.nodes.values()])
    write("transfers.txt", ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
          [[n.code, n.code, 2, int(n.ready_delay(None).total_seconds())]
           for n in network.nodes.values()])
    write("calendar.txt", ["service_id", *WEEKDAYS, "start_date", "end_date"],
          [[DAYS[d], *[int(i == d) for i in range(7)], first, last] for d in range(7)])
    write("routes.txt", ["route_id", "agency_id", "route_short_name", "route_type"],
          [[s.id, "SP", s.id, 3] for s in network.services])
    write("trips.txt", ["route_id", "service_id", "trip_id"],
          ([s.id, DAYS[d.weekday], f"{s.id}.{d.weekday}.{d.minute}"]
           for s in network.services for d in s.departures))

    def stop_times() -> Iterator[list[Any]]:
        for s in network.services:
            ride = int(s.ride.total_seconds())
            for d in s.departures:
                trip, leaves = f"{s.id}.{d.weekday}.{d.minute}", d.minute * 60
                yield [trip, hhmmss(leaves), hhmmss(leaves), s.origin, 1]
                yield [trip, hhmmss(leaves + ride), hhmmss(leaves + ride), s.destination, 2]

    write("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id",
                             "stop_sequence"], stop_times())


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """nigiri's loader logs every step on stderr (file descriptor 2): silence it."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def nigiri_earliest(tt: Any, locations: dict[str, Any], origin: str, destination: str,
                    ready_s: int) -> int | None:
    """Earliest arrival (epoch seconds) among nigiri's journeys, None when it finds none."""
    q = ng.Query()
    q.start_time = -(-ready_s // 60)
    q.start = [ng.Offset(locations[origin], 0, 0)]
    q.destination = [ng.Offset(locations[destination], 0, 0)]
    best = min((j.arrival_time() for j in ng.route(tt, q)), default=None)
    return None if best is None else 60 * best


def main() -> None:
    args, n_nodes, n_conn = arguments(__doc__, queries=300)
    rng = random.Random(5)
    network = synthetic(n_nodes, n_conn, rng)
    sample = queries(network, args.queries, rng)
    print(f"synthetic: {n_nodes:,} nodes, {sum(len(s.departures) for s in network.services):,}"
          f" connections a week; {len(sample)} queries")
    first, last = START - timedelta(days=7), START + timedelta(days=21)
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        export_gtfs(network, Path(folder), first=f"{first:%Y%m%d}", last=f"{last:%Y%m%d}")
        exported = time.perf_counter() - t
        config = ng.LoaderConfig()
        config.link_stop_distance = 0  # no footpaths between stops: the network has none
        t = time.perf_counter()
        with quiet_stderr():
            tt = ng.load_timetable([ng.TimetableSource("sp", folder, config)],
                                   f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}")
        print(f"GTFS export {exported:.0f} s; nigiri load {time.perf_counter() - t:.0f} s")
    locations = {code: tt.find_location(code) for code in network.nodes}
    t = time.perf_counter()
    router_for(network).table(to_seconds(sample[0][2])).profile(None, (), ())
    print(f"product timetable compiled once in {time.perf_counter() - t:.1f} s")

    ours, theirs = [], []
    agree = beyond_five_days = same_node = other = 0
    examples = []
    for o, d, ready in sample:  # interleaved: each query on both, one after the other
        mine, took = timed_plan(network, o, d, ready)
        ours.append(took)
        t = time.perf_counter()
        peer = nigiri_earliest(tt, locations, o, d, to_seconds(ready))
        theirs.append(time.perf_counter() - t)
        if mine == peer:
            agree += 1
        elif o == d:  # the product answers "already there"; nigiri gives no journey
            same_node += 1
        elif peer is None and mine is not None and mine - to_seconds(ready) > FIVE_DAYS:
            beyond_five_days += 1
        else:
            other += 1
            examples.append((o, d, ready.isoformat(), mine, peer))
    print(f"earliest arrival: same answer on {agree}/{len(sample)}; {beyond_five_days} need "
          f"more than nigiri's 5 days (the product finds them, nigiri cannot); {same_node} "
          f"start at their destination (no journey in nigiri); {other} differ otherwise "
          f"{examples[:3]}")
    o50, o99 = percentile(ours, 50) * 1e3, percentile(ours, 99) * 1e3
    n50, n99 = percentile(theirs, 50) * 1e3, percentile(theirs, 99) * 1e3
    print(f"  product router (service.plan): p50 {o50:.3f} ms, p99 {o99:.3f} ms")
    print(f"  nigiri (pynigiri.route):       p50 {n50:.3f} ms, p99 {n99:.3f} ms")
    print(f"  product / nigiri: {o50 / n50:.2f}x at p50, {o99 / n99:.2f}x at p99 "
          f"(goal: within 2x at p50, 3x at p99; below 1 is faster)")


if __name__ == "__main__":
    main()
