"""Router latency on the product's path: the default network, and a synthetic timetable of
5,000 nodes and 1M connections a week.

Times ``silkpost.network.service.plan`` — what the API's /routes/plan, the CLI, the ETA and
the simulator call: datetime in, itinerary of datetime legs out — and, on the same queries,
interleaved one by one, the baseline: networkx Dijkstra over the time-expanded graph of the
same connections (a node per departure and arrival event, waiting arcs at each stop). Prints
p50/p99 of both, their ratio, how many answers agree, and the Pareto search's p50/p95.
Goals: earliest arrival p50 < 5 ms; Pareto p95 < 50 ms.

    python benchmarks/bench_router.py [--nodes 5000] [--connections 1000000] [--queries 200]
    python benchmarks/bench_router.py --quick     # 500 nodes, 100k connections
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile
from silkpost.network.corridor import (
    Departure,
    Network,
    Node,
    Service,
    default_network_path,
    load_network,
)
from silkpost.network.itinerary import NoRoute
from silkpost.network.service import pareto_plans, plan, router_for
from silkpost.network.timetable import CompiledTimetable, to_seconds

START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
TZ = ZoneInfo("Asia/Almaty")


def synthetic(n_nodes: int, n_connections: int, rng: random.Random) -> Network:
    """A connected random network: a ring plus random chords, 50 departures a week each.

    Rides are whole minutes, so a peer that keeps minutes (nigiri) holds the same timetable.
    """
    per_service = 50
    n_services = n_connections // per_service
    nodes = {f"X{i:05d}": Node(f"X{i:05d}", "exchange_office", "KZ", "KZALA",
                               rng.uniform(40, 50), rng.uniform(60, 90), TZ, {"en": str(i)},
                               handling_hours=1, min_connection_hours=0.5)
             for i in range(n_nodes)}
    codes = list(nodes)
    services = []
    for k in range(n_services):
        a = k % n_nodes if k < n_nodes else rng.randrange(n_nodes)
        b = (a + 1) % n_nodes if k < n_nodes else rng.randrange(n_nodes)
        if a == b:
            b = (a + 1) % n_nodes
        deps = tuple(sorted({Departure(rng.randrange(7), rng.randrange(1440))
                             for _ in range(per_service)}, key=lambda d: (d.weekday, d.minute)))
        services.append(Service(f"S{k}", codes[a], codes[b], "truck", "", deps,
                                rng.randrange(60, 720) / 60, rng.uniform(0.05, 1), 50, 10_000))
    outgoing: dict[str, list[Service]] = {c: [] for c in codes}
    for s in services:
        outgoing[s.origin].append(s)
    return Network("synthetic", nodes, tuple(services), {k: tuple(v) for k, v in outgoing.items()})


def queries(network: Network, count: int, rng: random.Random) -> list[tuple[str, str, datetime]]:
    """Random origin, destination and ready time (within three days of START, to the second)."""
    codes = list(network.nodes)
    return [(rng.choice(codes), rng.choice(codes),
             START + timedelta(seconds=rng.randrange(3 * 86_400))) for _ in range(count)]


def timed_plan(network: Network, origin: str, destination: str, ready: datetime
               ) -> tuple[int | None, float]:
    """The product's earliest arrival (epoch seconds, None: no route) and the seconds it took,
    through the service layer the API and the CLI call."""
    t = time.perf_counter()
    try:
        arrival: int | None = to_seconds(plan(network, origin, destination, ready,
                                              regime=None).arrives)
    except NoRoute:
        arrival = None
    return arrival, time.perf_counter() - t


def time_expanded(table: CompiledTimetable) -> tuple[nx.DiGraph, list[list[int]]]:
    """The time-expanded graph: departure events chained per stop, rides to arrivals."""
    g = nx.DiGraph()
    dep_start, dep_times, services = table.dep_start, table.dep_times, table.services
    index, n = table.index, len(table.codes)
    rides = [int(s.ride.total_seconds()) for s in services]
    delay = [int(node.ready_delay(None).total_seconds()) for node in table.network.nodes.values()]
    events_at: list[list[int]] = [[] for _ in range(n)]
    for j, s in enumerate(services):
        events_at[index[s.origin]].extend(dep_times[dep_start[j]:dep_start[j + 1]])
    for u in range(n):
        events_at[u] = sorted(set(events_at[u]))
        for t1, t2 in itertools.pairwise(events_at[u]):
            g.add_edge((u, t1), (u, t2), weight=t2 - t1)
    for j, s in enumerate(services):
        u, v = index[s.origin], index[s.destination]
        times = events_at[v]
        for dep in dep_times[dep_start[j]:dep_start[j + 1]]:
            arrive = dep + rides[j]
            g.add_edge((u, dep), ("arr", v, arrive), weight=rides[j])
            g.add_edge(("arr", v, arrive), ("sink", v), weight=0)
            i = bisect_left(times, arrive + delay[v])
            if i < len(times):
                g.add_edge(("arr", v, arrive), (v, times[i]), weight=times[i] - arrive)
    return g, events_at


def baseline(graph: nx.DiGraph, events_at: list[list[int]], table: CompiledTimetable,
             origin: str, destination: str, ready: int) -> int | None:
    """Earliest arrival second by networkx Dijkstra from the first departure event."""
    u, v = table.index[origin], table.index[destination]
    if u == v:
        return ready
    times = events_at[u]
    i = bisect_left(times, ready)
    if i == len(times):
        return None
    try:
        dist = nx.single_source_dijkstra(graph, (u, times[i]), target=("sink", v))[0]
    except nx.NetworkXNoPath:
        return None
    return int(times[i] + dist)


def arguments(description: str | None, *, queries: int) -> tuple[argparse.Namespace, int, int]:
    """The command line of the router benchmarks and the network size it asks for.

    Also pins this process to one core, so that both routers of a comparison get the same.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=queries)
    parser.add_argument("--quick", action="store_true", help="500 nodes, 100k connections")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    n_nodes, n_conn = (500, 100_000) if args.quick else (args.nodes, args.connections)
    return args, n_nodes, n_conn


def main() -> None:
    args, n_nodes, n_conn = arguments(__doc__, queries=200)
    rng = random.Random(5)

    default = load_network(default_network_path())
    lat = []
    for _ in range(200):
        ready = START + timedelta(minutes=rng.randrange(7 * 1440))
        t = time.perf_counter()
        plan(default, "CNDGGA", rng.choice(["KZALAA", "UZTASA", "RUMOWA"]), ready)
        lat.append(time.perf_counter() - t)
    print(f"default network, product router: p50 {percentile(lat, 50) * 1e3:.3f} ms, "
          f"p99 {percentile(lat, 99) * 1e3:.3f} ms (first query, compiling the timetable: "
          f"{lat[0] * 1e3:.1f} ms)")

    t = time.perf_counter()
    network = synthetic(n_nodes, n_conn, rng)
    print(f"synthetic: {n_nodes:,} nodes, {len(network.services):,} services, "
          f"{sum(len(s.departures) for s in network.services):,} connections a week "
          f"(generated in {time.perf_counter() - t:.0f} s)")
    sample = queries(network, args.queries, rng)
    t = time.perf_counter()
    table = router_for(network).table(to_seconds(sample[0][2]))
    table.profile(None, (), ())
    print(f"compiled timetable: {len(table.dep_times):,} departures over {table.weeks} weeks, "
          f"built once in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    graph, events_at = time_expanded(table)
    print(f"networkx time-expanded graph: {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges (built in {time.perf_counter() - t:.0f} s)")

    ours, theirs, agree = [], [], 0
    for o, d, ready in sample:  # interleaved: each query on both, one after the other
        arrival, took = timed_plan(network, o, d, ready)
        ours.append(took)
        t = time.perf_counter()
        expected = baseline(graph, events_at, table, o, d, to_seconds(ready))
        theirs.append(time.perf_counter() - t)
        agree += arrival == expected
    o50, o99 = percentile(ours, 50) * 1e3, percentile(ours, 99) * 1e3
    b50, b99 = percentile(theirs, 50) * 1e3, percentile(theirs, 99) * 1e3
    print(f"earliest arrival over {len(sample)} queries, same answers on {agree}/{len(sample)}:")
    print(f"  product router (service.plan, datetime edges): p50 {o50:.3f} ms, p99 {o99:.3f} ms"
          f" (goal p50 < 5 ms)")
    print(f"  networkx baseline: p50 {b50:.1f} ms, p99 {b99:.1f} ms")
    print(f"  ratio: product is {b50 / o50:.0f}x faster at p50, {b99 / o99:.0f}x at p99")

    par = []
    sizes = []
    for o, d, ready in sample:
        t = time.perf_counter()
        try:
            sizes.append(len(pareto_plans(network, o, d, ready, regime=None)))
        except NoRoute:
            sizes.append(0)
        par.append(time.perf_counter() - t)
    print(f"Pareto (arrival, cost, transfers) over {len(par)} queries: p50 "
          f"{percentile(par, 50) * 1e3:.1f} ms, p95 {percentile(par, 95) * 1e3:.1f} ms, "
          f"p99 {percentile(par, 99) * 1e3:.1f} ms (goal p95 < 50 ms); "
          f"{sum(sizes) / len(sizes):.1f} plans a query")


if __name__ == "__main__":
    main()
