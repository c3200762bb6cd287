"""The public tracking page (``/track?id=...&lang=...``) and what every page shares: the
templates and the static files (place names and times: :mod:`silkpost.web.places`).

Several ids may be pasted at once: up to :data:`MAX_ACCEPTED` are read (the rest are named as
left out, not silently dropped), shown :data:`MAX_IDS` to a page with links to the others. Every
answer of ``/track`` is an HTML page in the visitor's language, errors included: the public
page never answers with a traceback or problem+json.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from silkpost.api.access import PUBLIC
from silkpost.api.deps import PlatformDep
from silkpost.bootstrap import Platform
from silkpost.errors import SilkpostError
from silkpost.web.cards import Card, card_for
from silkpost.web.i18n import LANG_NAMES, negotiate, text
from silkpost.web.numbers import number
from silkpost.web.places import local_time, notice_lines, place_name

__all__ = ["MAX_ACCEPTED", "MAX_IDS", "TEMPLATES", "local_time", "notice_lines", "place_name",
           "router", "static_files"]

log = logging.getLogger("silkpost.web")
_HERE = Path(str(files("silkpost.web")))
TEMPLATES = Environment(loader=FileSystemLoader(_HERE / "templates"),
                        autoescape=select_autoescape(["html"]))
MAX_IDS = 20  # parcels on one page
MAX_ACCEPTED = 200  # ids read from one request at all; the rest are named as left out

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[PUBLIC])


def static_files() -> StaticFiles:
    """The page assets, served from the package (no CDN)."""
    return StaticFiles(directory=_HERE / "static")


def pasted_ids(raw: list[str]) -> list[str]:
    """The ids in the query, split on spaces, commas and semicolons, each once, in order."""
    ids = [i for part in raw for i in re.split(r"[\s,;]+", part) if i]
    return list(dict.fromkeys(ids))


def page_number(raw: str | None, pages: int) -> int | None:
    """The 1-based page asked for, or None when it is no page of these results."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= pages:
        return None
    return int(raw)


def _render(chosen: str, cards: list[Card], *, status: int = 200,
            query_for: Callable[[str], str] = lambda code: urlencode({"lang": code}),
            **extra: Any) -> HTMLResponse:
    html = TEMPLATES.get_template("track.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES, cards=cards,
        query_for=query_for, **({"raw_ids": "", "messages": [], "paging": None} | extra),
    )
    return HTMLResponse(html, status_code=status,
                        headers={"Content-Language": chosen, "Vary": "Accept-Language"})


@router.get("/track", response_class=HTMLResponse)
def track_page(
    request: Request,
    platform: PlatformDep,
    ids: Annotated[list[str], Query(alias="id")] = [],  # noqa: B006 - FastAPI query list
    lang: str | None = None,
    page: str | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """Parcels by tracking number, in the visitor's language, a page of them at a time."""
    chosen = negotiate(lang, accept_language)
    try:
        return _track(platform, ids, chosen, page)
    except Exception as exc:  # answered as a page; the log has the traceback under the id
        if isinstance(exc, SilkpostError) and exc.kind == "unavailable":
            log.warning("tracking page unavailable: %s", exc.code)
            return _render(chosen, [], status=503, messages=[text("unavailable", chosen)])
        ref = getattr(request.state, "request_id", "-")
        log.error("unexpected error on the tracking page, request %s", ref, exc_info=exc)
        return _render(chosen, [], status=500,
                       messages=[text("server_error", chosen).format(ref=ref)])


def _track(platform: Platform, ids: list[str], chosen: str, page: str | None) -> HTMLResponse:
    everything = pasted_ids(ids)
    wanted = everything[:MAX_ACCEPTED]
    pages = max(1, -(-len(wanted) // MAX_IDS))
    messages = []
    if len(everything) > MAX_ACCEPTED:
        messages.append(text("too_many", chosen).format(
            most=number(MAX_ACCEPTED, chosen), left=number(len(everything) - MAX_ACCEPTED, chosen)))
    current = page_number(page, pages)
    if current is None:
        messages.append(text("bad_page", chosen))
        current = 1
    first = (current - 1) * MAX_IDS
    cards = [card_for(platform, i, chosen) for i in wanted[first:first + MAX_IDS]]

    def link(code: str, to: int = current) -> str:
        pairs = [("id", " ".join(wanted)), ("lang", code)]
        return urlencode(pairs + ([("page", str(to))] if to > 1 else []))

    paging = None
    if len(wanted) > MAX_IDS:
        paging = {
            "text": text("showing", chosen).format(
                first=number(first + 1, chosen),
                last=number(first + len(cards), chosen), total=number(len(wanted), chosen)),
            "prev": link(chosen, current - 1) if current > 1 else None,
            "next": link(chosen, current + 1) if current < pages else None,
            "pages": [(number(n, chosen), link(chosen, n), n == current)
                      for n in range(1, pages + 1)],
        }
    return _render(chosen, cards, query_for=link, raw_ids=" ".join(wanted),
                   messages=messages, paging=paging)
