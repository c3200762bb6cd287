"""Pareto plans against brute force over all simple paths on random networks, and the earliest
Pareto plan against the earliest arrival on networks needing many legs."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.network.corridor import Network, Service, default_network_path, load_network
from silkpost.network.itinerary import NoRoute
from silkpost.network.service import pareto_plans, plan
from silkpost.network.workhours import ready_after_arrival
from tests.unit.network.test_earliest_bruteforce import (
    START,
    networks,
    next_departure,
    replay,
    to_second,
)


def outcomes_by_brute_force(network: Network, origin: str, destination: str,
                            ready: datetime) -> set[tuple[datetime, float, int]]:
    """(arrival, cost, legs) of every non-dominated simple path, each leg on its first
    departure, arrivals compared at the router's resolution (:func:`to_second`)."""
    results = set()

    def walk(node: str, at: datetime, cost: float, legs: int, seen: frozenset[str]) -> None:
        for s in network.outgoing[node]:
            if s.destination in seen:
                continue
            dep = next_departure(s, network.nodes[node], at)
            if dep is None:
                continue
            arr = dep + s.ride
            c = cost + s.cost_per_kg + s.cost_per_shipment
            if s.destination == destination:
                results.add((to_second(arr), round(c, 6), legs + 1))
            else:
                nxt = ready_after_arrival(network.nodes[s.destination], arr, None)
                walk(s.destination, nxt, c, legs + 1, seen | {s.destination})

    walk(origin, ready, 0.0, 0, frozenset({origin}))
    return {r for r in results
            if not any(o != r and o[0] <= r[0] and o[1] <= r[1] and o[2] <= r[2]
                       for o in results)}


def priced(network: Network, costs: list[int]) -> Network:
    services = tuple(Service(**{**{f: getattr(s, f) for f in s.__slots__},  # type: ignore[arg-type]
                                "cost_per_kg": float(costs[i % len(costs)])})
                     for i, s in enumerate(network.services))
    outgoing: dict[str, list[Service]] = {c: [] for c in network.nodes}
    for s in services:
        outgoing[s.origin].append(s)
    return Network(network.name, network.nodes, services,
                   {k: tuple(v) for k, v in outgoing.items()})


@settings(max_examples=200, deadline=None)
@given(networks(), st.lists(st.integers(0, 9), min_size=1, max_size=5), st.integers(0, 167))
def test_pareto_set_equals_the_non_dominated_paths(network: Network, costs: list[int],
                                                   hour: int) -> None:
    """Every plan is non-dominated, every non-dominated outcome is found (arrivals to the
    second, the router's resolution), and every plan replays in exact time."""
    network = priced(network, costs)
    ready = START + timedelta(hours=hour)
    expected = outcomes_by_brute_force(network, "N0", "N1", ready)
    try:
        plans = pareto_plans(network, "N0", "N1", ready, regime=None)
    except NoRoute:
        plans = []
    got = {(to_second(p.arrives), round(p.cost(), 6), len(p.legs)) for p in plans}
    assert got == expected
    for p in plans:
        replay(network, p, None)


@settings(max_examples=150, deadline=None)
@given(networks(max_nodes=14, max_services=20, chain=True),
       st.lists(st.integers(0, 9), min_size=1, max_size=5), st.integers(0, 167))
def test_earliest_pareto_plan_is_the_earliest_arrival(network: Network, costs: list[int],
                                                      hour: int) -> None:
    """No leg cap cuts off the earliest plan: on networks whose routes need up to 13 legs,
    the first Pareto plan arrives when the earliest-arrival search says, to the second (the
    routers' resolution: the earliest-arrival search rounds a ride up to it, and a Pareto
    plan keeps the exact instant, so 05:59:59.64 and 06:00:00 are one arrival)."""
    network = priced(network, costs)
    ready = START + timedelta(hours=hour)
    try:
        earliest = plan(network, "N0", "N1", ready, regime=None)
    except NoRoute:
        earliest = None
    try:
        plans = pareto_plans(network, "N0", "N1", ready, regime=None)
    except NoRoute:
        plans = []
    assert (to_second(plans[0].arrives) if plans else None) == (
        to_second(earliest.arrives) if earliest else None)


def test_default_network_offers_air_and_truck_to_almaty() -> None:
    """From Urumqi: a fast, dear freighter plan and a slow, cheap truck plan."""
    network = load_network(default_network_path())
    ready = datetime.fromisoformat("2026-11-02T20:00:00+08:00")
    plans = pareto_plans(network, "CNURCA", "KZALAA", ready)
    modes = [{leg.service.mode for leg in p.legs} for p in plans]
    assert any("air" in m for m in modes) and any(m == {"truck"} for m in modes)
    assert plans[0].arrives <= plans[-1].arrives and plans[0].cost() >= plans[-1].cost()
