"""The figures analytics returns: plain rows, one dataclass per KPI family.

They are what the API serialises and the dashboard draws, so that a number on the page is the
API's number. Times are hours or days as floats, rounded where a person reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from silkpost.domain.transit import share

__all__ = ["share"]  # the one rounding of shares, re-exported for the adapters


@dataclass(frozen=True, slots=True)
class Period:
    """Local days from ``since`` to ``until``, both included."""

    since: date
    until: date

    def __post_init__(self) -> None:
        if self.until < self.since:
            raise ValueError("until must not be before since")

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.until - self.since).days + 1


@dataclass(frozen=True, slots=True)
class DayVolume:
    """One local day: items posted (and their weight) and delivered."""

    day: date
    posted: int
    weight_kg: float
    delivered: int


@dataclass(frozen=True, slots=True)
class ModeDay:
    """Items that left a place on one day by one mode (one item on two trucks counts twice)."""

    day: date
    mode: str
    departures: int


@dataclass(frozen=True, slots=True)
class LaneFigures:
    """One lane ("ORIGIN>DESTINATION") over the items posted in the period; the counts,
    percentiles and share are :func:`silkpost.domain.transit.outcome`'s."""

    lane: str
    posted: int
    delivered: int
    weight_kg: float
    p50_days: float | None
    p90_days: float | None
    promise_days: float | None
    on_time: int
    late: int  # delivered after the promise
    in_flight: int = 0  # not delivered yet
    overdue: int = 0  # not delivered although the promise ran out
    # On time over the items whose outcome is known (delivered, or overdue); None while none is.
    on_time_share: float | None = None

    def __post_init__(self) -> None:
        if self.on_time_share != share(self.on_time, self.on_time + self.late + self.overdue):
            raise ValueError("on_time_share must be on_time / (on_time + late + overdue)")


@dataclass(frozen=True, slots=True)
class TransitBucket:
    """Delivered items of a lane whose transit time falls in [from_days, from_days + width)."""

    from_days: float
    width_days: float
    items: int


@dataclass(frozen=True, slots=True)
class CustomsFigures:
    """Customs at one place (for one regime, or all): items presented, released, inspected,
    hours from presented to released (silkpost.domain.clearance)."""

    office: str
    presented: int
    released: int
    inspected: int
    p50_hours: float | None
    p90_hours: float | None
    mean_hours: float | None
    regime: str = "*"  # "*": all regimes; "?": items whose events name none


@dataclass(frozen=True, slots=True)
class NodeFigures:
    """One place: items seen there, items that left, hours from first scan to leaving."""

    office: str
    items: int
    left: int
    p50_dwell_hours: float | None
    p90_dwell_hours: float | None
    stuck: int = 0


@dataclass(frozen=True, slots=True)
class ModeFigures:
    """Items carried by one mode in the period, and their weight."""

    mode: str
    departures: int
    weight_kg: float


@dataclass(frozen=True, slots=True)
class Flow:
    """Items that went from one place to the next by one mode."""

    origin: str
    destination: str
    mode: str | None
    items: int


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """An item not delivered although its lane's promise ran out."""

    object_id: str
    lane: str
    posted_day: date
    promise_days: float
    days_late: float
    last_office: str | None



@dataclass(slots=True)
class Summary:
    """The dashboard's tiles for a period."""

    period: Period
    posted: int = 0
    delivered: int = 0
    weight_kg: float = 0.0
    in_flight: int = 0
    stuck: int = 0
    overdue: int = 0
    p50_days: float | None = None
    on_time_share: float | None = None
    customs_p50_hours: float | None = None
    events: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
