"""Transit time, on-time share and percentiles: the one definition every figure uses.

The simulator's report and the analytics API (hence the dashboard and ``silkpost kpi``) both
hand their items to :func:`outcome`; docs/analytics.md states the rule in words.

- An item's **transit time** runs from its posting (the first ``posted`` event, EMA) to its
  delivery (the first ``delivered`` event, EMI). An item without a delivery is **in flight**.
- It is **on time** when delivered within its lane's promise (transit ≤ promise days), **late**
  when delivered after it, and **overdue** while in flight after the promise ran out (posting +
  promise < now). The **on-time share** is on time / (on time + late + overdue): over the items
  whose outcome is known, so a lane whose parcels never arrive does not look punctual, and
  parcels still within their promise count for nothing yet.
- **Percentiles** (p50, p90) are over the delivered items' transit days, by linear
  interpolation between the two nearest ranks (Hyndman–Fan type 7: numpy's default, DuckDB's
  ``quantile_cont``), rounded to hundredths of a day; shares to four places.

Times are integer epoch microseconds, so both callers compare exactly the same numbers.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

US_PER_DAY = 86_400_000_000


def share(part: int, whole: int) -> float | None:
    """A share rounded to four places (None of nothing): the one rounding every KPI uses."""
    return round(part / whole, 4) if whole else None


def percentile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, by linear interpolation (type 7)."""
    if not ordered:
        raise ValueError("no values")
    if not 0 <= q <= 1:
        raise ValueError("q must be between 0 and 1")
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def promise_us(promise_days: float) -> int:
    """A promise in microseconds, the unit every comparison with it uses."""
    return round(promise_days * US_PER_DAY)


def overdue_before(now_us: int, promise_days: float) -> int:
    """Items posted before this instant and still undelivered at ``now_us`` are overdue."""
    return now_us - promise_us(promise_days)


@dataclass(slots=True)
class LaneItems:
    """The items of one lane that share one promise (None: the lane has none)."""

    promise_days: float | None
    transit_us: list[int] = field(default_factory=list)  # delivered items
    in_flight_posted_us: list[int] = field(default_factory=list)  # undelivered items


@dataclass(frozen=True, slots=True)
class Outcome:
    """Counts, percentiles and on-time share of a set of items (see the module docstring)."""

    posted: int
    delivered: int
    in_flight: int
    overdue: int
    on_time: int
    late: int
    p50_days: float | None
    p90_days: float | None
    on_time_share: float | None


def outcome(groups: Iterable[LaneItems], *, now_us: int) -> Outcome:
    """The figures of all items in ``groups`` at ``now_us`` (one lane, or several as one)."""
    delivered_days: list[float] = []
    delivered = in_flight = overdue = on_time = late = 0
    for g in groups:
        transit = sorted(g.transit_us)
        delivered += len(transit)
        in_flight += len(g.in_flight_posted_us)
        delivered_days += [us / US_PER_DAY for us in transit]
        if g.promise_days is None:
            continue
        within = bisect.bisect_right(transit, promise_us(g.promise_days))
        on_time += within
        late += len(transit) - within
        cutoff = overdue_before(now_us, g.promise_days)
        overdue += sum(1 for us in g.in_flight_posted_us if us < cutoff)
    delivered_days.sort()
    known = bool(delivered_days)
    return Outcome(
        posted=delivered + in_flight, delivered=delivered, in_flight=in_flight,
        overdue=overdue, on_time=on_time, late=late,
        p50_days=round(percentile(delivered_days, 0.5), 2) if known else None,
        p90_days=round(percentile(delivered_days, 0.9), 2) if known else None,
        on_time_share=share(on_time, on_time + late + overdue),
    )
