"""The router against a brute-force time-expanded search on random networks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.network.corridor import Departure, Network, Node, Service
from silkpost.network.earliest import (
    NoRoute,
    earliest_arrival,
    next_departure,
    ready_after_arrival,
)

UTCZ = ZoneInfo("UTC")
ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5, no daylight saving
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


@st.composite
def networks(draw: st.DrawFn) -> Network:
    n = draw(st.integers(2, 6))
    nodes = {
        f"N{i}": Node(code=f"N{i}", kind="exchange_office", country="CN", locode="CNURM",
                      lat=0, lon=0, tz=draw(st.sampled_from([UTCZ, ALMATY])),
                      names={"en": f"N{i}"},
                      handling_hours=draw(st.integers(0, 3)),
                      min_connection_hours=draw(st.integers(0, 2)),
                      customs_hours={"default": draw(st.integers(0, 5))},
                      cutoff_minute=draw(st.one_of(st.none(), st.integers(12 * 60, 1439))),
                      opens_minute=draw(st.integers(0, 8 * 60)))
        for i in range(n)
    }
    services = []
    for k in range(draw(st.integers(1, 12))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a == b:
            continue
        deps = draw(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 23)), min_size=1,
                             max_size=3))
        services.append(Service(
            id=f"S{k}", origin=f"N{a}", destination=f"N{b}", mode="truck", operator="",
            departures=tuple(sorted({Departure(d, h * 60) for d, h in deps},
                                    key=lambda x: (x.weekday, x.minute))),
            duration_hours=draw(st.integers(1, 30)), cost_per_kg=0, cost_per_shipment=0,
            capacity_kg=1, border_dwell_hours=draw(st.integers(0, 3))))
    outgoing: dict[str, list[Service]] = {c: [] for c in nodes}
    for s in services:
        outgoing[s.origin].append(s)
    return Network("random", nodes, tuple(services), {k: tuple(v) for k, v in outgoing.items()})


def brute_force(network: Network, origin: str, destination: str, ready: datetime
                ) -> datetime | None:
    """Relax every (node, ready time) state until nothing improves: Bellman-Ford in time."""
    best = {origin: ready}
    for _ in range(len(network.nodes) * 2 + 2):
        changed = False
        for s in network.services:
            if s.origin not in best:
                continue
            dep = next_departure(s, network.nodes[s.origin], best[s.origin])
            if dep is None:
                continue
            arr = dep + timedelta(hours=s.duration_hours + s.border_dwell_hours)
            ready_next = arr if s.destination == destination else ready_after_arrival(
                network.nodes[s.destination], arr, None)
            if s.destination == origin:
                continue
            if s.destination not in best or ready_next < best[s.destination]:
                best[s.destination] = ready_next
                changed = True
        if not changed:
            break
    return best.get(destination)


@settings(max_examples=300, deadline=None)
@given(networks(), st.integers(0, 167))
def test_router_matches_brute_force(network: Network, start_hour: int) -> None:
    """The router's earliest arrival equals the exhaustive search's, and routes exist alike."""
    ready = START + timedelta(hours=start_hour)
    expected = brute_force(network, "N0", "N1", ready)
    try:
        found = earliest_arrival(network, "N0", "N1", ready, regime=None).arrives
    except NoRoute:
        found = None
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(networks(), st.integers(0, 167))
def test_compiled_timetable_agrees_with_the_router(network: Network, start_hour: int) -> None:
    """The integer-minute planner gives the datetime router's arrival, to the minute."""
    from silkpost.network.timetable import CompiledTimetable, from_minutes, to_minutes

    ready = START + timedelta(hours=start_hour)
    table = CompiledTimetable(network, start=ready, weeks=3, regime="9610")
    fast = table.earliest("N0", "N1", to_minutes(ready))
    try:
        exact: datetime | None = earliest_arrival(network, "N0", "N1", ready,
                                                  regime="9610").arrives
    except NoRoute:
        exact = None
    assert (None if fast is None else from_minutes(fast)) == exact
