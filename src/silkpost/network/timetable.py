"""The compiled timetable: a network's departures over a horizon as whole UTC seconds.

The search (``_router``, in C) wants plain integers: every weekly departure is expanded once
into sorted epoch seconds per service, so the next departure is one binary search. Times are
rounded up to the second — a parcel is never ready early and never arrives early — so a plan
found on these integers is feasible in exact time. Local time is converted date by date, so
time zones with daylight saving are exact. What a constraint set changes (services allowed,
the delay at each node, landmark bounds) is a :class:`Profile`, cached per table.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from silkpost.network import _router
from silkpost.network.corridor import Departure, Network
from silkpost.network.workhours import windows

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
SECOND = timedelta(seconds=1)
WEEK_S = 7 * 86_400
LANDMARKS = 8


def to_seconds(moment: datetime) -> int:
    """Whole seconds since the Unix epoch, rounded up (a parcel is never ready early)."""
    return -(-(moment - EPOCH) // SECOND)


def from_seconds(seconds: int) -> datetime:
    """The UTC datetime of epoch seconds."""
    return EPOCH + timedelta(seconds=seconds)


def whole_seconds(span: timedelta) -> int:
    """A duration in whole seconds, rounded up (a ride never ends early)."""
    return -(-span // SECOND)


class _LocalClock:
    """Local wall time to UTC for one zone over a span, hour by hour (offsets change on the
    hour; a wall time in a spring-forward gap takes the offset before it, as zoneinfo does)."""

    def __init__(self, tz: ZoneInfo, first: datetime, hours: int) -> None:
        self.base = int((first - _NAIVE_EPOCH).total_seconds())
        self.offsets = [int((tz.utcoffset(first + timedelta(hours=h)) or timedelta())
                            .total_seconds()) for h in range(hours)]
        self.constant = self.offsets[0] if len(set(self.offsets)) == 1 else None

    def utc(self, naive_seconds: int) -> int:
        return naive_seconds - self.offsets[(naive_seconds - self.base) // 3600]


def _slots(departures: tuple[Departure, ...]) -> list[int]:
    """Seconds after local Monday midnight of each weekly departure, in order."""
    return sorted(d.weekday * 86_400 + d.minute * 60 for d in departures)


@dataclass(frozen=True, slots=True)
class Profile:
    """One constraint set on one table: services allowed, delays, landmark distances."""

    allowed: bytes
    delay: array[int]
    lm_from: bytes
    lm_to: bytes
    landmarks: int

    def args(self) -> tuple[bytes, array[int], bytes, bytes, int]:
        return self.allowed, self.delay, self.lm_from, self.lm_to, self.landmarks


class CompiledTimetable:
    """Every departure in [start, start + weeks) and every working window, for the search."""

    def __init__(self, network: Network, *, start: datetime, weeks: int) -> None:
        self.network = network
        self.start = to_seconds(start)
        self.end = self.start + weeks * WEEK_S
        self.weeks = weeks
        self.codes = list(network.nodes)
        self.index = {code: i for i, code in enumerate(self.codes)}
        self.services = network.services
        self.position = {id(s): i for i, s in enumerate(self.services)}
        self._profiles: dict[tuple[object, ...], Profile] = {}
        n, s = len(self.codes), len(self.services)
        by_origin = sorted(range(s), key=lambda j: self.index[self.services[j].origin])
        out_start = array("i", [0] * (n + 1))
        for j in by_origin:
            out_start[self.index[self.services[j].origin] + 1] += 1
        for i in range(n):
            out_start[i + 1] += out_start[i]
        self.dep_start = array("q", [0])
        self.dep_times = array("q")
        clocks: dict[str, _LocalClock] = {}
        naive_first = (datetime.fromtimestamp(self.start, UTC).replace(tzinfo=None)
                       - timedelta(days=16)).replace(minute=0, second=0, microsecond=0)
        hours = (weeks + 6) * 168
        for service in self.services:
            tz = network.nodes[service.origin].tz
            clock = clocks.get(tz.key)
            if clock is None:
                clock = clocks[tz.key] = _LocalClock(tz, naive_first, hours)
            self.dep_times.extend(self._expand(_slots(service.departures), tz, clock))
            self.dep_start.append(len(self.dep_times))
        first_day = datetime.fromtimestamp(self.start, UTC).date() - timedelta(days=2)
        last_day = datetime.fromtimestamp(self.end, UTC).date() + timedelta(days=2)
        win_start, win_open, win_close = array("i", [0]), array("q"), array("q")
        for node in network.nodes.values():
            for opens, closes in windows(node, first_day, last_day):
                win_open.append(to_seconds(opens))
                win_close.append(to_seconds(closes))
            win_start.append(len(win_open))
        self.per_kg = array("d", [x.cost_per_kg for x in self.services])
        self.per_shipment = array("d", [x.cost_per_shipment for x in self.services])
        self.graph = _router.Graph(
            n, s, len(self.dep_times), len(win_open), out_start, array("i", by_origin),
            array("i", [self.index[x.origin] for x in self.services]),
            array("i", [self.index[x.destination] for x in self.services]),
            array("q", [whole_seconds(x.ride) for x in self.services]), self.dep_start,
            self.dep_times, win_start, win_open, win_close, self.end)

    def _expand(self, slots: list[int], tz: ZoneInfo, clock: _LocalClock) -> list[int]:
        """UTC seconds of a weekly timetable's departures inside the horizon, sorted."""
        local = datetime.fromtimestamp(self.start, tz)
        monday = datetime.combine(local.date() - timedelta(days=local.weekday()),
                                  datetime.min.time())
        base = int((monday - _NAIVE_EPOCH).total_seconds())
        lo, hi = self.start, self.end
        if clock.constant is not None:
            out = [t for w in range(-1, self.weeks + 2)
                   for t in (base + w * WEEK_S - clock.constant + x for x in slots)]
        else:
            out = sorted(clock.utc(base + w * WEEK_S + x)
                         for w in range(-1, self.weeks + 2) for x in slots)
        return [t for t in out if lo <= t < hi]

    def covers(self, ready: int, ahead: int) -> bool:
        """Whether departures from ``ready`` to ``ahead`` seconds later are all here."""
        return self.start <= ready and ready + ahead <= self.end

    def profile(self, regime: str | None, goods: Collection[str],
                exclude_modes: Collection[str]) -> Profile:
        """The constraint set's arrays (built on first use, then kept)."""
        goods_set, modes = frozenset(goods), frozenset(exclude_modes)
        key = (regime, goods_set, modes)
        found = self._profiles.get(key)
        if found is None:
            allowed = bytes(not (x.mode in modes or x.forbids & goods_set)
                            for x in self.services)
            delay = array("q", [whole_seconds(node.ready_delay(regime))
                                for node in self.network.nodes.values()])
            lm_from, lm_to, k = self.graph.landmarks(allowed, LANDMARKS)
            found = self._profiles[key] = Profile(allowed, delay, lm_from, lm_to, k)
        return found
