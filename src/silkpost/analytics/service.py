"""Analytics use cases: the KPIs the dashboard and the API show, from one place.

The KPI store answers over the events; these functions add what it cannot know — the lane
promises from the network, 'now' from the clock, stuck counts from the tracking read model —
and keep the copy fresh first, so the page and the API give the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

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
    Summary,
    TransitBucket,
)
from silkpost.analytics.ports import KpiStore
from silkpost.domain.codes import Status, terminal_statuses
from silkpost.domain.events import to_epoch_us
from silkpost.domain.lanes import lane_ends
from silkpost.domain.times import check_day
from silkpost.domain.tracked import StatusCount
from silkpost.errors import InvalidRequest, invalid_request
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import count_statuses

DEFAULT_DAYS = 14
MAX_DAYS = 366
IN_FLIGHT = frozenset(Status) - terminal_statuses()


def period_of(since: date | None, until: date | None, *, clock: Clock,
              days: int = DEFAULT_DAYS) -> Period:
    """The period asked for: ``until`` defaults to today, ``since`` to ``days`` before it."""
    with invalid_request():
        for day, name in ((since, "since"), (until, "until")):
            if day is not None:
                check_day(day, field=name)
    end = until or clock.now().date()
    start = since or end - timedelta(days=days - 1)
    if end < start:
        raise InvalidRequest(f"since ({start}) is after until ({end})", field="since")
    if (end - start).days >= MAX_DAYS:
        raise InvalidRequest(f"a period of at most {MAX_DAYS} days, not "
                             f"{(end - start).days + 1}", field="since")
    return Period(start, end)


def volumes(period: Period, *, analytics: KpiStore) -> tuple[list[DayVolume], list[ModeDay]]:
    """Items posted and delivered per day, and departures per day and mode."""
    analytics.refresh()
    return analytics.day_volumes(period), analytics.mode_days(period)


def lanes(period: Period, *, analytics: KpiStore, clock: Clock,
          promises: Mapping[str, float]) -> list[LaneFigures]:
    """Per lane: volumes, transit p50/p90 and on-time share against the lane's promise."""
    analytics.refresh()
    return analytics.lanes(period, promises=promises, now_us=to_epoch_us(clock.now()))


def transit(lane: str, period: Period, *, analytics: KpiStore,
            width_days: float = 0.5) -> list[TransitBucket]:
    """How one lane's delivered items spread over transit times."""
    if not 0 < width_days <= 30:
        raise InvalidRequest("width must be more than 0 and at most 30 days", field="width")
    with invalid_request("lane"):
        lane_ends(lane)
    analytics.refresh()
    return analytics.transit_buckets(lane, period, width_days=width_days)


def customs(period: Period, *, analytics: KpiStore, by_regime: bool = False
            ) -> list[CustomsFigures]:
    """Customs time per port (presented → released), inspections; per regime if asked."""
    analytics.refresh()
    return analytics.customs(period, by_regime=by_regime)


def nodes(period: Period, *, analytics: KpiStore, uow: UnitOfWork, clock: Clock,
          counts: Sequence[StatusCount] | None = None) -> list[NodeFigures]:
    """Dwell per place over the period, with the items stuck there now (``counts``: the
    status counts when the caller has them already — a scan of the read model saved)."""
    analytics.refresh()
    stuck: dict[str, int] = {}
    for count in counts if counts is not None else count_statuses(uow=uow, clock=clock):
        if count.office is not None and count.stuck:
            stuck[count.office] = stuck.get(count.office, 0) + count.stuck
    figures = analytics.nodes(period)
    seen = {f.office for f in figures}
    out = [NodeFigures(f.office, f.items, f.left, f.p50_dwell_hours, f.p90_dwell_hours,
                       stuck.get(f.office, 0)) for f in figures]
    out += [NodeFigures(office, 0, 0, None, None, n) for office, n in sorted(stuck.items())
            if office not in seen]
    return out


def modes(period: Period, *, analytics: KpiStore) -> list[ModeFigures]:
    """Departures and weight per mode."""
    analytics.refresh()
    return analytics.modes(period)


def flows(period: Period, *, analytics: KpiStore) -> list[Flow]:
    """Items from place to place by mode (the network picture's line widths)."""
    analytics.refresh()
    return analytics.flows(period)


MAX_OVERDUE = 1000  # rows of one answer; more come by ``offset``


def overdue(period: Period, *, analytics: KpiStore, clock: Clock,
            promises: Mapping[str, float], limit: int = 50, lane: str | None = None,
            offset: int = 0) -> tuple[int, list[OverdueItem]]:
    """Items undelivered past their lane's promise (of ``lane`` alone if given): how many,
    and ``limit`` of them from ``offset``, most overdue first — so a list of any length can
    be paged or exported whole, with the same numbers on the page and the API."""
    if not 1 <= limit <= MAX_OVERDUE:
        raise InvalidRequest(f"limit must be between 1 and {MAX_OVERDUE}", field="limit")
    if offset < 0:
        raise InvalidRequest("offset must not be negative", field="offset")
    if lane is not None:
        with invalid_request():  # a malformed lane is the caller's mistake, named as such
            lane_ends(lane)
    analytics.refresh()
    return analytics.overdue(period, promises=promises, now_us=to_epoch_us(clock.now()),
                             limit=limit, lane=lane, offset=offset)


def summary(period: Period, *, analytics: KpiStore, uow: UnitOfWork, clock: Clock,
            promises: Mapping[str, float],
            counts: Sequence[StatusCount] | None = None) -> Summary:
    """The dashboard tiles: the period's volumes and times, and the standing of all items
    (``counts`` as for :func:`nodes`)."""
    analytics.refresh()
    days = analytics.day_volumes(period)
    now_us = to_epoch_us(clock.now())
    result = Summary(period=period, events=analytics.events_copied())
    result.posted = sum(d.posted for d in days)
    result.delivered = sum(d.delivered for d in days)
    result.weight_kg = round(sum(d.weight_kg for d in days), 1)
    for lane in analytics.lanes(period, promises=promises, now_us=now_us, overall=True):
        result.p50_days, result.on_time_share = lane.p50_days, lane.on_time_share
    for port in analytics.customs(period, overall=True):
        result.customs_p50_hours = port.p50_hours
    result.overdue, _ = analytics.overdue(period, promises=promises, now_us=now_us, limit=1)
    for count in counts if counts is not None else count_statuses(uow=uow, clock=clock):
        key = count.status.value
        result.statuses[key] = result.statuses.get(key, 0) + count.total
        result.stuck += count.stuck
        if count.status in IN_FLIGHT:
            result.in_flight += count.total
    return result

