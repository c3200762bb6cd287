"""The dashboard: ``/dashboard?since=&until=&lang=``, the corridor at a glance.

Every figure comes from the same service functions as ``/api/v1/analytics/*`` (and the stuck
list from ``tracking.service.list_objects``, as ``/api/v1/items?stuck=true``), so a number on
the page is the API's number; the browser test checks it. Charts are inline SVG drawn on the
server (``web/charts.py``): no script, no CDN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse

from silkpost.analytics import service
from silkpost.analytics.kpis import LaneFigures, Period, Summary
from silkpost.api.access import READ_FIGURES_PAGE
from silkpost.api.deps import PlatformDep
from silkpost.bootstrap import AnalyticsUnavailable, NoticesUnavailable, Platform
from silkpost.domain.codes import statuses
from silkpost.domain.lanes import lane_ends
from silkpost.domain.notices import NoticeState
from silkpost.network.draw import MODE_COLOURS, flows_by_service, network_svg
from silkpost.notices.service import list_notices
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import count_statuses, list_objects
from silkpost.web.charts import PALETTE, Series, bar_chart, histogram, range_bars
from silkpost.web.i18n import LANG_NAMES, negotiate, text
from silkpost.web.pages import TEMPLATES, local_time, notice_lines, place_name

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[READ_FIGURES_PAGE])
LISTED = 20
LANE_CHARTS = 6


@dataclass
class Tile:
    """One headline figure: its key (for tests and the API field), label and shown value."""

    key: str
    label: str
    value: Any
    shown: str


@dataclass
class DashboardView:
    """Everything the template shows."""

    period: Period
    summary: Summary | None = None
    tiles: list[Tile] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)
    lane_charts: list[str] = field(default_factory=list)
    lanes: list[LaneFigures] = field(default_factory=list)
    stuck: list[dict[str, str]] = field(default_factory=list)
    overdue: list[dict[str, str]] = field(default_factory=list)
    overdue_total: int = 0
    unavailable: bool = False


def _tiles(s: Summary, lang: str) -> list[Tile]:
    def number(v: float | None, digits: int = 0) -> str:
        return "—" if v is None else f"{v:,.{digits}f}"

    share = None if s.on_time_share is None else round(s.on_time_share * 100, 1)
    return [
        Tile("posted", text("posted", lang), s.posted, number(s.posted)),
        Tile("delivered", text("delivered", lang), s.delivered, number(s.delivered)),
        Tile("weight_kg", text("weight_t", lang), s.weight_kg, number(s.weight_kg / 1000, 1)),
        Tile("in_flight", text("in_flight", lang), s.in_flight, number(s.in_flight)),
        Tile("stuck", text("stuck", lang), s.stuck, number(s.stuck)),
        Tile("overdue", text("overdue", lang), s.overdue, number(s.overdue)),
        Tile("p50_days", text("transit_p50", lang), s.p50_days, number(s.p50_days, 2)),
        Tile("on_time_share", text("on_time", lang), s.on_time_share,
             "—" if share is None else f"{share:g} %"),
        Tile("customs_p50_hours", text("customs_p50", lang), s.customs_p50_hours,
             number(s.customs_p50_hours, 1)),
    ]


def build_view(platform: Platform, period: Period, lang: str) -> DashboardView:
    """Ask the services for the period's figures and draw them."""
    view = DashboardView(period=period)
    try:
        analytics = platform.analytics()
    except AnalyticsUnavailable:
        view.unavailable = True
        return view
    promises = platform.lane_promises()
    clock = platform.clock

    def name(code: str | None) -> str:
        return place_name(platform, code, None, lang) if code else "—"

    counts = count_statuses(uow=platform.uow(), clock=clock)  # one scan for tiles and places
    view.summary = service.summary(period, analytics=analytics, uow=platform.uow(),
                                   clock=clock, promises=promises, counts=counts)
    view.tiles = _tiles(view.summary, lang)
    days, mode_days = service.volumes(period, analytics=analytics)
    labels = [d.day.isoformat() for d in days]
    view.charts["volume"] = bar_chart(labels, [
        Series(text("posted", lang), [d.posted for d in days], PALETTE[0]),
        Series(text("delivered", lang), [d.delivered for d in days], PALETTE[2]),
    ], label=text("volume_by_day", lang))
    by_mode: dict[str, list[float]] = {}
    for m in mode_days:
        by_mode.setdefault(m.mode, [0.0] * len(days))[(m.day - period.since).days] = m.departures
    view.charts["modes"] = bar_chart(labels, [
        Series(mode, values, MODE_COLOURS.get(mode, PALETTE[3]))
        for mode, values in sorted(by_mode.items())
    ], label=text("departures_by_mode", lang), stacked=True)
    view.lanes = service.lanes(period, analytics=analytics, clock=clock, promises=promises)
    for lane in view.lanes[:LANE_CHARTS]:
        buckets = service.transit(lane.lane, period, analytics=analytics)
        origin, destination = lane_ends(lane.lane)
        view.lane_charts.append(histogram(
            [(b.from_days, b.width_days, b.items) for b in buckets],
            label=f"{origin} → {destination} · {name(destination)}",
            promise=lane.promise_days))
    nodes = service.nodes(period, analytics=analytics, uow=platform.uow(), clock=clock,
                          counts=counts)
    view.charts["dwell"] = range_bars(
        [(name(n.office), n.p50_dwell_hours, n.p90_dwell_hours) for n in nodes],
        label=text("dwell", lang), unit="h")
    ports = service.customs(period, analytics=analytics)
    view.charts["customs"] = range_bars(
        [(name(p.office), p.p50_hours, p.p90_hours) for p in ports],
        label=text("customs", lang), unit="h", bar_colour=PALETTE[1])
    flows = service.flows(period, analytics=analytics)
    view.charts["network"] = network_svg(platform.network, flows=flows_by_service(
        platform.network, ((f.origin, f.destination, f.mode, f.items) for f in flows)))
    page = list_objects(ObjectQuery(stuck_at=clock.now(), limit=LISTED), uow=platform.uow())
    status_info = statuses()
    view.stuck = [{"id": t.object_id,
                   "status": status_info[t.status].names.get(lang, t.status.value),
                   "place": place_name(platform, t.last_office, t.last_location, lang),
                   "time": local_time(t.last_at)} for t in page.objects]
    view.overdue_total, late = service.overdue(period, analytics=analytics, clock=clock,
                                               promises=promises, limit=LISTED)
    view.overdue = [{"id": o.object_id, "lane": o.lane, "posted": o.posted_day.isoformat(),
                     "days_late": f"{o.days_late:g}", "place": name(o.last_office)}
                    for o in late]
    return view


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    platform: PlatformDep,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    lang: str | None = None,
    refresh: Annotated[int, Query(ge=0, le=3600, description="reload every N s (0: never)")]
    = 0,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The corridor's KPIs, charts, network flows, stuck and overdue items; ``refresh=60``
    makes a wall screen reload itself (no script needed)."""
    chosen = negotiate(lang, accept_language)
    period = service.period_of(since, until, clock=platform.clock)
    view = build_view(platform, period, chosen)

    def query_for(code: str) -> str:
        chosen_dates = {"since": since, "until": until, "lang": code,
                        "refresh": refresh or None}
        return urlencode({k: v for k, v in chosen_dates.items() if v})

    try:
        active = [v.notice for v in list_notices(uow=platform.notice_uow(), clock=platform.clock,
                                                 state=NoticeState.ACTIVE, limit=LISTED)]
    except NoticesUnavailable:
        active = []
    html = TEMPLATES.get_template("dashboard.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES, view=view,
        query_for=query_for, notices=notice_lines(active, chosen, platform.network),
        refresh=refresh,
        places=lambda codes: ", ".join(place_name(platform, c, None, chosen) for c in codes),
    )
    return HTMLResponse(html, headers={"Content-Language": chosen, "Vary": "Accept-Language"})
