"""Clearance time: the figure the seeds quote for the road ports (34.5 h before pre-declaration,
5 h with it).

An item's clearance time at a place is the time from its first presentation to customs there
to its last release there (event marks ``presented`` and ``released``), inspection included.
Figures per place (and regime): how many items were released, the median, the 90th percentile
(linear interpolation, :func:`silkpost.domain.transit.percentile`) and the mean, in hours to
two decimals. Analytics computes them over the event log in SQL; the simulator's report from
its run with :func:`clearance_figures`; a test holds the two to the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from silkpost.domain.transit import percentile

US_PER_HOUR = 3_600_000_000


def clearance_hours(presented_us: int, released_us: int) -> float:
    """Hours from presentation to release, from the two events' instants."""
    return (released_us - presented_us) / US_PER_HOUR


@dataclass(frozen=True, slots=True)
class ClearanceFigures:
    """Clearance at one place for one regime (``"*"``: all regimes)."""

    port: str
    regime: str
    released: int
    p50_hours: float | None
    p90_hours: float | None
    mean_hours: float | None


def clearance_figures(port: str, regime: str, hours: Sequence[float]) -> ClearanceFigures:
    """The figures of the items released at ``port`` whose clearance took ``hours``."""
    if not hours:
        return ClearanceFigures(port, regime, 0, None, None, None)
    ordered = sorted(hours)
    return ClearanceFigures(port, regime, len(ordered), round(percentile(ordered, 0.5), 2),
                            round(percentile(ordered, 0.9), 2),
                            round(sum(ordered) / len(ordered), 2))


__all__ = ["US_PER_HOUR", "ClearanceFigures", "clearance_figures", "clearance_hours"]
