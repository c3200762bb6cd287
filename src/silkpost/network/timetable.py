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
                 goods: Collection[str] = ()) -> None:
        self.codes = list(network.nodes)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.ready_delay = [
            round(60 * (max(n.handling_hours, n.min_connection_hours)
                        + (n.customs_hours.get(regime, n.customs_hours.get("default", 0.0))
                           if regime else 0.0)))
            for n in network.nodes.values()
        ]
        goods_set = frozenset(goods)
        self.out: list[list[tuple[int, list[int], int]]] = [[] for _ in self.codes]
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

    def earliest(self, origin: str, destination: str, ready: int) -> int | None:
        """Earliest arrival minute at ``destination`` from ``origin`` ready at ``ready``."""
        o, d = self.index[origin], self.index[destination]
        never = 1 << 62
        best = [never] * len(self.codes)
        best[o] = ready
        heap = [(ready, o)]
        out, delay = self.out, self.ready_delay
        pop, push, search = heapq.heappop, heapq.heappush, bisect_left
        while heap:
            at, u = pop(heap)
            if u == d:
                return at
            if at > best[u]:
                continue
            for v, deps, ride in out[u]:
                i = search(deps, at)
                if i == len(deps):
                    continue
                nxt = deps[i] + ride
                if v != d:
                    nxt += delay[v]
                if nxt < best[v]:
                    best[v] = nxt
                    push(heap, (nxt, v))
        return None
