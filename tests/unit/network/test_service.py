"""The service layer: one compiled timetable per network and horizon, widened when a plan
needs more, and the same itinerary whichever search answers."""

from __future__ import annotations

import itertools
from datetime import timedelta

from silkpost.network.corridor import Departure, Network, Node, Service
from silkpost.network.service import pareto_plans, plan, router_for
from tests.unit.network.test_earliest_bruteforce import ALMATY, START, brute_force, replay


def weekly_line(legs: int) -> Network:
    """N0 → N2 → … → N1, each leg one truck a week (Monday 09:00 local), rides of 30 h: each
    connection misses that week's departure, so the trip takes about ``legs`` weeks."""
    codes = ["N0", *[f"N{i}" for i in range(2, legs + 1)], "N1"]
    nodes = {c: Node(c, "exchange_office", "KZ", "KZALA", 0, 0, ALMATY, {"en": c},
                     handling_hours=0, min_connection_hours=0) for c in codes}
    services = tuple(Service(f"S{i}", a, b, "truck", "", (Departure(0, 9 * 60),), 30, 1, 0, 1)
                     for i, (a, b) in enumerate(itertools.pairwise(codes)))
    return Network("line", nodes, services,
                   {c: tuple(s for s in services if s.origin == c) for c in codes})


def test_a_plan_longer_than_the_horizon_widens_it() -> None:
    """A 7-week trip is found (the first horizon is two weeks), exact, and replays."""
    network = weekly_line(7)
    ready = START + timedelta(hours=1)
    found = plan(network, "N0", "N1", ready, regime=None)
    assert found.arrives == brute_force(network, "N0", "N1", ready)
    assert (found.arrives - ready) > timedelta(weeks=6)
    replay(network, found, None)
    [only] = pareto_plans(network, "N0", "N1", ready, regime=None)
    assert only.arrives == found.arrives and len(only.legs) == 7


def test_the_timetable_is_compiled_once_per_horizon() -> None:
    """Queries in one week share one compiled table and its constraint arrays; a query
    months later gets its own table, and the first is kept for the next query in its week."""
    network = weekly_line(1)
    router = router_for(network)
    assert router_for(network) is router
    plan(network, "N0", "N1", START, regime=None)
    [table] = router._tables
    plan(network, "N0", "N1", START + timedelta(days=3), regime=None)
    profile = table.profile(None, (), ())
    assert router._tables == [table] and table.profile(None, [], []) is profile
    later = START + timedelta(weeks=20)
    assert plan(network, "N0", "N1", later, regime=None).ready == later
    assert len(router._tables) == 2 and router._tables[1] is table
    plan(network, "N0", "N1", START + timedelta(days=1), regime=None)
    assert router._tables[0] is table


def test_a_latest_arrival_keeps_the_pareto_horizon_short() -> None:
    """With a latest arrival inside the first horizon, a 7-week line has no plan, and the
    search does not widen its horizon to look past that latest arrival."""
    import pytest

    from silkpost.network.itinerary import NoRoute

    network = weekly_line(7)
    with pytest.raises(NoRoute):
        pareto_plans(network, "N0", "N1", START, regime=None, latest=START + timedelta(days=9))
    assert [t.weeks for t in router_for(network)._tables] == [2]
