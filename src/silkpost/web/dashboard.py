"""The dashboard: ``/dashboard?since=&until=&lang=``, the corridor at a glance.

Built for a real day, not a sample: the stuck and overdue lists are grouped by place and
status (or lane) with their counts, filtered by a click on a group, paged, and downloadable
whole as CSV; the tiles about now stand apart from the period's figures; every number is
written in the page's language and every label fits its chart.

Every figure comes from the same service functions as ``/api/v1/analytics/*`` (and the stuck
list from ``tracking.service.list_objects``, as ``/api/v1/items?stuck=true``), so a number on
the page is the API's number; the browser test checks it. Charts are inline SVG drawn on the
server (``web/charts.py``): no script, no CDN.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from silkpost.analytics import service
from silkpost.analytics.kpis import Period, Summary
from silkpost.api.access import READ_FIGURES_PAGE, SESSION_COOKIE
from silkpost.api.deps import PlatformDep
from silkpost.bootstrap import AnalyticsUnavailable, NoticesUnavailable, Platform
from silkpost.domain.codes import Status, statuses
from silkpost.domain.lanes import lane_ends
from silkpost.domain.notices import NoticeState
from silkpost.errors import InvalidRequest, SilkpostError, invalid_request
from silkpost.network.draw import MODE_COLOURS, flows_by_service, network_svg
from silkpost.notices.service import list_notices
from silkpost.office.deadlines import SameDayShare, same_day_share
from silkpost.office.service import known_offices
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import count_statuses, decode_cursor, list_objects
from silkpost.web.charts import PALETTE, Series, bar_chart, histogram, range_bars
from silkpost.web.i18n import LANG_NAMES, TEXTS, negotiate, text
from silkpost.web.numbers import number, share
from silkpost.web.pages import TEMPLATES, local_time, notice_lines, place_name
from silkpost.web.signin import csrf_token

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[READ_FIGURES_PAGE])
LISTED = 20  # notices on the page
PAGE = 50  # items in a list's page
EXPORT_MAX = 100_000  # rows of one CSV download
LANE_CHARTS = 6
CLEARANCE_PORTS = 4  # ports in the chart of clearance per regime


@dataclass
class Tile:
    """One headline figure: its key (for tests and the API field), label and shown value."""

    key: str
    label: str
    value: Any
    shown: str


@dataclass
class Group:
    """One row of a list's summary: what it groups, how many, the link that filters on it."""

    label: str
    count: int
    shown: str
    query: str
    title: str = ""
    current: bool = False


@dataclass
class ListPage:
    """A page of a list: its rows, where it stands, the links to move on."""

    rows: list[dict[str, str]] = field(default_factory=list)
    showing: str = ""
    next_query: str | None = None
    previous_query: str | None = None
    first_query: str | None = None
    csv: str = ""

    def place(self, page: int, shown: int, total: int, lang: str, link: Any,
              param: str) -> None:
        """Where page ``page`` (of ``shown`` rows) stands among ``total`` and the links to
        its neighbours (``param``: the query parameter holding the page's number) — one
        rule for both lists."""
        start = (page - 1) * PAGE
        self.showing = text("list_showing", lang).format(
            first=number(start + 1 if shown else 0, lang),
            last=number(start + shown if shown else 0, lang),
            total=number(total, lang))
        self.next_query = link(**{param: page + 1}) if shown and start + shown < total else None
        self.previous_query = link(**{param: page - 1 if page > 2 else None}) \
            if page > 1 and shown else None
        # Past the end (a page kept in a bookmark): the way back is the first page.
        self.first_query = link(**{param: None}) if page > 2 or (page > 1 and not shown) \
            else None


@dataclass
class DashboardView:
    """Everything the template shows."""

    period: Period
    summary: Summary | None = None
    now_tiles: list[Tile] = field(default_factory=list)
    tiles: list[Tile] = field(default_factory=list)
    empty: bool = False
    charts: dict[str, str] = field(default_factory=dict)
    lane_charts: list[str] = field(default_factory=list)
    lanes: list[dict[str, Any]] = field(default_factory=list)
    stuck_groups: list[Group] = field(default_factory=list)
    stuck: ListPage = field(default_factory=ListPage)
    stuck_places: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    stuck_statuses: list[tuple[str, str]] = field(default_factory=list)  # (value, name)
    overdue_groups: list[Group] = field(default_factory=list)
    overdue: ListPage = field(default_factory=ListPage)
    events: str = ""
    unavailable: bool = False


@dataclass(frozen=True)
class Filters:
    """What the lists are narrowed to, and where their pages start (from the page's URL)."""

    place: str | None = None
    status: Status | None = None
    lane: str | None = None
    stuck_page: int = 1
    overdue_page: int = 1


def _tiles(s: Summary, lang: str) -> tuple[list[Tile], list[Tile]]:
    """The tiles about now (all items as they stand) and those of the period."""
    now = [
        Tile("in_flight", text("in_flight", lang), s.in_flight, number(s.in_flight, lang)),
        Tile("stuck", text("stuck", lang), s.stuck, number(s.stuck, lang)),
        Tile("overdue", text("overdue", lang), s.overdue, number(s.overdue, lang)),
    ]
    period = [
        Tile("posted", text("posted", lang), s.posted, number(s.posted, lang)),
        Tile("delivered", text("delivered", lang), s.delivered, number(s.delivered, lang)),
        Tile("weight_kg", text("weight_t", lang), s.weight_kg, number(s.weight_kg / 1000, lang, 1)),
        Tile("p50_days", text("transit_p50", lang), s.p50_days, number(s.p50_days, lang, 2)),
        Tile("on_time_share", text("on_time", lang), s.on_time_share,
             share(s.on_time_share, lang)),
        Tile("customs_p50_hours", text("customs_p50", lang), s.customs_p50_hours,
             number(s.customs_p50_hours, lang, 1)),
    ]
    return now, period


def city(name: str) -> str:
    """A place's name up to its first comma or bracket: the city (``Almaty``)."""
    return re.split(r"\s*[,(（，]", name, maxsplit=1)[0] or name


def _own_part(name: str, peers: list[str]) -> str:
    """``name`` without the words it shares at its start or end with a peer's name (the
    kind's words: "Dongguan consolidation warehouse" beside "Yiwu consolidation warehouse" is
    "Dongguan"; in Chinese, without spaces, shared characters, at least two)."""
    spaced = " " in name
    least = 1 if spaced else 2

    def tokens(text: str) -> list[str]:
        return text.split(" ") if spaced else list(text)

    own, before, after = tokens(name), 0, 0
    for peer in peers:
        other = tokens(peer)
        if other == own or (" " in peer) != spaced:
            continue
        n = 0
        while n < min(len(own), len(other)) and own[n] == other[n]:
            n += 1
        before = max(before, n if n >= least else 0)
        n = 0
        while n < min(len(own), len(other)) and own[-1 - n] == other[-1 - n]:
            n += 1
        after = max(after, n if n >= least else 0)
    kept = own[before:len(own) - after]
    return (" " if spaced else "").join(kept) if len(kept) >= least else name


def short_names(names: dict[str, str], kinds: dict[str, str] | None = None) -> dict[str, str]:
    """The one rule for short place labels (network picture, histogram titles): a node by its
    city where that names one node ("Алматы, ЦМПО-5" is "Алматы"), by its whole name where a
    city has several (Urumqi's office, airport and rail yard); a name with no comma loses the
    words it shares with nodes of its kind ("Консолидационный склад Дунгуань" beside "… Иу" is
    "Дунгуань"). Two nodes never get the same label: such a pair keeps its longer form."""
    kinds = kinds or {}
    cities = {code: city(n) for code, n in names.items()}
    counted = list(cities.values())
    out: dict[str, str] = {}
    for code, n in names.items():
        c = cities[code]
        if counted.count(c) > 1:
            out[code] = n
        elif re.search(r"[,，]", n) or kinds.get(code) is None:
            out[code] = c
        else:
            out[code] = _own_part(c, [cities[k] for k in names
                                      if k != code and kinds.get(k) == kinds[code]])
    labels = list(out.values())
    return {code: label if labels.count(label) == 1 else cities[code]
            for code, label in out.items()}


def place_labels(platform: Platform, lang: str) -> dict[str, str]:
    """Every node's short label in ``lang`` (:func:`short_names`)."""
    nodes = platform.network.nodes
    return short_names({code: place_name(platform, code, None, lang) for code in nodes},
                       {code: node.kind for code, node in nodes.items()})


def lane_name(platform: Platform, lane: str, lang: str, *, short: bool = False) -> str:
    """A lane as people say it: its two places by name (``Dongguan → Almaty`` when
    ``short``, by :func:`short_names`' rule; else the places' whole names)."""
    origin, destination = lane_ends(lane)
    ends = [place_name(platform, origin, None, lang), place_name(platform, destination, None,
                                                                   lang)]
    if short:
        labels = place_labels(platform, lang)
        return " → ".join(labels.get(code, city(end))
                          for code, end in zip((origin, destination), ends, strict=True))
    return " → ".join(ends)


def _stuck_query(platform: Platform, f: Filters, limit: int,
                 after: tuple[int, str] | None = None, offset: int = 0) -> ObjectQuery:
    return ObjectQuery(stuck_at=platform.clock.now(), office=f.place, status=f.status,
                       limit=limit, after=after, offset=offset)


def build_view(platform: Platform, period: Period, lang: str,
               filters: Filters | None = None,
               link: Any = None) -> DashboardView:
    """Ask the services for the period's figures and draw them.

    ``link(**changes)`` writes the page's query with some parameters changed (the lists'
    filters and pages keep the period and language).
    """
    f = filters or Filters()
    link = link or (lambda **_: "")
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
    view.now_tiles, view.tiles = _tiles(view.summary, lang)
    view.events = number(view.summary.events, lang)
    days, mode_days = service.volumes(period, analytics=analytics)
    view.empty = not any(d.posted or d.delivered for d in days) and not mode_days
    hours, day_unit = text("hours_unit", lang), text("days_unit", lang)
    if not view.empty:
        labels = [d.day.isoformat() for d in days]
        view.charts["volume"] = bar_chart(labels, [
            Series(text("posted", lang), [d.posted for d in days], PALETTE[0]),
            Series(text("delivered", lang), [d.delivered for d in days], PALETTE[2]),
        ], label=text("volume_by_day", lang), lang=lang)
        by_mode: dict[str, list[float]] = {}
        for m in mode_days:
            by_mode.setdefault(m.mode, [0.0] * len(days))[
                (m.day - period.since).days] = m.departures
        view.charts["modes"] = bar_chart(labels, [
            Series(text(f"mode_{mode}", lang) if f"mode_{mode}" in TEXTS else mode, values,
                   MODE_COLOURS.get(mode, PALETTE[3]))
            for mode, values in sorted(by_mode.items())
        ], label=text("departures_by_mode", lang), stacked=True, lang=lang)
    lanes = service.lanes(period, analytics=analytics, clock=clock, promises=promises)
    view.lanes = [{"lane": lane, "name": lane_name(platform, lane.lane, lang),
                   "posted": number(lane.posted, lang),
                   "delivered": number(lane.delivered, lang),
                   "in_flight": number(lane.in_flight, lang),
                   "p50": number(lane.p50_days, lang, 2), "p90": number(lane.p90_days, lang, 2),
                   "promise": number(lane.promise_days, lang, 0),
                   "on_time": share(lane.on_time_share, lang)} for lane in lanes]
    for lane in lanes[:LANE_CHARTS]:
        buckets = service.transit(lane.lane, period, analytics=analytics)
        view.lane_charts.append(histogram(
            [(b.from_days, b.width_days, b.items) for b in buckets],
            label=lane_name(platform, lane.lane, lang, short=True), promise=lane.promise_days,
            lang=lang,
            day=day_unit, promise_label=text("promise_word", lang),
            empty=text("no_data", lang)))
    caption = text("p50p90", lang).format(unit=hours)
    nodes = service.nodes(period, analytics=analytics, uow=platform.uow(), clock=clock,
                          counts=counts)
    view.charts["dwell"] = range_bars(
        [(name(n.office), n.p50_dwell_hours, n.p90_dwell_hours) for n in nodes],
        label=text("dwell", lang), unit=hours, caption=caption, lang=lang)
    ports = service.customs(period, analytics=analytics)
    view.charts["customs"] = range_bars(
        [(name(p.office), p.p50_hours, p.p90_hours) for p in ports],
        label=text("customs", lang), unit=hours, caption=caption, lang=lang,
        bar_colour=PALETTE[1])
    # The busiest ports again, one bar per regime: where a channel clears slower.
    busiest = [p.office for p in ports[:CLEARANCE_PORTS]]
    by_regime = sorted((p for p in service.customs(period, analytics=analytics, by_regime=True)
                        if p.office in busiest),
                       key=lambda p: (busiest.index(p.office), p.regime))
    # The regime first: a long port name is cut at the label's end, never the regime.
    short = place_labels(platform, lang)
    view.charts["customs_regime"] = range_bars(
        [(f"{p.regime} · {short.get(p.office, name(p.office))}", p.p50_hours, p.p90_hours)
         for p in by_regime],
        label=text("customs_regime", lang), unit=hours, caption=caption, lang=lang,
        bar_colour=PALETTE[1])
    flows = service.flows(period, analytics=analytics)
    view.charts["network"] = network_svg(
        platform.network, flows=flows_by_service(
            platform.network, ((x.origin, x.destination, x.mode, x.items) for x in flows)),
        names=place_labels(platform, lang),
        titles={code: name(code) for code in platform.network.nodes},
        describe=lambda s, parcels: " · ".join(
            [s.id, text(f"mode_{s.mode}", lang) if f"mode_{s.mode}" in TEXTS else s.mode,
             f"{number(s.duration_hours, lang, 0 if s.duration_hours % 1 == 0 else 1)} {hours}"]
            + ([f"{number(parcels, lang)} {text('parcels_unit', lang)}"]
               if parcels is not None else [])),
        legend={"truck": text("mode_truck", lang), "rail": text("mode_rail", lang),
                "air": text("mode_air", lang), "width": text("flow_width", lang)})
    status_info = statuses()

    def status_name(status: Status) -> str:
        return status_info[status].names.get(lang, status.value)

    stuck_total = 0
    for c in sorted(counts, key=lambda c: -c.stuck):
        if c.stuck:
            stuck_total += c.stuck if _matches(f, c.office, c.status) else 0
            view.stuck_groups.append(Group(
                label=f"{name(c.office)} · {status_name(c.status)}", count=c.stuck,
                shown=number(c.stuck, lang), title=c.office or "",
                query=link(place=c.office or "", status=c.status.value, stuck_page=None),
                current=(f.place, f.status) == (c.office, c.status)))
    stuck_counts = [c for c in counts if c.stuck]
    view.stuck_places = sorted({(c.office, name(c.office)) for c in stuck_counts if c.office},
                               key=lambda p: p[1])
    view.stuck_statuses = sorted({(c.status.value, status_name(c.status))
                                  for c in stuck_counts}, key=lambda p: p[1])
    page = list_objects(_stuck_query(platform, f, PAGE, offset=(f.stuck_page - 1) * PAGE),
                        uow=platform.uow())
    view.stuck.rows = [{"id": t.object_id, "status": status_name(t.status),
                        "place": place_name(platform, t.last_office, t.last_location, lang),
                        "time": local_time(t.last_at)} for t in page.objects]
    view.stuck.place(f.stuck_page, len(page.objects), stuck_total, lang, link, "stuck_page")
    view.stuck.csv = link(_csv="stuck")

    for lane in sorted(lanes, key=lambda x: -x.overdue):
        if lane.overdue:
            view.overdue_groups.append(Group(
                label=lane_name(platform, lane.lane, lang), count=lane.overdue,
                shown=number(lane.overdue, lang), title=lane.lane,
                query=link(lane=lane.lane, overdue_page=None), current=f.lane == lane.lane))
    total, shown = service.overdue(period, analytics=analytics, clock=clock,
                                   promises=promises, limit=PAGE, lane=f.lane,
                                   offset=(f.overdue_page - 1) * PAGE)
    view.overdue.rows = [{"id": o.object_id, "lane": lane_name(platform, o.lane, lang),
                          "lane_code": o.lane, "days_late": number(o.days_late, lang, 1),
                          "place": name(o.last_office)} for o in shown]
    view.overdue.place(f.overdue_page, len(shown), total, lang, link, "overdue_page")
    view.overdue.csv = link(_csv="overdue")
    return view


def _matches(f: Filters, office: str | None, status: Status) -> bool:
    return (f.place is None or f.place == office) and (f.status is None or f.status == status)


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from None


def _whole(value: str | None, field: str, lo: int, hi: int, default: int) -> int:
    """A whole number of the page's query from ``lo`` to ``hi`` (``default`` when absent)."""
    if not value:
        return default
    try:
        number_ = int(value)
    except ValueError:
        number_ = lo - 1
    if not lo <= number_ <= hi:
        raise InvalidRequest(f"{field} must be a whole number from {lo} to {hi}, not {value!r}",
                             field=field)
    return number_


def _status(value: str | None) -> Status | None:
    if not value:
        return None
    try:
        return Status(value)
    except ValueError:
        raise InvalidRequest(f"unknown status {value!r}", field="status") from None


def _lane(value: str | None) -> str | None:
    if not value:
        return None
    with invalid_request():
        lane_ends(value)
    return value


def _error_page(lang: str, reason: str, status: int, about: str = "period") -> HTMLResponse:
    """The page for a parameter that cannot be used: what is wrong and what to choose, in
    the page's language (``about``: the period, or the lists' filters and pages)."""
    hint = (text("period_hint", lang).format(most=number(service.MAX_DAYS, lang))
            if about == "period" else text("list_hint", lang))
    html = TEMPLATES.get_template("dashboard_error.html").render(
        lang=lang, t=lambda key: text(key, lang), lang_names=LANG_NAMES,
        message=text(f"{about}_error", lang).format(reason=reason),
        hint=hint,
        back=text("back_default", lang).format(days=number(service.DEFAULT_DAYS, lang)))
    return HTMLResponse(html, status_code=status,
                        headers={"Content-Language": lang, "Vary": "Accept-Language"})


@router.get("/", include_in_schema=False)
def home(lang: str | None = None) -> RedirectResponse:
    """The address alone leads to the dashboard."""
    return RedirectResponse("/dashboard" + (f"?{urlencode({'lang': lang})}" if lang else ""),
                            status_code=307)


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    platform: PlatformDep,
    since: str | None = None,
    until: str | None = None,
    lang: str | None = None,
    refresh: str | None = None,
    place: str | None = None,
    status: str | None = None,
    lane: str | None = None,
    stuck_page: str | None = None,
    overdue_page: str | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The corridor's KPIs, charts, network flows, stuck and overdue items; ``refresh=60``
    makes a wall screen reload itself (no script needed). A parameter that cannot be used is
    a 400 page in the page's language (the period's or the lists'), never JSON."""
    chosen = negotiate(lang, accept_language)
    try:
        period = service.period_of(_day(since, "since"), _day(until, "until"),
                                   clock=platform.clock)
    except SilkpostError as exc:
        return _error_page(chosen, exc.detail, 400)
    try:
        wait = _whole(refresh, "refresh", 0, 3600, 0)
        filters = Filters(place=place or None, status=_status(status), lane=_lane(lane),
                          stuck_page=_whole(stuck_page, "stuck_page", 1, 100_000, 1),
                          overdue_page=_whole(overdue_page, "overdue_page", 1, 100_000, 1))
    except SilkpostError as exc:
        return _error_page(chosen, exc.detail, 400, about="list")
    refresh_s = wait
    kept = {"since": since, "until": until, "lang": lang, "refresh": refresh_s or None,
            "place": place, "status": status, "lane": lane,
            "stuck_page": filters.stuck_page if filters.stuck_page > 1 else None,
            "overdue_page": filters.overdue_page if filters.overdue_page > 1 else None}

    def link(**changes: Any) -> str:
        csv_kind = changes.pop("_csv", None)
        params = {**kept, **changes}
        query = urlencode({k: v for k, v in params.items() if v not in (None, "", 0)})
        if csv_kind:
            csv_params = {k: params[k] for k in ("since", "until", "place", "status", "lane")
                          if params.get(k)}
            return f"/dashboard/{csv_kind}.csv?{urlencode(csv_params)}"
        return f"?{query}"

    view = build_view(platform, period, chosen, filters, link)

    def query_for(code: str) -> str:
        return link(lang=code)[1:]

    try:
        active = [v.notice for v in list_notices(uow=platform.notice_uow(), clock=platform.clock,
                                                 state=NoticeState.ACTIVE, limit=LISTED)]
    except NoticesUnavailable:
        active = []
    offices = same_day_by_office(platform, chosen)
    session = request.cookies.get(SESSION_COOKIE)
    signout = csrf_token(session, platform.settings.session_secret) if session else None
    html = TEMPLATES.get_template("dashboard.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES, view=view,
        query_for=query_for, notices=notice_lines(active, chosen, platform.network),
        refresh=refresh_s, filters=filters, link=link, signout=signout, kept=kept,
        places=lambda codes: ", ".join(place_name(platform, c, None, chosen) for c in codes),
        offices=offices,
    )
    return HTMLResponse(html, headers={"Content-Language": chosen, "Vary": "Accept-Language"})


def same_day_by_office(platform: Platform, lang: str
                       ) -> list[tuple[str, str, SameDayShare]]:
    """The same-day share of the last 7 days at each office of exchange that worked items
    (offices with nothing due are left out)."""
    rows = []
    for code in known_offices(platform.network):
        share = same_day_share(code, network=platform.network, uow=platform.office_reader(),
                               clock=platform.clock)
        if share.due:
            node = platform.network.nodes[code]
            rows.append((code, node.names.get(lang) or node.names.get("en", code), share))
    return rows


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula gets a "'"."""
    text_value = "" if value is None else str(value)
    return "'" + text_value if text_value.startswith(_FORMULA) else text_value


def _csv(rows: Iterator[list[object]], header: list[str], filename: str) -> StreamingResponse:
    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for n, row in enumerate(rows):
            writer.writerow([_cell(v) for v in row])
            if n % 500 == 499:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/dashboard/stuck.csv")
def stuck_csv(platform: PlatformDep, place: str | None = None,
              status: str | None = None) -> Response:
    """Every item stuck now (of the place and status chosen), newest activity first."""
    try:
        f = Filters(place=place or None, status=Status(status) if status else None)
    except ValueError:
        return Response(f"unknown status {status!r}", status_code=400,
                        media_type="text/plain; charset=utf-8")

    def rows() -> Iterator[list[object]]:
        after: tuple[int, str] | None = None
        sent = 0
        while sent < EXPORT_MAX:
            page = list_objects(_stuck_query(platform, f, 1000, after), uow=platform.uow())
            for t in page.objects:
                yield [t.object_id, t.status.value, t.last_office, t.last_location,
                       place_name(platform, t.last_office, t.last_location, "en"),
                       t.last_at.isoformat()]
            sent += len(page.objects)
            if page.next_cursor is None:
                return
            after = decode_cursor(page.next_cursor)

    return _csv(rows(), ["item", "status", "last_office", "last_location", "last_place",
                         "last_event_at"], "stuck.csv")


@router.get("/dashboard/overdue.csv")
def overdue_csv(platform: PlatformDep, since: str | None = None, until: str | None = None,
                lane: str | None = None) -> Response:
    """Every item of the period past its lane's promise (of the lane chosen), most late first."""
    try:
        period = service.period_of(_day(since, "since"), _day(until, "until"),
                                   clock=platform.clock)
    except SilkpostError as exc:
        return Response(exc.detail, status_code=400, media_type="text/plain; charset=utf-8")
    if lane:
        try:
            lane_ends(lane)
        except ValueError as exc:
            return Response(str(exc), status_code=400, media_type="text/plain; charset=utf-8")
    analytics, clock, promises = platform.analytics(), platform.clock, platform.lane_promises()

    def rows() -> Iterator[list[object]]:
        """Page after page from the service, as the page's list is, until all are sent."""
        offset = 0
        while offset < EXPORT_MAX:
            _, late = service.overdue(period, analytics=analytics, clock=clock,
                                      promises=promises, limit=service.MAX_OVERDUE,
                                      lane=lane or None, offset=offset)
            for o in late:
                yield [o.object_id, o.lane, o.posted_day.isoformat(), o.promise_days,
                       o.days_late, o.last_office]
            if len(late) < service.MAX_OVERDUE:
                return
            offset += len(late)

    return _csv(rows(), ["item", "lane", "posted_day", "promise_days", "days_late",
                         "last_office"], "overdue.csv")
