"""The screens of an office of exchange: the scanner screen (``/office/{code}/scan``) and
the supervisor's (``/office/{code}``).

For a worker with a keyboard-wedge barcode scanner on a cheap PC or tablet: the scanner types
a label and Enter into the focused field. A 29-character label is a bag (received, and the
bag the next items come out of), anything else an item (sorted, or sent to the hold area).
The answer shows large, in a colour and with a sound of its own for each kind of trouble.

The page keeps every scan on the device, with the time it was scanned, until the server has
answered it (``static/scan.js``): when the network drops the worker goes on scanning, and the
scans are sent in order when it comes back. A scan the server stored but whose answer was
lost is sent again and found already done (the office's actions are idempotent), so each
scan is stored once, at its own time.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import HTMLResponse

from silkpost.api.access import OFFICE_STAFF_PAGE, works_at
from silkpost.api.deps import PlatformDep
from silkpost.office import deadlines
from silkpost.office.service import held_items, office_of
from silkpost.partners.service import Caller
from silkpost.web.i18n import LANG_NAMES, negotiate, text
from silkpost.web.pages import TEMPLATES

router = APIRouter(tags=["pages"], include_in_schema=False)

# The texts the script shows, by key (the page embeds them in its language).
SCRIPT_TEXTS = (
    "scan_sorted", "scan_held", "scan_unrouted", "scan_already", "scan_returned",
    "scan_announced", "scan_unannounced", "scan_duplicate", "scan_already_received",
    "scan_wrong_office", "scan_invalid", "scan_offline", "scan_pending", "scan_signin",
    "scan_surplus", "scan_weight", "scan_bag", "scan_no_bag", "scan_sent_late",
)


@router.get("/office/{code}/scan", response_class=HTMLResponse)
def scan_page(
    platform: PlatformDep,
    caller: Annotated[Caller, OFFICE_STAFF_PAGE],
    code: Annotated[str, Path(description="office code", max_length=32)],
    lang: str | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The scanner screen of one office, for its staff (and admins)."""
    chosen = negotiate(lang, accept_language)
    office = office_of(platform.network, code)
    works_at(caller, office.code)
    config = {
        "office": office.code,
        "receptacles": f"/api/v1/offices/{office.code}/receptacles",
        "items": f"/api/v1/offices/{office.code}/items",
        "texts": {key: text(key, chosen) for key in SCRIPT_TEXTS},
    }
    html = TEMPLATES.get_template("scan.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES,
        office=office.code, office_name=office.node.names.get(chosen)
        or office.node.names.get("en", office.code),
        # </script> cannot occur in JSON of these texts, but escape "<" anyway.
        config=json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))
    return HTMLResponse(html, headers={"Content-Language": chosen, "Cache-Control": "no-store"})


SHOWN = 30  # items listed per service and in the hold area


@router.get("/office/{code}", response_class=HTMLResponse)
def supervisor_page(
    platform: PlatformDep,
    caller: Annotated[Caller, OFFICE_STAFF_PAGE],
    code: Annotated[str, Path(description="office code", max_length=32)],
    lang: str | None = None,
    refresh: Annotated[int, Query(ge=0, le=3600)] = 60,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The supervisor's screen: what must still leave today per outbound service (overdue
    first, then least time left), the hold area with ages, the same-day share; it reloads
    itself every ``refresh`` seconds (0: never), no script needed."""
    chosen = negotiate(lang, accept_language)
    office = office_of(platform.network, code)
    works_at(caller, office.code)
    board = deadlines.monitor(office.code, network=platform.network,
                              uow=platform.office_reader(), clock=platform.clock, limit=SHOWN)
    share = deadlines.same_day_share(office.code, network=platform.network,
                                     uow=platform.office_reader(), clock=platform.clock)
    held = held_items(office.code, limit=SHOWN, network=platform.network,
                      uow=platform.office_reader(), clock=platform.clock)
    tz = office.node.tz
    html = TEMPLATES.get_template("office.html").render(
        lang=chosen, t=lambda key: text(key, chosen), lang_names=LANG_NAMES,
        office=office.code, office_name=office.node.names.get(chosen)
        or office.node.names.get("en", office.code), board=board, share=share, held=held,
        overdue=sum(s.overdue for s in board), waiting=sum(len(s.items) for s in board),
        refresh=refresh,
        local=lambda moment: moment.astimezone(tz).strftime("%m-%d %H:%M"),
        percent=lambda value: "–" if value is None else f"{value:.0%}")
    return HTMLResponse(html, headers={"Content-Language": chosen, "Cache-Control": "no-store"})
