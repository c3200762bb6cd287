"""A compiled timetable: every departure of a planning horizon as integer minutes, for speed.

The planner's datetime-based router is exact and readable but walks weekly timetables in
local time for each relaxation. Planning at scale (thousands of nodes, a million connections
a week) wants plain integers: departures expanded once into sorted UTC minutes per service, so
the next departure is one binary search. Built for a start time and a horizon in weeks; time
zones with daylight saving are exact because each departure is converted on its own date.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from silkpost.network.corridor import Network

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_minutes(moment: datetime) -> int:
    """Whole minutes since the Unix epoch (rounded up: a parcel is never ready early)."""
    seconds = (moment - EPOCH).total_seconds()
    return int(-(-seconds // 60))


def from_minutes(minutes: int) -> datetime:
    """The UTC datetime of epoch minutes."""
    return EPOCH + timedelta(minutes=minutes)


class CompiledTimetable:
    """Integer-minute departures per service over a horizon, and per-node ready delays."""

    def __init__(self, network: Network, *, start: datetime, weeks: int = 2,
                 regime: str | None = "9610", exclude_modes: Collection[str] = (),
                 goods: Collection[str] = (), landmarks: int = 8) -> None:
        self.codes = list(network.nodes)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.ready_delay = [
            round(60 * (max(n.handling_hours, n.min_connection_hours) + n.customs_for(regime)))
            for n in network.nodes.values()
        ]
        # Working hours (cut-off, opening, UTC offset in minutes at the start of the horizon):
        # the corridor's zones keep no daylight saving, so one offset holds for the horizon.
        self.hours: list[tuple[int, int, int] | None] = [
            None if n.cutoff_minute is None else (
                n.cutoff_minute, n.opens_minute,
                int((n.tz.utcoffset(start.replace(tzinfo=None)) or timedelta()).total_seconds()
                    // 60))
            for n in network.nodes.values()
        ]
        goods_set = frozenset(goods)
        self.out: list[list[tuple[int, list[int], int]]] = [[] for _ in self.codes]
        # Parallel to out: (cost per kg, cost per shipment, service id) of each service.
        self.prices: list[list[tuple[float, float, str]]] = [[] for _ in self.codes]
        for s in network.services:
            if s.mode in exclude_modes or s.forbids & goods_set:
                continue
            tz = network.nodes[s.origin].tz
            local = start.astimezone(tz)
            # The Monday of the start's week, in the departure node's calendar.
            monday = (local - timedelta(days=local.weekday())).replace(
                hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
            deps = sorted(
                to_minutes((monday + timedelta(days=d.weekday + 7 * w, minutes=d.minute)
                            ).replace(tzinfo=tz))
                for w in range(weeks + 1) for d in s.departures
            )
            ride = round(60 * (s.duration_hours + s.border_dwell_hours + s.gauge_break_hours))
            self.out[self.index[s.origin]].append((self.index[s.destination], deps, ride))
            self.prices[self.index[s.origin]].append((s.cost_per_kg, s.cost_per_shipment, s.id))
        self._landmarks(landmarks)

    def _landmarks(self, count: int) -> None:
        """Ride-time distances to and from a few far-apart nodes (ALT lower bounds).

        Waiting never shortens a trip, so ride times alone bound the remaining time from below:
        an admissible, consistent A* potential that lets the search head for the destination.
        """
        n = len(self.codes)
        forward: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        backward: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for u, out in enumerate(self.out):
            for v, _, ride in out:
                forward[u].append((v, ride))
                backward[v].append((u, ride))
        self.dist_from: list[list[float]] = []
        self.dist_to: list[list[float]] = []
        if n == 0 or count <= 0:
            return
        chosen = [0]
        spread = _static_dijkstra(forward, 0)
        while len(chosen) < min(count, n):
            far = max(range(n), key=lambda v: spread[v] if spread[v] < float("inf") else -1)
            if far in chosen:
                break
            chosen.append(far)
            spread = [min(a, b) for a, b in zip(spread, _static_dijkstra(forward, far),
                                                strict=True)]
        for landmark in chosen:
            self.dist_from.append(_static_dijkstra(forward, landmark))
            self.dist_to.append(_static_dijkstra(backward, landmark))

    def _bound(self, v: int, d: int) -> float:
        """A lower bound on the ride time from v to d (triangle inequality on landmarks)."""
        best = 0.0
        inf = float("inf")
        for to, frm in zip(self.dist_to, self.dist_from, strict=True):
            a, b = to[v], to[d]
            if a < inf and b < inf and a - b > best:
                best = a - b
            a, b = frm[d], frm[v]
            if a < inf and b < inf and a - b > best:
                best = a - b
        return best

    def earliest(self, origin: str, destination: str, ready: int) -> int | None:
        """Earliest arrival minute at ``destination`` from ``origin`` ready at ``ready``."""
        o, d = self.index[origin], self.index[destination]
        never = 1 << 62
        best = [never] * len(self.codes)
        best[o] = ready
        bound: dict[int, float] = {}
        heap: list[tuple[float, int, int]] = [(ready + self._bound(o, d), ready, o)]
        out, delay, hours = self.out, self.ready_delay, self.hours
        pop, push, search = heapq.heappop, heapq.heappush, bisect_left
        target = never  # the destination's best so far: it prunes most pushes
        while heap:
            _, at, u = pop(heap)
            if u == d:
                return at
            if at > best[u]:
                continue
            for v, deps, ride in out[u]:
                try:
                    nxt = deps[search(deps, at)] + ride
                except IndexError:  # no departure left in the horizon
                    continue
                if v != d:
                    work = hours[v]
                    if work is not None:
                        minute = (nxt + work[2]) % 1440
                        if minute > work[0]:
                            nxt += 1440 - minute + work[1]
                        elif minute < work[1]:
                            nxt += work[1] - minute
                    nxt += delay[v]
                elif nxt < target:
                    target = nxt
                if nxt < best[v] and nxt <= target:
                    best[v] = nxt
                    h = bound.get(v)
                    if h is None:
                        h = bound[v] = self._bound(v, d)
                    push(heap, (nxt + h, nxt, v))
        return None


# A Pareto label: (ready, cost, legs, node, parent label, service id taken to get here).
_Label = tuple[int, float, int, int, object, str]


@dataclass(frozen=True, slots=True)
class ParetoPlan:
    """One non-dominated plan: arrival minute, cost, number of legs, services taken."""

    arrives: int
    cost: float
    legs: int
    services: tuple[str, ...]


def pareto(table: CompiledTimetable, origin: str, destination: str, ready: int, *,
           weight_kg: float = 1.0, latest: int | None = None, budget: float | None = None,
           max_legs: int = 8) -> list[ParetoPlan]:
    """Plans not beaten on arrival, cost and legs at once (integer-minute, A*-ordered).

    A label is dropped when a plan already found reaches the destination no later than the
    label's ride-time lower bound, no dearer and in no more legs: nothing it leads to could
    beat that plan.
    """
    o, d = table.index[origin], table.index[destination]
    out, prices, delay, hours = table.out, table.prices, table.ready_delay, table.hours
    bags: list[list[_Label]] = [[] for _ in table.codes]
    start: _Label = (ready, 0.0, 0, o, None, "")
    bags[o].append(start)
    bound: dict[int, float] = {}
    heap: list[tuple[float, int, _Label]] = [(ready + table._bound(o, d), 0, start)]
    found: list[_Label] = []
    counter = 1
    while heap:
        _, _, label = heapq.heappop(heap)
        at, cost, legs, u, _, _ = label
        if label not in bags[u] or legs >= max_legs:
            continue
        h = bound.get(u, 0.0)
        if any(f[0] <= at + h and f[1] <= cost + 1e-9 and f[2] <= legs + 1 for f in found):
            continue
        for (v, deps, ride), (per_kg, per_shipment, sid) in zip(out[u], prices[u],
                                                                strict=True):
            i = bisect_left(deps, at)
            if i == len(deps):
                continue
            nxt = deps[i] + ride
            if v != d:
                work = hours[v]
                if work is not None:
                    minute = (nxt + work[2]) % 1440
                    if minute > work[0]:
                        nxt += 1440 - minute + work[1]
                    elif minute < work[1]:
                        nxt += work[1] - minute
                nxt += delay[v]
            price = cost + per_kg * weight_kg + per_shipment
            if (latest is not None and nxt > latest) or (budget is not None and price > budget):
                continue
            new: _Label = (nxt, price, legs + 1, v, label, sid)
            bag = bags[v]
            if any(b[0] <= nxt and b[1] <= price + 1e-9 and b[2] <= legs + 1 for b in bag):
                continue
            bag[:] = [b for b in bag
                      if not (nxt <= b[0] and price <= b[1] + 1e-9 and legs + 1 <= b[2])]
            bag.append(new)
            if v == d:
                found = [f for f in found
                         if not (nxt <= f[0] and price <= f[1] + 1e-9 and legs + 1 <= f[2])]
                found.append(new)
                continue
            hv = bound.get(v)
            if hv is None:
                hv = bound[v] = table._bound(v, d)
            heapq.heappush(heap, (nxt + hv, counter, new))
            counter += 1
    plans = []
    for f in sorted(found, key=lambda f: (f[0], f[1], f[2])):
        services: list[str] = []
        walk: _Label | None = f
        while walk is not None and walk[5]:
            services.append(walk[5])
            walk = walk[4]  # type: ignore[assignment]
        plans.append(ParetoPlan(f[0], round(f[1], 6), f[2], tuple(reversed(services))))
    return plans


def _static_dijkstra(graph: list[list[tuple[int, int]]], source: int) -> list[float]:
    """Plain Dijkstra on fixed weights."""
    dist = [float("inf")] * len(graph)
    dist[source] = 0
    heap: list[tuple[float, int]] = [(0, source)]
    while heap:
        du, u = heapq.heappop(heap)
        if du > dist[u]:
            continue
        for v, w in graph[u]:
            if du + w < dist[v]:
                dist[v] = du + w
                heapq.heappush(heap, (du + w, v))
    return dist
