"""Status derivation: the state machine of an item, as a fold over its events.

The process an item goes through::

    accepted → in_transit → at_office_of_exchange → held_by_customs → released → departed
             → handed_over → at_destination → out_for_delivery → delivered
    (any step) → exception (a hold, a failed delivery attempt, damage; left by the next event)
    (any step) → returned (return to sender)

Every event code implies one status (``tables/event_codes.csv``). The status of an object is
the status implied by its **latest** event, ordered by when it happened (ties: the later step in
the process wins), except that a **terminal** status (delivered, returned) holds once reached:
a late scan from a sorting machine does not un-deliver a parcel. A terminal status stops holding
when the object's latest event is more than a year after it: S10 ids are reused after 12 months,
and such an event belongs to a new item under the old id.

Because "latest event" and "latest terminal event" are both maxima, the derivation does not
depend on the order events arrive in, and applying an event twice changes nothing. The store
keeps its read model with the same two maxima (see :func:`order_key`). Two events that tie on
the order key (same instant and code, other place) are ordered by location, office and UTC
offset (:func:`event_rank`, one total order on the event's own fields, which timelines sort
by too), so the last known place and the timeline do not depend on arrival order either.

A **retraction** takes the event it names out of every fold here (status, last place, first
time, destination); it implies no status itself (:mod:`silkpost.domain.retractions`).

The **destination** of an object is the payload destination of its earliest event that carries
one (by :func:`order_key`; ties: the smallest destination code): the one declared at posting,
whatever a later scan or a late partner file says.

**Lives.** An event opens a new life of the id when it comes more than a year after the
previous event, or more than a year after the last terminal event of the current life
(:func:`lives`). The current life's status is then exactly :func:`effective_status` of the
two maxima: events at day 0 (posted), 1 (delivered), 200 and 400 are two lives, and the
status is that of the day-400 event.

:func:`track` is the whole read model of one object from its events; every store keeps the
same record (a contract test compares them field by field).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from silkpost.domain.codes import ObjectKind, Status, event_codes, statuses
from silkpost.domain.events import TrackingEvent, from_epoch_us
from silkpost.domain.retractions import live, retracted_in
from silkpost.domain.tracked import TrackedObject

ID_REUSE_GAP = timedelta(days=365)
ID_REUSE_GAP_US = ID_REUSE_GAP // timedelta(microseconds=1)


# The codes of the table up to this one took their order-key slots in code order (the rule
# before 5 December 2026); every row after it takes the next slot in table order, so a code
# appended at the table's end never moves the slot of a code stored before.
LAST_CODE_IN_CODE_ORDER = "SZR"


def _code_ranks() -> tuple[dict[str, int], dict[str, tuple[int, bool, Status]]]:
    infos = statuses()
    table = list(event_codes().values())
    cut = next(i for i, c in enumerate(table) if c.code == LAST_CODE_IN_CODE_ORDER) + 1
    ordered = sorted(table[:cut], key=lambda c: c.code) + table[cut:]
    # 64 code slots per rank and 16 ranks keep the key below 1024 per microsecond. Stores
    # keep order keys, so a code's slot must never move: a new code is appended at the
    # table's end (its slot follows every other's), or comes with a migration of the stored
    # keys (a test pins them).
    if len(ordered) > 64 or max(i.rank for i in infos.values()) > 15:
        raise RuntimeError("the event code table outgrew order_key: widen its bit layout")
    # A retraction implies no status: it orders at rank 0, before any step at its instant.
    bits = {c.code: (0 if c.status is None else infos[c.status].rank) * 64 + i
            for i, c in enumerate(ordered)}
    return bits, {c.code: (bits[c.code], infos[c.status].terminal, c.status)
                  for c in ordered if c.status is not None}


_BITS, _RANKS = _code_ranks()


def order_key(occurred_us: int, code: str) -> int:
    """A single integer that orders events by time, then by step in the process, then by code.

    It fits a signed 64-bit column until the year 2255, so a database can keep the maximum.
    """
    return occurred_us * 1024 + _BITS[code]


def implied_status(code: str) -> Status:
    """The status an event code puts an object in."""
    return _RANKS[code][2]


def is_terminal(code: str) -> bool:
    """True if the code ends the item's life (delivered, returned)."""
    facts = _RANKS.get(code)
    return facts is not None and facts[1]


def code_facts() -> dict[str, tuple[int, bool, str]]:
    """Per event code: the tie-break bits of :func:`order_key`, terminal or not, the status.

    For hot loops over many events (the store's read-model fold): one dict lookup instead of
    three calls, and the status as its plain string value. Retraction codes imply no status
    and are not in it: folds leave them out.
    """
    return {code: (bits, terminal, status.value) for code, (bits, terminal, status)
            in _RANKS.items()}


_S = TypeVar("_S", Status, str)


def effective_status(
    latest_key: int,
    latest_status: _S,
    terminal_key: int | None,
    terminal_status: _S | None,
) -> _S:
    """The status given the latest event and the latest terminal event (see module docstring).

    Statuses may be given as :class:`Status` or as their string values; the answer is one of
    the two given.
    """
    if terminal_status is not None and terminal_key is not None:
        gap_us = (latest_key >> 10) - (terminal_key >> 10)
        if gap_us <= ID_REUSE_GAP_US:
            return terminal_status
    return latest_status


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an object stands: its status and its last known event and place."""

    status: Status
    last_event: TrackingEvent

    @property
    def last_location(self) -> str | None:
        """UN/LOCODE of the last known place."""
        return self.last_event.location

    @property
    def last_office(self) -> str | None:
        """Office or node code of the last known place."""
        return self.last_event.office

    def is_stuck(self, now: datetime) -> bool:
        """True when nothing happened for longer than the threshold of the current step."""
        return is_stuck(self.status, self.last_event.occurred_at, now)


def is_stuck(status: Status, last_at: datetime, now: datetime) -> bool:
    """True when an object in ``status`` since ``last_at`` has overstayed that step."""
    hours = statuses()[status].stuck_after_hours
    return hours is not None and now - last_at > timedelta(hours=hours)


def event_rank(e: TrackingEvent) -> tuple[int, str, str, int, str, str]:
    """The one total order of an object's events, on the event's own fields only.

    By :func:`order_key` (time, step, code), then location, office, UTC offset, source and
    event id (missing ones as empty). Timelines sort by it and the fold's "latest event" is
    its maximum, so neither depends on arrival order. Since the log stores an object's event
    once per (code, time, location, office) (:func:`silkpost.domain.events.idempotency_key`),
    two stored events never tie on the first three fields; the rest only keep the order total
    for any list of events (one that was never stored, a test's).
    """
    return (*latest_rank(order_key(e.occurred_us, e.code), e.location, e.office, _offset_min(e)),
            e.source, e.event_id or "")


def in_time_order(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    """Events sorted as a timeline, by :func:`event_rank`: the same whatever their arrival."""
    return sorted(events, key=event_rank)


def latest_rank(key: int, location: str | None, office: str | None, offset_min: int
                ) -> tuple[int, str, str, int]:
    """The leading fields of :func:`event_rank` from stored values: the order key, then
    location, office and UTC offset (missing places as empty). The SQL read model keeps its
    latest event by this (its rows hold no source or event id, which never decide there)."""
    return key, location or "", office or "", offset_min


def _offset_min(e: TrackingEvent) -> int:
    delta = e.occurred_at.utcoffset()
    return 0 if delta is None else int(delta.total_seconds()) // 60


def payload_destination(e: TrackingEvent) -> str | None:
    """The destination an event's payload names, if any (an empty one names none)."""
    destination = e.payload.get("destination") if e.payload else None
    return str(destination) if destination else None


def destination_of(events: Iterable[TrackingEvent]) -> str | None:
    """The object's destination: that of its earliest event naming one (module docstring)."""
    best: tuple[int, str] | None = None
    for e in events:
        destination = payload_destination(e)
        if destination is not None:
            candidate = (order_key(e.occurred_us, e.code), destination)
            if best is None or candidate < best:
                best = candidate
    return None if best is None else best[1]


def derive(events: Iterable[TrackingEvent]) -> Standing | None:
    """The standing of an object from its events, in any order; None when none counts.

    Retractions and the events they retract do not count (:mod:`silkpost.domain.retractions`).
    """
    latest: TrackingEvent | None = None
    latest_rank_: tuple[int, str, str, int, str, str] | None = None
    terminal_key = -1
    terminal: TrackingEvent | None = None
    for e in live(list(events)):
        rank = event_rank(e)
        if latest_rank_ is None or rank > latest_rank_:
            latest, latest_rank_ = e, rank
        if is_terminal(e.code) and rank[0] > terminal_key:
            terminal, terminal_key = e, rank[0]
    if latest is None or latest_rank_ is None:
        return None
    status = effective_status(
        latest_rank_[0],
        implied_status(latest.code),
        terminal_key if terminal else None,
        implied_status(terminal.code) if terminal else None,
    )
    return Standing(status=status, last_event=latest)


def track(events: Sequence[TrackingEvent]) -> TrackedObject | None:
    """The read-model record of one object from all its stored events; None when none counts.

    Retractions and the events they retract are left out, except from ``updated_at``: when
    the hub last received an event of it (the occurrence when no receipt time is known).
    ``first_at`` is its earliest occurrence, in UTC.
    """
    counted = live(events)
    standing = derive(counted)
    if standing is None:
        return None
    last = standing.last_event
    first_us = min(e.occurred_us for e in counted)
    updated = max(e.received_at or e.occurred_at for e in events)
    return TrackedObject(
        object_kind=ObjectKind(last.object_kind), object_id=last.object_id,
        status=standing.status, last_code=last.code, last_at=last.occurred_at,
        last_location=last.location, last_office=last.office,
        first_at=from_epoch_us(first_us),
        destination=destination_of(counted), updated_at=updated,
    )


def lives(timeline: Sequence[TrackingEvent]) -> list[list[TrackingEvent]]:
    """Split a time-ordered timeline into the lives of a reused S10 id (module docstring).

    The last part is the current item; its status is :func:`effective_status` of the whole
    timeline's maxima.
    """
    parts: list[list[TrackingEvent]] = []
    previous_us: int | None = None
    terminal_us: int | None = None
    taken = retracted_in(timeline)  # a retracted delivery ends no life
    for e in timeline:
        us = e.occurred_us
        if (previous_us is None or us - previous_us > ID_REUSE_GAP_US
                or (terminal_us is not None and us - terminal_us > ID_REUSE_GAP_US)):
            parts.append([])
            terminal_us = None
        parts[-1].append(e)
        previous_us = us
        if is_terminal(e.code) and not (taken and taken.names(e.code, us, e.event_id)):
            terminal_us = us
    return parts
