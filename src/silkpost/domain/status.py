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
keeps its read model with the same two maxima (see :func:`order_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from silkpost.domain.codes import Status, event_codes, statuses
from silkpost.domain.events import TrackingEvent, to_epoch_us

ID_REUSE_GAP = timedelta(days=365)
ID_REUSE_GAP_US = ID_REUSE_GAP // timedelta(microseconds=1)


def _code_ranks() -> dict[str, tuple[int, bool, Status]]:
    infos = statuses()
    ordered = sorted(event_codes().values(), key=lambda c: c.code)
    # 64 code slots per rank and 16 ranks keep the key below 1024 per microsecond.
    if len(ordered) > 64 or max(i.rank for i in infos.values()) > 15:
        raise RuntimeError("the event code table outgrew order_key: widen its bit layout")
    return {
        c.code: (infos[c.status].rank * 64 + i, infos[c.status].terminal, c.status)
        for i, c in enumerate(ordered)
    }


_RANKS = _code_ranks()


def order_key(occurred_us: int, code: str) -> int:
    """A single integer that orders events by time, then by step in the process, then by code.

    It fits a signed 64-bit column until the year 2255, so a database can keep the maximum.
    """
    return occurred_us * 1024 + _RANKS[code][0]


def implied_status(code: str) -> Status:
    """The status an event code puts an object in."""
    return _RANKS[code][2]


def is_terminal(code: str) -> bool:
    """True if the code ends the item's life (delivered, returned)."""
    return _RANKS[code][1]


def code_facts() -> dict[str, tuple[int, bool, str]]:
    """Per event code: the tie-break bits of :func:`order_key`, terminal or not, the status.

    For hot loops over many events (the store's read-model fold): one dict lookup instead of
    three calls, and the status as its plain string value.
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


def stuck_threshold(status: Status) -> timedelta | None:
    """How long an object may stay in ``status`` before it counts as stuck."""
    hours = statuses()[status].stuck_after_hours
    return None if hours is None else timedelta(hours=hours)


def in_time_order(events: Iterable[TrackingEvent]) -> list[TrackingEvent]:
    """Events sorted as a timeline: by occurrence, then by step in the process.

    The sort is stable, so events that tie completely keep their stored order.
    """
    return sorted(events, key=lambda e: order_key(e.occurred_us, e.code))


def derive(events: Iterable[TrackingEvent]) -> Standing | None:
    """The standing of an object from its events, in any order; None when it has none."""
    latest: TrackingEvent | None = None
    latest_key = terminal_key = -1
    terminal: TrackingEvent | None = None
    for e in events:
        key = order_key(e.occurred_us, e.code)
        if key > latest_key:
            latest, latest_key = e, key
        if is_terminal(e.code) and key > terminal_key:
            terminal, terminal_key = e, key
    if latest is None:
        return None
    status = effective_status(
        latest_key,
        implied_status(latest.code),
        terminal_key if terminal else None,
        implied_status(terminal.code) if terminal else None,
    )
    return Standing(status=status, last_event=latest)


def lives(timeline: Sequence[TrackingEvent]) -> list[list[TrackingEvent]]:
    """Split a time-ordered timeline where more than a year passes between two events.

    Each part is one item's life under a reused S10 id; the last part is the current item.
    """
    parts: list[list[TrackingEvent]] = []
    previous_us: int | None = None
    for e in timeline:
        us = to_epoch_us(e.occurred_at)
        if previous_us is None or us - previous_us > ID_REUSE_GAP_US:
            parts.append([])
        parts[-1].append(e)
        previous_us = us
    return parts
