"""Router latency: the default network, and a synthetic timetable of 5,000 nodes and 1M
connections a week.

Figures: earliest-arrival p50 of the compiled integer-minute planner (and of the datetime
router) on random queries; Pareto p95. Baseline in the same run: networkx Dijkstra over the
time-expanded graph of the same connections (a node per departure and arrival event, waiting
arcs at each stop). Goals: p50 < 10 ms and ≥ 20× faster than the baseline; Pareto p95 < 150 ms.

    python benchmarks/bench_router.py [--nodes 5000] [--connections 1000000] [--quick]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib
import itertools

from _common import percentile
from silkpost.network.corridor import (
    Departure,
    Network,
    Node,
    Service,
    default_network_path,
    load_network,
)
from silkpost.network.earliest import NoRoute, earliest_arrival
from silkpost.network.pareto import pareto_plans
from silkpost.network.timetable import CompiledTimetable, pareto, to_minutes

START = datetime(2026, 11, 2, tzinfo=UTC)
TZ = ZoneInfo("Asia/Almaty")


def synthetic(n_nodes: int, n_connections: int, rng: random.Random) -> Network:
    """A connected random network: a ring plus random chords, 50 departures a week each."""
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
                                rng.uniform(1, 12), rng.uniform(0.05, 1), 50, 10_000))
    outgoing: dict[str, list[Service]] = {c: [] for c in codes}
    for s in services:
        outgoing[s.origin].append(s)
    return Network("synthetic", nodes, tuple(services), {k: tuple(v) for k, v in outgoing.items()})


def time_expanded(table: CompiledTimetable) -> tuple[nx.DiGraph, list[list[int]]]:
    """The time-expanded graph: departure events chained per stop, rides to arrivals."""
    g = nx.DiGraph()
    events_at: list[list[int]] = [[] for _ in table.codes]
    for u, out in enumerate(table.out):
        for _, deps, _ in out:
            events_at[u].extend(deps)
    for u in range(len(events_at)):
        events_at[u] = sorted(set(events_at[u]))
        times = events_at[u]
        for t1, t2 in itertools.pairwise(times):
            g.add_edge((u, t1), (u, t2), weight=t2 - t1)
    for u, out in enumerate(table.out):
        for v, deps, ride in out:
            for dep in deps:
                arrive = dep + ride
                g.add_edge((u, dep), ("arr", v, arrive), weight=ride)
                g.add_edge(("arr", v, arrive), ("sink", v), weight=0)
                times = events_at[v]
                i = bisect_left(times, arrive + table.ready_delay[v])
                if i < len(times):
                    g.add_edge(("arr", v, arrive), (v, times[i]),
                               weight=times[i] - arrive)
    return g, events_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="500 nodes, 100k connections")
    args = parser.parse_args()
    n_nodes, n_conn = (500, 100_000) if args.quick else (args.nodes, args.connections)
    rng = random.Random(5)

    default = load_network(default_network_path())
    lat = []
    for _ in range(200):
        ready = START + timedelta(minutes=rng.randrange(7 * 1440))
        t = time.perf_counter()
        earliest_arrival(default, "CNDGGA", rng.choice(["KZALAA", "UZTASA", "RUMOWA"]), ready)
        lat.append(time.perf_counter() - t)
    print(f"default network, datetime router: p50 {percentile(lat, 50) * 1e3:.2f} ms")

    t = time.perf_counter()
    network = synthetic(n_nodes, n_conn, rng)
    table = CompiledTimetable(network, start=START, weeks=1, regime=None)
    print(f"synthetic: {n_nodes:,} nodes, {len(network.services):,} services, "
          f"{sum(len(s.departures) for s in network.services):,} connections a week "
          f"(built in {time.perf_counter() - t:.0f} s)")
    queries = [(rng.choice(table.codes), rng.choice(table.codes),
                to_minutes(START) + rng.randrange(3 * 1440)) for _ in range(args.queries)]
    fast = []
    for o, d, ready in queries:
        t = time.perf_counter()
        table.earliest(o, d, ready)
        fast.append(time.perf_counter() - t)
    p50 = percentile(fast, 50) * 1e3
    exact = []
    for o, d, ready in queries[:20]:
        t = time.perf_counter()
        with contextlib.suppress(NoRoute):
            earliest_arrival(network, o, d, START + timedelta(minutes=ready - to_minutes(START)),
                             regime=None)
        exact.append(time.perf_counter() - t)
    print(f"earliest arrival, compiled: p50 {p50:.2f} ms, p99 "
          f"{percentile(fast, 99) * 1e3:.2f} ms (goal p50 < 10 ms) | datetime router p50 "
          f"{percentile(exact, 50) * 1e3:.1f} ms")

    fast_par = []
    for o, d, ready in queries[:100]:
        t = time.perf_counter()
        pareto(table, o, d, ready)
        fast_par.append(time.perf_counter() - t)
    par = []
    for o, d, ready in queries[:5]:
        t = time.perf_counter()
        with contextlib.suppress(NoRoute):
            pareto_plans(network, o, d, START + timedelta(minutes=ready - to_minutes(START)),
                         regime=None)
        par.append(time.perf_counter() - t)
    print(f"Pareto (arrival, cost, transfers), compiled: p50 "
          f"{percentile(fast_par, 50) * 1e3:.0f} ms, p95 {percentile(fast_par, 95) * 1e3:.0f} ms "
          f"over {len(fast_par)} queries (goal p95 < 150 ms) | datetime version p50 "
          f"{percentile(par, 50) * 1e3:.0f} ms")

    t = time.perf_counter()
    graph, events_at = time_expanded(table)
    print(f"networkx time-expanded graph: {graph.number_of_nodes():,} nodes, "
          f"{graph.number_of_edges():,} edges (built in {time.perf_counter() - t:.0f} s)")
    base = []
    for o, d, ready in queries[:9]:
        u, v = table.index[o], table.index[d]
        times = events_at[u]
        i = bisect_left(times, ready)
        t = time.perf_counter()
        if i < len(times):
            # Stops at the first arrival at the destination (a sink joins them).
            with contextlib.suppress(nx.NetworkXNoPath):
                nx.single_source_dijkstra(graph, (u, times[i]), target=("sink", v))
        base.append(time.perf_counter() - t)
    b50 = percentile(base, 50) * 1e3
    print(f"networkx baseline p50 {b50:.0f} ms | compiled planner is {b50 / p50:.0f}× faster "
          f"(goal ≥ 20×)")


if __name__ == "__main__":
    main()
