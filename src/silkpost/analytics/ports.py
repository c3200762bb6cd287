"""The port analytics reads through: a columnar projection of the event log.

The DuckDB adapter (``silkpost.store.analytics``) satisfies it by shape; the service functions
add what the store cannot know (lane promises from the network, the clock).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from silkpost.analytics.kpis import (
    CustomsFigures,
    DayVolume,
    Flow,
    LaneFigures,
    ModeDay,
    ModeFigures,
    NodeFigures,
    OverdueItem,
    Period,
    TransitBucket,
)


class KpiStore(Protocol):
    """KPI queries over a copy of the event log kept up to date by ``refresh``."""

    def refresh(self, *, on_progress: Callable[[int], None] | None = None,
                force: bool = False) -> int:
        """Copy events stored since the last refresh and rebuild the derived tables; return
        how many events were new. An adapter may skip a refresh asked for too soon after the
        last one, unless ``force``."""
        ...

    def close(self) -> None:
        """Let go of what the copy holds (a connection, a file)."""
        ...

    def events_copied(self) -> int:
        """How many events the projection holds."""
        ...

    def day_volumes(self, period: Period) -> list[DayVolume]:
        """Items posted and delivered per local day."""
        ...

    def mode_days(self, period: Period) -> list[ModeDay]:
        """Departures per local day and mode."""
        ...

    def lanes(self, period: Period, *, promises: Mapping[str, float], now_us: int,
              overall: bool = False) -> list[LaneFigures]:
        """Per lane (or all as one row, lane "*"), over items posted in the period: volumes,
        transit p50/p90, on time."""
        ...

    def transit_buckets(self, lane: str, period: Period, *, width_days: float
                        ) -> list[TransitBucket]:
        """The distribution of transit times of one lane's delivered items."""
        ...

    def customs(self, period: Period, *, overall: bool = False, by_regime: bool = False
                ) -> list[CustomsFigures]:
        """Customs time per place (or all as one row, office "*"), and per regime if asked,
        over items presented in the period."""
        ...

    def nodes(self, period: Period) -> list[NodeFigures]:
        """Dwell per place, over items that arrived in the period."""
        ...

    def modes(self, period: Period) -> list[ModeFigures]:
        """Departures and weight per mode, over departures in the period."""
        ...

    def flows(self, period: Period) -> list[Flow]:
        """Items from place to place by mode, over departures in the period."""
        ...

    def overdue(self, period: Period, *, promises: Mapping[str, float], now_us: int,
                limit: int, lane: str | None = None,
                offset: int = 0) -> tuple[int, list[OverdueItem]]:
        """How many items posted in the period (on ``lane`` if given) are undelivered past
        their promise, and ``limit`` of them from ``offset``, most overdue first."""
        ...
