"""Analytics endpoints: the KPIs of a period, the same figures the dashboard draws."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from silkpost.analytics import service
from silkpost.analytics.kpis import (
    CustomsFigures,
    Flow,
    LaneFigures,
    ModeFigures,
    NodeFigures,
    Period,
    TransitBucket,
)
from silkpost.api.access import READ_FIGURES
from silkpost.api.analytics_schemas import OverdueOut, Rows, SummaryOut, VolumesOut
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES
from silkpost.bootstrap import Platform

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=PROBLEM_RESPONSES,
                   dependencies=[READ_FIGURES])
Since = Annotated[date | None, Query(description="first local day (default: 14 days back)")]
Until = Annotated[date | None, Query(description="last local day, included (default: today)")]


def _period(platform: Platform, since: date | None, until: date | None) -> Period:
    return service.period_of(since, until, clock=platform.clock)


def _rows(period: Period, rows: list[Any]) -> dict[str, Any]:
    return {"since": period.since, "until": period.until, "rows": rows}


@router.get("/summary", response_model=SummaryOut)
def get_summary(platform: PlatformDep, since: Since = None, until: Until = None) -> SummaryOut:
    """Tiles: posted, delivered, weight, transit p50, on-time share, customs p50, stuck."""
    period = _period(platform, since, until)
    return SummaryOut.of(service.summary(
        period, analytics=platform.analytics(), uow=platform.uow(), clock=platform.clock,
        promises=platform.lane_promises()))


@router.get("/volumes", response_model=VolumesOut)
def get_volumes(platform: PlatformDep, since: Since = None, until: Until = None) -> VolumesOut:
    """Per local day: items posted (and kg) and delivered; departures by mode."""
    period = _period(platform, since, until)
    days, modes = service.volumes(period, analytics=platform.analytics())
    return VolumesOut(since=period.since, until=period.until, days=days, modes=modes)


@router.get("/lanes", response_model=Rows[LaneFigures])
def get_lanes(platform: PlatformDep, since: Since = None, until: Until = None) -> Any:
    """Per lane, over items posted in the period: transit p50/p90 days, on-time share."""
    period = _period(platform, since, until)
    return _rows(period, service.lanes(period, analytics=platform.analytics(),
                                       clock=platform.clock, promises=platform.lane_promises()))


@router.get("/lanes/{lane}/transit", response_model=Rows[TransitBucket])
def get_transit(
    platform: PlatformDep,
    lane: Annotated[str, Path(description="ORIGIN>DESTINATION, e.g. CNDGGA>KZALAA")],
    since: Since = None, until: Until = None,
    width: Annotated[float, Query(description="bucket width in days")] = 0.5,
) -> Any:
    """How one lane's delivered items spread over transit times (a histogram)."""
    period = _period(platform, since, until)
    return _rows(period, service.transit(lane, period, analytics=platform.analytics(),
                                         width_days=width))


@router.get("/customs", response_model=Rows[CustomsFigures])
def get_customs(
    platform: PlatformDep, since: Since = None, until: Until = None,
    by_regime: Annotated[bool, Query(description="one row per port and customs regime "
                                     "(9610, 9710, 9810, 1210) instead of per port")] = False,
) -> Any:
    """Per port (and regime): items presented, released, inspected; hours presented →
    released, inspection included."""
    period = _period(platform, since, until)
    return _rows(period, service.customs(period, analytics=platform.analytics(),
                                         by_regime=by_regime))


@router.get("/nodes", response_model=Rows[NodeFigures])
def get_nodes(platform: PlatformDep, since: Since = None, until: Until = None) -> Any:
    """Per place: items seen and left, dwell p50/p90 hours, items stuck there now."""
    period = _period(platform, since, until)
    return _rows(period, service.nodes(period, analytics=platform.analytics(),
                                       uow=platform.uow(), clock=platform.clock))


@router.get("/modes", response_model=Rows[ModeFigures])
def get_modes(platform: PlatformDep, since: Since = None, until: Until = None) -> Any:
    """Per mode (truck, rail, air): departures and weight carried."""
    period = _period(platform, since, until)
    return _rows(period, service.modes(period, analytics=platform.analytics()))


@router.get("/flows", response_model=Rows[Flow])
def get_flows(platform: PlatformDep, since: Since = None, until: Until = None) -> Any:
    """Items from place to next place by mode."""
    period = _period(platform, since, until)
    return _rows(period, service.flows(period, analytics=platform.analytics()))


@router.get("/overdue", response_model=OverdueOut)
def get_overdue(
    platform: PlatformDep, since: Since = None, until: Until = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, description="rows to skip (the next page)")] = 0,
    lane: Annotated[str | None, Query(description="only this lane, ORIGIN>DESTINATION",
                                      examples=["CNURC>KZALA"])] = None,
) -> OverdueOut:
    """Items not delivered although their lane's promise ran out, most overdue first;
    ``total`` counts them all (of the lane, if given), ``offset`` pages on."""
    period = _period(platform, since, until)
    total, rows = service.overdue(period, analytics=platform.analytics(), clock=platform.clock,
                                  promises=platform.lane_promises(), limit=limit, lane=lane,
                                  offset=offset)
    return OverdueOut(since=period.since, until=period.until, total=total, rows=rows)
