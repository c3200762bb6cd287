"""Acceptance security at an office (see :mod:`silkpost.domain.acceptance`): the controls
recorded as events with their operator and outcome, a suspect item or a blacklisted sender
held in the office's hold area for security, and the decision on it (released, returned).

Each call is one transaction over a batch (a counter's one parcel, a hub's truckload): the
events, the items' acceptance records the export dispatch gate reads, and the holds, releases
and returns (the office's own, :func:`~silkpost.office.service.hold_here` and the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from silkpost.domain.acceptance import (
    CONTENT_CHECKED,
    HELD,
    IDENTITY_CHECKED,
    RELEASED,
    RETURNED,
    XRAYED,
    AcceptanceCheck,
    Decision,
    Outcome,
    check_operator,
)
from silkpost.domain.blacklist import Blacklist
from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent
from silkpost.domain.office import HoldReason, check_item_id
from silkpost.errors import InvalidRequest, invalid_request
from silkpost.network.corridor import Network
from silkpost.office.acceptance_ports import AcceptanceRecord
from silkpost.office.errors import OfficeConflict
from silkpost.office.ports import ItemState, OfficeUnitOfWork
from silkpost.office.service import (
    ItemIn,
    Office,
    Routes,
    hold_here,
    office_event,
    office_of,
    record,
    release_here,
    return_here,
    scan_time,
)
from silkpost.tracking.ports import Clock

NOTE_MAX = 500
LISTED = 20  # items a refusal names before "and N more"


@dataclass(frozen=True, slots=True)
class Accepted:
    """What the controls of one item came to: held (and why) or free to go on."""

    item_id: str
    held: bool
    reasons: tuple[str, ...] = ()


def record_checks(code: str, checks: Sequence[AcceptanceCheck], *, operator: str,
                  at: datetime | None = None, source: str, network: Network,
                  uow: OfficeUnitOfWork, clock: Clock, blacklist: Blacklist | None = None
                  ) -> list[Accepted]:
    """Record the controls of a batch of items at office ``code`` by ``operator``: an event
    for each control done (identity SKI, content SKC, X-ray SKX, with the outcome), and for
    an item with a suspect outcome or a blacklisted sender, SKH and a hold for security."""
    office = office_of(network, code)
    with invalid_request():
        operator = check_operator(operator)
        checks = [c if c.item_id == (i := check_item_id(c.item_id)) else replace(c, item_id=i)
                  for c in checks]
        for c in checks:
            if len(c.note) > NOTE_MAX:
                raise InvalidRequest(f"item {c.item_id}: a note has at most {NOTE_MAX} "
                                     "characters", field="note")
    ids = [c.item_id for c in checks]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidRequest(f"an item's controls come once a batch: {', '.join(twice)}",
                             field="checks")
    when = scan_time(at, clock)
    events: list[TrackingEvent] = []
    answers: list[Accepted] = []
    held: list[tuple[str, str]] = []
    with uow:
        before = uow.acceptance.records(ids)
        records = []
        for c in checks:
            found = before.get(c.item_id) or AcceptanceRecord(c.item_id, office.code)
            found = replace(found, office=office.code)
            if c.sender is not None:
                events.append(_event(office, c.item_id, IDENTITY_CHECKED, when, source,
                                     {"operator": operator, "identity": c.sender.kind.value}))
                found = replace(found, sender=c.sender.key)
            if c.content is not None:
                events.append(_event(office, c.item_id, CONTENT_CHECKED, when, source,
                                     {"operator": operator, "outcome": c.content.value}))
                found = replace(found, content_at=when, content_operator=operator,
                                content_outcome=c.content.value)
            if c.xray is not None:
                events.append(_event(office, c.item_id, XRAYED, when, source,
                                     {"operator": operator, "outcome": c.xray.value}))
                found = replace(found, xray_at=when, xray_operator=operator,
                                xray_outcome=c.xray.value)
            records.append(found)
            reasons = _hold_reasons(c, blacklist)
            if reasons:
                why = "; ".join(reasons) + (f" ({c.note})" if c.note else "")
                events.append(_event(office, c.item_id, HELD, when, source,
                                     {"operator": operator, "reason": why}))
                held.append((c.item_id, why))
            answers.append(Accepted(c.item_id, bool(reasons), reasons))
        uow.acceptance.put_records(records)
        routes = Routes(office, network)
        for item_id, why in held:
            hold_here(uow, office, [item_id], HoldReason.SECURITY, why[:NOTE_MAX], when,
                      source, routes, events)
        record(events, uow, clock)
        uow.commit()
    return answers


def decide(code: str, item_ids: Sequence[str], decision: Decision | str, *, operator: str,
           note: str = "", at: datetime | None = None, source: str, network: Network,
           uow: OfficeUnitOfWork, clock: Clock) -> list[str]:
    """Decide on items held by acceptance security: released (SKR, and sorted again from
    the hold area) or returned to their sender (SKT, and the office's return). Every item
    must be held for security here; otherwise nothing is written and the error names them."""
    office = office_of(network, code)
    with invalid_request():
        operator = check_operator(operator)
        item_ids = list(dict.fromkeys(check_item_id(i) for i in item_ids))
    try:
        decided = Decision(str(decision).strip().lower())
    except ValueError:
        raise InvalidRequest(f"a decision is one of {', '.join(d.value for d in Decision)}, "
                             f"not {decision!r}", field="decision") from None
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidRequest(f"a note has at most {NOTE_MAX} characters", field="note")
    if not item_ids:
        raise InvalidRequest("name at least one item", field="item_id")
    when = scan_time(at, clock)
    events: list[TrackingEvent] = []
    payload = {"operator": operator, **({"reason": note} if note else {})}
    with uow:
        not_held = [i for i in item_ids if not _held_for_security(uow, office.code, i)]
        if not_held:
            raise OfficeConflict(f"{_named(not_held)} not held by acceptance security at "
                                 f"{office.code}", field="item_id")
        routes = Routes(office, network)
        code_ = RELEASED if decided is Decision.RELEASED else RETURNED
        events.extend(_event(office, i, code_, when, source, payload) for i in item_ids)
        if decided is Decision.RELEASED:
            release_here(uow, office, [ItemIn(i) for i in item_ids], when, source, routes,
                         events)
        else:
            for item_id in item_ids:
                return_here(uow, office, item_id, note or "acceptance security", when,
                            source, routes, events)
        record(events, uow, clock)
        uow.commit()
    return item_ids


def missing_checks(uow: OfficeUnitOfWork, item_ids: Sequence[str]) -> str | None:
    """Why these items may not leave in an export dispatch (some lack their content check
    or X-ray, named), or None: the gate's one sentence."""
    missing = uow.acceptance.unchecked(item_ids)
    if not missing:
        return None
    return f"{_named(missing)} lack their content check or X-ray (record them first)"


def _hold_reasons(check: AcceptanceCheck, blacklist: Blacklist | None) -> tuple[str, ...]:
    reasons = []
    if check.content is Outcome.SUSPECT:
        reasons.append("content check found something to look at")
    if check.xray is Outcome.SUSPECT:
        reasons.append("X-ray found something to look at")
    if blacklist is not None and check.sender is not None:
        barred = blacklist.entry(check.sender)
        if barred is not None:
            reasons.append(f"sender on the blacklist: {barred.reason}")
    return tuple(reasons)


def _held_for_security(uow: OfficeUnitOfWork, office: str, item_id: str) -> bool:
    item = uow.office.item(office, item_id)
    return (item is not None and item.state == ItemState.HELD
            and item.hold_reason is HoldReason.SECURITY)


def _named(items: Sequence[str]) -> str:
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return f"{len(items)} item{'s' if len(items) != 1 else ''} ({', '.join(items[:LISTED])}{more})"


def _event(office: Office, item_id: str, code: str, when: datetime, source: str,
           payload: dict[str, str]) -> TrackingEvent:
    return office_event(office, ObjectKind.ITEM, item_id, code, when, source, payload)
