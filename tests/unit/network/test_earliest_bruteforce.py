"""The product's router against a brute-force search on random networks, and every leg of its
plans replayed in exact time."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.network.corridor import Departure, Network, Node, Service
from silkpost.network.itinerary import Itinerary, NoRoute
from silkpost.network.service import plan
from silkpost.network.workhours import ready_after_arrival

UTCZ = ZoneInfo("UTC")
ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5, no daylight saving
WARSAW = ZoneInfo("Europe/Warsaw")  # daylight saving: clocks change on 2027-03-28
START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
SPRING = datetime(2027, 3, 22, tzinfo=UTC)  # the Monday of the week Warsaw's clocks change
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_second(moment: datetime) -> datetime:
    """The moment rounded up to the whole second: the router's resolution. Two plans whose
    arrivals fall in one second tie (the search never sees a plan earlier than it is)."""
    seconds = math.ceil((moment - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=seconds)


def next_departure(service: Service, node: Node, ready: datetime) -> datetime | None:
    """The first departure at or after ``ready``, walking the weekly timetable in local time
    (the oracle: independent of the router's compiled timetable)."""
    local = ready.astimezone(node.tz)
    week_start = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    for week in (-1, 0, 1, 2):
        for d in service.departures:
            candidate = (week_start + timedelta(days=d.weekday + 7 * week, minutes=d.minute)
                         ).replace(tzinfo=node.tz).astimezone(UTC)
            if candidate >= ready:
                return candidate
    return None


@st.composite
def networks(draw: st.DrawFn, *, max_nodes: int = 6, max_services: int = 12,
             chain: bool = False) -> Network:
    """Random networks; ``chain`` adds a line N0 → N2 → … → N1 so routes need many legs."""
    n = draw(st.integers(2, max_nodes))
    nodes = {
        f"N{i}": Node(code=f"N{i}", kind="exchange_office", country="CN", locode="CNURM",
                      lat=0, lon=0, tz=draw(st.sampled_from([UTCZ, ALMATY, WARSAW])),
                      names={"en": f"N{i}"},
                      handling_hours=draw(st.sampled_from([0, 1, 2, 0.75, 1.3333])),
                      min_connection_hours=draw(st.integers(0, 2)),
                      customs_hours={"default": draw(st.integers(0, 5))},
                      cutoff_minute=draw(st.one_of(st.none(), st.integers(12 * 60, 1439))),
                      opens_minute=draw(st.integers(0, 8 * 60)))
        for i in range(n)
    }
    pairs = [(draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1)))
             for _ in range(draw(st.integers(1, max_services)))]
    if chain:
        line = [0, *range(2, n), 1]
        pairs = list(itertools.pairwise(line)) + pairs
    services = []
    for k, (a, b) in enumerate(pairs):
        if a == b:
            continue
        deps = draw(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 23),
                                       st.sampled_from([0, 7, 30, 59])), min_size=1, max_size=3))
        if draw(st.integers(0, 3)) == 0:  # hourly: connections made to the second are common
            deps = [(d, h, 0) for d in range(7) for h in range(24)]
        services.append(Service(
            id=f"S{k}", origin=f"N{a}", destination=f"N{b}", mode="truck", operator="",
            departures=tuple(sorted({Departure(d, h * 60 + m) for d, h, m in deps},
                                    key=lambda x: (x.weekday, x.minute))),
            # Hours with seconds in them: a ride of 1.0001 h ends 0.36 s past the minute.
            duration_hours=draw(st.sampled_from([1, 2, 5, 13, 30, 1.0001, 2.9999, 0.5083])),
            cost_per_kg=0, cost_per_shipment=0, capacity_kg=1,
            border_dwell_hours=draw(st.integers(0, 3))))
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
            arr = dep + s.ride
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


def _skipped_hour(local: datetime, departures: tuple[Departure, ...]) -> bool:
    """A departure the timetable puts in the hour the clocks skip (02:00 on a spring-forward
    day) leaves at that moment, which the clock reads an hour later: the same instant."""
    for d in departures:
        if d.weekday != local.weekday():
            continue
        named = local.replace(hour=d.minute // 60, minute=d.minute % 60, fold=0)
        if named.astimezone(UTC) == local.astimezone(UTC) and named.hour != local.hour:
            return True
    return False


def replay(network: Network, itinerary: Itinerary, regime: str | None) -> None:
    """Every leg in exact datetime arithmetic on the weekly timetable: it leaves at one of its
    service's departures, no earlier than the parcel is ready, and arrives after the ride."""
    ready = itinerary.ready
    at = itinerary.origin
    for leg in itinerary.legs:
        service = leg.service
        assert service.origin == at
        local = leg.departs.astimezone(network.nodes[at].tz)
        assert Departure(local.weekday(), local.hour * 60 + local.minute) in service.departures \
            or _skipped_hour(local, service.departures), (local, service.departures)
        assert local.second == 0 and local.microsecond == 0
        assert leg.ready_before == ready and leg.departs >= ready
        assert leg.arrives == leg.departs + service.ride
        at = service.destination
        ready = ready_after_arrival(network.nodes[at], leg.arrives, regime)
    assert at == itinerary.destination


@settings(max_examples=400, deadline=None)
@given(networks(), st.integers(0, 167), st.sampled_from([START, SPRING]),
       st.integers(0, 59))
def test_router_matches_brute_force(network: Network, start_hour: int, week: datetime,
                                    second: int) -> None:
    """The router's earliest arrival equals the exhaustive search's (to the second, its
    resolution), routes exist alike, and
    its plan replays in exact time (including rides ending seconds after a minute and
    ready times with seconds, where rounding to the nearest minute made impossible plans)."""
    ready = week + timedelta(hours=start_hour, seconds=second)
    expected = brute_force(network, "N0", "N1", ready)
    try:
        found = plan(network, "N0", "N1", ready, regime=None)
    except NoRoute:
        assert expected is None
        return
    assert expected is not None and to_second(found.arrives) == to_second(expected)
    replay(network, found, None)


@settings(max_examples=150, deadline=None)
@given(networks(max_nodes=14, max_services=20, chain=True), st.integers(0, 167),
       st.sampled_from([None, "9610"]))
def test_plans_on_long_routes_replay_in_exact_time(network: Network, start_hour: int,
                                                  regime: str | None) -> None:
    """On networks whose routes need up to 13 legs, with customs, every leg of the plan is
    feasible in exact time and the arrival is the brute force's when customs are off."""
    ready = START + timedelta(hours=start_hour)
    try:
        found = plan(network, "N0", "N1", ready, regime=regime)
    except NoRoute:
        return
    replay(network, found, regime)
    if regime is None:
        expected = brute_force(network, "N0", "N1", ready)
        assert expected is not None and to_second(found.arrives) == to_second(expected)
