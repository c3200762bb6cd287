"""The public tracking page (``/track?id=...&lang=...``) and what every page shares: the
templates, the static files, place names and local times.

The tracking page renders what ``tracking.service.track`` returns — the same call as the
API — and shows no personal or partner-private data: no payloads, no sources, only codes'
public texts, places by name and local times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from silkpost.api.deps import PlatformDep
from silkpost.bootstrap import NoticesUnavailable, Platform
from silkpost.domain.codes import event_code, statuses
from silkpost.domain.notices import Notice, text_in
from silkpost.errors import SilkpostError
from silkpost.network.eta import route_ahead
from silkpost.notices.service import notices_concerning
from silkpost.tracking.service import ObjectNotFound, ObjectView, track
from silkpost.web.i18n import LANG_NAMES, negotiate, text

_HERE = Path(str(files("silkpost.web")))
TEMPLATES = Environment(loader=FileSystemLoader(_HERE / "templates"),
                        autoescape=select_autoescape(["html"]))
MAX_IDS = 20

router = APIRouter(tags=["pages"], include_in_schema=False)


def static_files() -> StaticFiles:
    """The page assets, served from the package (no CDN)."""
    return StaticFiles(directory=_HERE / "static")


@dataclass
class Card:
    """One parcel as the page shows it."""

    id: str
    error: str | None = None
    error_kind: str | None = None
    status: str = ""
    status_text: str = ""
    last_place: str = ""
    eta: str | None = None
    eta_iso: str | None = None
    stuck: bool = False
    timeline: list[dict[str, str]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)


def notice_lines(notices: list[Notice], lang: str) -> list[dict[str, Any]]:
    """Notices as the pages show them: title and body in ``lang``, the validity window."""
    lines = []
    for n in notices:
        window = n.valid_from.strftime("%Y-%m-%d %H:%M %Z")
        if n.valid_until is not None:
            window += " – " + n.valid_until.strftime("%Y-%m-%d %H:%M %Z")
        lines.append({"id": n.notice_id, "severity": n.severity.value,
                      "title": text_in(n.title, lang), "body": text_in(n.body, lang),
                      "window": window, "nodes": n.nodes, "services": n.services})
    return lines


def _notices_for(platform: Platform, view: ObjectView, lang: str) -> list[dict[str, Any]]:
    """Active notices about the places the item passed or is still to pass."""
    nodes = [e.office for e in view.timeline if e.office]
    ahead, services = route_ahead(platform.network, view.tracked, now=platform.clock.now())
    nodes += ahead
    try:
        found = notices_concerning(nodes=dict.fromkeys(nodes), services=services,
                                   uow=platform.notice_uow(), clock=platform.clock, limit=5)
    except NoticesUnavailable:
        return []
    return notice_lines(found, lang)


def place_name(platform: Platform, office: str | None, locode: str | None, lang: str) -> str:
    """A place's name in ``lang`` from the network (Kazakh falls back to Russian), else codes."""
    network = platform.network
    node = network.nodes.get(office or "")
    if node is None and locode:
        node = next((n for n in network.nodes.values() if n.locode == locode), None)
    if node is not None:
        names = node.names
        return names.get(lang) or names.get("ru" if lang == "kk" else "en") or node.code
    return " ".join(p for p in (locode, office) if p) or "—"


def local_time(moment: datetime) -> str:
    """A time as scanned, with its UTC offset."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def card_for(platform: Platform, raw: str, lang: str) -> Card:
    """Look one id up through the tracking service."""
    try:
        view = track(raw, uow=platform.uow(), clock=platform.clock, eta=platform.eta)
    except ObjectNotFound:
        return Card(id=raw, error=text("not_found", lang), error_kind="not_found")
    except SilkpostError as exc:
        return Card(id=raw, error=f"{text('invalid', lang)}: {exc.detail}", error_kind="invalid")
    t = view.tracked
    info = statuses()[t.status]
    timeline = []
    flags = view.retracted or (False,) * len(view.timeline)
    for e, retracted in zip(reversed(view.timeline), reversed(flags), strict=True):
        code = event_code(e.code)
        timeline.append({
            "retracted": "retracted" if retracted else "",
            "code": e.code,
            "time": local_time(e.occurred_at),
            "text": code.names.get(lang, code.names["en"]) if code else e.code,
            "place": place_name(platform, e.office, e.location, lang),
        })
    return Card(
        id=t.object_id, status=t.status.value,
        status_text=info.names.get(lang, info.names["en"]),
        last_place=place_name(platform, t.last_office, t.last_location, lang),
        eta=view.eta.strftime("%Y-%m-%d") if view.eta else None,
        eta_iso=view.eta.isoformat() if view.eta else None,
        stuck=view.stuck, timeline=timeline, notices=_notices_for(platform, view, lang),
    )


@router.get("/track", response_class=HTMLResponse)
def track_page(
    request: Request,
    platform: PlatformDep,
    ids: Annotated[list[str], Query(alias="id")] = [],  # noqa: B006 - FastAPI query list
    lang: str | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """Parcels by tracking number, in the visitor's language."""
    chosen = negotiate(lang, accept_language)
    wanted = [i for raw in ids for i in re.split(r"[\s,;]+", raw) if i][:MAX_IDS]
    cards = [card_for(platform, i, chosen) for i in wanted]

    def query_for(code: str) -> str:
        return urlencode([("id", i) for i in wanted] + [("lang", code)])

    html = TEMPLATES.get_template("track.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES, cards=cards,
        raw_ids=" ".join(wanted), query_for=query_for,
    )
    return HTMLResponse(html, headers={"Content-Language": chosen, "Vary": "Accept-Language"})
