"""The router the product uses: plans, Pareto plans, sort plans and next departures.

Datetimes in, datetimes out; in between, the compiled timetable (timetable.py) and the search
in C (_router.c). A network's timetable is compiled once for a horizon of a few weeks from the
Monday of the query's week and kept, with each constraint set's arrays; a query outside the
horizons kept gets a new one, and a search that ran past its horizon's end (and could have
missed a better plan there) is repeated on a horizon twice as long, up to MAX_WEEKS.

Legs are rebuilt in exact time from the departures the search chose: departure from the
timetable, arrival after the ride, readiness after the working-hours rule, handling and
customs (workhours.py). The search rounds every time up to the second, so the exact plan is
never earlier than the search thought and every connection it takes is really made.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from silkpost.domain.codes import default_regime
from silkpost.domain.times import check_time
from silkpost.errors import InvalidRequest, invalid_request
from silkpost.network.corridor import MODES, Network, Service
from silkpost.network.itinerary import Itinerary, Leg, NoRoute
from silkpost.network.timetable import (
    EPOCH,
    WEEK_S,
    CompiledTimetable,
    Profile,
    from_seconds,
    to_seconds,
)
from silkpost.network.workhours import ready_after_arrival

# Plans are for the regime a parcel travels under unless said otherwise (the regimes table).
DEFAULT_REGIME = default_regime()

WEEKS = 2  # a first horizon: from the Monday of the query's week, at least a week ahead
MAX_WEEKS = 32  # the longest horizon: plans arriving later than that are not looked for
KEPT = 3  # horizons kept per network
NEVER = (1 << 62)
T = TypeVar("T")


class Router:
    """One network's compiled timetables and the searches over them."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._tables: list[CompiledTimetable] = []
        # The API plans from a thread pool: choosing, building and caching tables and
        # profiles is one step at a time (the searches themselves hold the GIL).
        self._lock = threading.Lock()

    def table(self, ready: int, weeks: int = WEEKS) -> CompiledTimetable:
        """A kept horizon covering ``ready`` and a week ahead (at least ``weeks`` long), else
        a new one from the Monday of ``ready``'s week."""
        with self._lock:
            return self._table(ready, weeks)

    def profile(self, table: CompiledTimetable, regime: str | None, goods: Collection[str],
                exclude_modes: Collection[str]) -> Profile:
        """A constraint set's arrays on ``table``."""
        with self._lock:
            return table.profile(regime, goods, exclude_modes)

    def _table(self, ready: int, weeks: int) -> CompiledTimetable:
        for table in self._tables:
            if table.weeks >= weeks and table.covers(ready, WEEK_S):
                self._tables.remove(table)
                self._tables.insert(0, table)
                return table
        monday = datetime.fromtimestamp(ready - (ready + 3 * 86_400) % WEEK_S, UTC)
        table = CompiledTimetable(self.network, start=monday, weeks=weeks)
        self._tables = [table, *self._tables[: KEPT - 1]]
        return table

    def _search(self, ready: int, run: Callable[[CompiledTimetable], tuple[bool, T]]) -> T:
        weeks = WEEKS
        while True:
            incomplete, answer = run(self.table(ready, weeks))
            if not incomplete:
                return answer
            if weeks >= MAX_WEEKS:
                raise NoRoute(f"no route found within {MAX_WEEKS} weeks", field="to")
            weeks *= 2

    def _legs(self, table: CompiledTimetable, path: list[tuple[int, int]], ready: datetime,
              destination: str, regime: str | None) -> tuple[Leg, ...]:
        legs, at = [], ready
        for position, departs_s in path:
            service = table.services[position]
            departs = from_seconds(departs_s)
            arrives = departs + service.ride
            legs.append(Leg(service, departs, arrives, at))
            if service.destination != destination:
                at = ready_after_arrival(self.network.nodes[service.destination], arrives,
                                         regime)
        return tuple(legs)

    def earliest(self, origin: str, destination: str, ready: datetime, *,
                 regime: str | None, goods: Collection[str], exclude_modes: Collection[str]
                 ) -> Itinerary:
        """The itinerary that reaches ``destination`` first, or NoRoute."""
        start = to_seconds(ready)

        def run(table: CompiledTimetable) -> tuple[bool, tuple[CompiledTimetable,
                                                                 list[tuple[int, int]] | None]]:
            profile = self.profile(table, regime, goods, exclude_modes)
            arrival, incomplete, path = table.graph.earliest(
                table.index[origin], table.index[destination], start, *profile.args())
            return bool(incomplete), (table, None if arrival is None else path)

        table, path = self._search(start, run)
        if path is None:
            raise NoRoute(f"no route from {origin} to {destination} under these constraints",
                          field="to")
        return Itinerary(origin, destination, ready,
                         self._legs(table, path, ready, destination, regime))

    def pareto(self, origin: str, destination: str, ready: datetime, *, weight_kg: float,
               regime: str | None, goods: Collection[str], exclude_modes: Collection[str],
               latest: datetime | None, budget: float | None) -> list[Itinerary]:
        """Itineraries not beaten on arrival, cost and legs at once, by arrival."""
        start = to_seconds(ready)
        last = NEVER if latest is None else (latest - EPOCH) // timedelta(seconds=1)
        dearest = float("inf") if budget is None else budget

        def run(table: CompiledTimetable) -> tuple[bool, tuple[CompiledTimetable,
                                                                 list[list[tuple[int, int]]]]]:
            profile = self.profile(table, regime, goods, exclude_modes)
            incomplete, found = table.graph.pareto(
                table.index[origin], table.index[destination], start, *profile.args(),
                table.per_kg, table.per_shipment, weight_kg, last, dearest)
            return bool(incomplete), (table, [path for _, _, path in found])

        table, paths = self._search(start, run)
        if not paths:
            raise NoRoute(f"no route from {origin} to {destination} under these constraints",
                          field="to")
        return [Itinerary(origin, destination, ready,
                          self._legs(table, path, ready, destination, regime))
                for path in paths]

    def next_departure(self, service: Service, ready: datetime) -> datetime | None:
        """The first departure of ``service`` at or after ``ready``, from the timetable."""
        at = to_seconds(ready)
        table = self.table(at)
        position = table.position[id(service)]
        lo, hi = table.dep_start[position], table.dep_start[position + 1]
        i = bisect_left(table.dep_times, at, lo, hi)
        return from_seconds(table.dep_times[i]) if i < hi else None


_routers: dict[int, Router] = {}


def router_for(network: Network) -> Router:
    """The network's router: built on first use, kept as long as the network lives."""
    router = _routers.get(id(network))
    if router is None or router.network is not network:
        router = _routers[id(network)] = Router(network)
        weakref.finalize(network, _routers.pop, id(network), None)
    return router


def plan(network: Network, origin: str, destination: str, ready: datetime, *,
         regime: str | None = DEFAULT_REGIME, goods: Collection[str] = (),
         exclude_modes: Collection[str] = (), latest: datetime | None = None) -> Itinerary:
    """The earliest itinerary from ``origin`` ready at ``ready``, or NoRoute."""
    _check(network, origin, destination, ready, latest, exclude_modes=exclude_modes,
           goods=goods)
    itinerary = router_for(network).earliest(origin, destination, ready, regime=regime,
                                             goods=goods, exclude_modes=exclude_modes)
    if latest is not None and itinerary.arrives > latest:
        raise NoRoute(f"earliest arrival {itinerary.arrives.isoformat()} is after the latest "
                      f"allowed {latest.isoformat()}", field="latest")
    return itinerary


def pareto_plans(network: Network, origin: str, destination: str, ready: datetime, *,
                 weight_kg: float = 1.0, regime: str | None = DEFAULT_REGIME,
                 goods: Collection[str] = (), exclude_modes: Collection[str] = (),
                 latest: datetime | None = None, budget: float | None = None
                 ) -> list[Itinerary]:
    """Every itinerary not beaten on arrival, cost for ``weight_kg`` and transfers at once
    (cost as :mod:`silkpost.network.itinerary` defines it; ``budget`` bounds it, in the
    network's currency, for ``weight_kg``)."""
    _check(network, origin, destination, ready, latest, exclude_modes=exclude_modes,
           goods=goods)
    if not weight_kg > 0:
        raise InvalidRequest(f"weight must be more than 0 kg, not {weight_kg}",
                             field="weight_kg")
    if budget is not None and not budget >= 0:
        raise InvalidRequest(f"budget must be 0 or more, not {budget}", field="budget")
    return router_for(network).pareto(origin, destination, ready, weight_kg=weight_kg,
                                      regime=regime, goods=goods, exclude_modes=exclude_modes,
                                      latest=latest, budget=budget)


def next_departure(network: Network, service: Service, ready: datetime) -> datetime | None:
    """The first departure of ``service`` at or after ``ready``."""
    return router_for(network).next_departure(service, ready)


@dataclass(frozen=True, slots=True)
class SortPlanEntry:
    """Parcels for ``destination`` go on ``service_id``, leaving at ``departs``."""

    destination: str
    service_id: str
    mode: str
    next_node: str
    departs: datetime
    arrives_destination: datetime


def sort_plan(network: Network, office: str, at: datetime, *, goods: Collection[str] = ()
              ) -> list[SortPlanEntry]:
    """At an office, the next outbound service per reachable destination (partner offices
    and railheads): the first leg of the earliest itinerary from ``at``."""
    network.node(office, field="office")
    with invalid_request():
        check_time(at, field="at")
    entries = []
    for code, node in sorted(network.nodes.items()):
        if code == office or node.kind not in ("partner_post_office", "rail_terminal"):
            continue
        try:
            it = plan(network, office, code, at, goods=goods)
        except NoRoute:
            continue
        first = it.legs[0]
        entries.append(SortPlanEntry(code, first.service.id, first.service.mode,
                                     first.service.destination, first.departs, it.arrives))
    return entries


def check_constraints(network: Network, *, exclude_modes: Collection[str] = (),
                      goods: Collection[str] = ()) -> None:
    """Refuse modes and goods flags the network does not know, listing the known ones: an
    unknown flag would otherwise constrain nothing and a typo would plan silently."""
    unknown = [m for m in exclude_modes if m not in MODES]
    if unknown:
        raise InvalidRequest(f"unknown mode {', '.join(map(repr, unknown))}: the modes are "
                             f"{', '.join(MODES)}", field="exclude_modes")
    known = network.goods_flags
    unknown = [g for g in goods if g not in known]
    if unknown:
        raise InvalidRequest(f"unknown goods flag {', '.join(map(repr, unknown))}: the flags "
                             f"this network knows are {', '.join(known) or 'none'}",
                             field="goods")


def _check(network: Network, origin: str, destination: str, ready: datetime,
           latest: datetime | None = None, *, exclude_modes: Collection[str] = (),
           goods: Collection[str] = ()) -> None:
    network.node(origin, field="from")
    network.node(destination, field="to")
    check_constraints(network, exclude_modes=exclude_modes, goods=goods)
    # Every driver (API, CLI, ETA) passes its times through here: outside the window a search
    # would run for centuries or overflow, so it is the caller's error, named.
    with invalid_request():
        check_time(ready, field="ready")
        if latest is not None:
            check_time(latest, field="latest")
