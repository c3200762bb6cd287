"""One parcel on the public tracking page: the step bar, days in transit, the latest event
first, the history folded away, advice after a failed delivery attempt, and the notices that
can still concern it.

A card renders what ``tracking.service.track`` returns (the API's own call) and shows nothing
personal or partner-private: no payloads, no sources, places by name, times as scanned. An id
that is no id is explained in the page's language without the domain's own message, which may
name the right check digit (a guessing aid for anyone enumerating parcels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from silkpost.bootstrap import NoticesUnavailable, Platform
from silkpost.domain import s10
from silkpost.domain.codes import event_code, statuses, terminal_statuses
from silkpost.domain.errors import InvalidChecksum, InvalidComponent
from silkpost.domain.events import TrackingEvent
from silkpost.domain.objects import OPAQUE_MAX, OPAQUE_MIN
from silkpost.domain.retractions import is_retraction
from silkpost.domain.steps import STEPS, Progress, StepState, after, progress
from silkpost.network.eta import route_ahead
from silkpost.notices.service import notices_concerning
from silkpost.tracking.service import InvalidObjectId, ObjectNotFound, ObjectView, track
from silkpost.web.i18n import text
from silkpost.web.numbers import number
from silkpost.web.places import local_time, notice_lines, place_name

SHOWN_ID_CHARS = 40  # a pasted paragraph is not echoed whole


@dataclass
class Card:
    """One parcel as the page shows it."""

    id: str
    error: list[str] = field(default_factory=list)  # sentences saying what is wrong
    error_kind: str | None = None
    status: str = ""
    status_text: str = ""
    last_place: str = ""
    eta: str | None = None
    eta_iso: str | None = None
    stuck: bool = False
    steps: list[dict[str, str]] = field(default_factory=list)
    step_state: str = ""
    days: str = ""
    latest: dict[str, str] | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    history_count: str = ""
    attempt: str | None = None
    notices: list[dict[str, Any]] = field(default_factory=list)


def shown_id(raw: str) -> str:
    """The id as the visitor typed it, cut when it is far longer than any id."""
    return raw if len(raw) <= SHOWN_ID_CHARS else raw[:SHOWN_ID_CHARS] + "…"


def invalid_id_text(exc: InvalidObjectId, lang: str) -> list[str]:
    """What is wrong with an id, in ``lang``, and what a tracking number looks like."""
    fault = exc.fault
    shape = text("id_shape", lang).format(letters=number(s10.LETTERS, lang),
                                          digits=number(s10.SERIAL_DIGITS, lang))
    if isinstance(fault, InvalidChecksum):
        return [text("invalid_id", lang), text("id_checksum", lang), shape]
    if isinstance(fault, InvalidComponent):
        return [text("invalid_id", lang), text("id_country", lang), shape]
    other = text("id_other", lang).format(least=number(OPAQUE_MIN, lang),
                                          most=number(OPAQUE_MAX, lang))
    return [text("invalid_id", lang), shape, other]


def step_bar(shown: Progress, lang: str) -> list[dict[str, str]]:
    """The six steps with their state: done, ahead, or the step reached (``current``: with
    the parcel's state there, held or returned; done once delivered)."""
    bar = []
    for step in STEPS:
        if shown.step is None or after(step, shown.step):
            state = "ahead"
        elif step is shown.step:
            state = "current" if shown.state is StepState.MOVING else shown.state.value
        else:
            state = "done"
        bar.append({"step": step.value, "label": text(f"step_{step.value}", lang),
                    "state": state, "current": "step" if step is shown.step else ""})
    return bar


def _line(platform: Platform, e: TrackingEvent, retracted: bool, lang: str) -> dict[str, str]:
    code = event_code(e.code)
    return {"retracted": "retracted" if retracted else "", "code": e.code,
            "time": local_time(e.occurred_at),
            "text": code.names.get(lang, code.names["en"]) if code else e.code,
            "place": place_name(platform, e.office, e.location, lang)}


def _notices_for(platform: Platform, view: ObjectView, lang: str) -> list[dict[str, Any]]:
    """Active notices that can still concern the parcel: about where it is now or the places
    and services still ahead; none once it is delivered or returned."""
    tracked = view.tracked
    if tracked.status in terminal_statuses():
        return []
    ahead, services = route_ahead(platform.network, tracked, now=platform.clock.now())
    nodes = [tracked.last_office] if tracked.last_office else []
    try:
        found = notices_concerning(nodes=dict.fromkeys(nodes + ahead), services=services,
                                   uow=platform.notice_uow(), clock=platform.clock, limit=5)
    except NoticesUnavailable:
        return []
    return notice_lines(found, lang, platform.network)


def card_for(platform: Platform, raw: str, lang: str) -> Card:
    """Look one id up through the tracking service (other errors reach the page's handler)."""
    try:
        view = track(raw, uow=platform.uow(), clock=platform.clock, eta=platform.eta)
    except ObjectNotFound:
        return Card(id=shown_id(raw), error=[text("not_found", lang)], error_kind="not_found")
    except InvalidObjectId as exc:
        return Card(id=shown_id(raw), error=invalid_id_text(exc, lang), error_kind="invalid")
    t = view.tracked
    info = statuses()[t.status]
    flags = view.retracted or (False,) * len(view.timeline)
    newest_first = list(zip(reversed(view.timeline), reversed(flags), strict=True))
    lines = [_line(platform, e, gone, lang) for e, gone in newest_first]
    # The latest event that counts goes first: not a retraction, nor one it took back.
    first = next((n for n, (e, gone) in enumerate(newest_first)
                  if not gone and not is_retraction(e.code)), None)
    history = lines if first is None else lines[:first] + lines[first + 1:]
    shown = progress(view.timeline, t.status)
    days = shown.days_in_transit(platform.clock.now())
    attempt = None
    if shown.attempted is not None:
        office = place_name(platform, shown.attempted.office, shown.attempted.location, lang)
        attempt = text("attempt_advice", lang).format(office=office)
    return Card(
        id=t.object_id, status=t.status.value,
        status_text=info.names.get(lang, info.names["en"]),
        last_place=place_name(platform, t.last_office, t.last_location, lang),
        eta=view.eta.strftime("%Y-%m-%d") if view.eta else None,
        eta_iso=view.eta.isoformat() if view.eta else None,
        stuck=view.stuck, steps=step_bar(shown, lang), step_state=shown.state.value,
        days=number(days, lang, 0) if days is not None else "",
        latest=None if first is None else lines[first],
        history=history, history_count=number(len(history), lang), attempt=attempt,
        notices=_notices_for(platform, view, lang),
    )
