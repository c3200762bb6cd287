"""Retractions: an event that says an earlier event of the same object did not happen.

Events are never edited or deleted: a forged or mistaken scan (a "delivered" keyed in on the
wrong parcel) is corrected by a further event, a retraction (the code marked ``retraction`` in
``tables/event_codes.csv``), whose payload names the event it takes back and says why::

    {"retracts": "kz-7", "reason": "scanned on the wrong parcel"}

``retracts`` names events of the **same object** in one of two ways:

- an event id (``kz-7``): every event of the object sent with that ``event_id``, from any
  source (an event id is the sender's reference, and a sender may have reused it);
- ``CODE@TIME`` (``EMI@2026-11-20T14:05:00+06:00``): every event of the object with that
  code at that instant (the offset may differ: instants are compared), at any place. This is
  how an event sent without an event id is named.

The log keeps both the retraction and the event it names; every fold (status, last place,
destination, first time) and analytics leave the named event out, and timelines show it marked
retracted. A retraction is no fact about the object itself: it implies no status and is left
out of the folds too. A retraction names events by what they are, not by when they arrived, so
the result does not depend on arrival order: a retraction stored before the event it names
takes effect when that event arrives, and one that names nothing stays without effect. A
retraction cannot itself be retracted (it names only events that are not retractions): it is
final. Who may send one is for authentication to decide (issue 17); today any sender may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from silkpost.domain.codes import Mark, codes_marked
from silkpost.domain.events import TrackingEvent, to_epoch_us

RETRACTION_CODES: frozenset[str] = frozenset(codes_marked(Mark.RETRACTION))
RETRACTS = "retracts"
REASON = "reason"


def is_retraction(code: str) -> bool:
    """True for a code that retracts another event rather than reporting one."""
    return code in RETRACTION_CODES


def check_retraction(payload: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """Why a retraction's payload is not acceptable, as (field, reason); None when it is.

    Both ``retracts`` and ``reason`` are required, as non-blank text; ``retracts`` must be an
    event id or ``CODE@TIME`` with an ISO 8601 time carrying its offset (module docstring).
    Lengths and characters are the payload typing's business (``tracking/records.py``).
    """
    payload = payload or {}
    for field in (RETRACTS, REASON):
        value = payload.get(field)
        if not isinstance(value, str) or not value.strip():
            return f"payload.{field}", f"required for a retraction ({field!r}: text)"
    ref = payload[RETRACTS]
    if "@" in ref and _natural(ref) is None:
        return (f"payload.{RETRACTS}",
                "names an event as an event id or as CODE@TIME with an ISO 8601 time and offset")
    return None


def _natural(ref: str) -> tuple[str, int] | None:
    """(code, epoch microseconds) of a ``CODE@TIME`` reference, or None if it is not one."""
    code, _, when = ref.partition("@")
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return None
    if not code or moment.utcoffset() is None:
        return None
    return code.strip().upper(), to_epoch_us(moment)


@dataclass(frozen=True, slots=True)
class Retracted:
    """The references of one object's retractions, ready to test its events against."""

    event_ids: frozenset[str]
    natural: frozenset[tuple[str, int]]

    def __bool__(self) -> bool:
        return bool(self.event_ids or self.natural)

    def names(self, code: str, occurred_us: int, event_id: str | None) -> bool:
        """True if this event (not a retraction) is one the retractions take back."""
        if code in RETRACTION_CODES:
            return False
        return (event_id is not None and event_id in self.event_ids) or (
            (code, occurred_us) in self.natural)


def retracted_by(payloads: Iterable[tuple[str, Mapping[str, Any] | None]]) -> Retracted:
    """What the retractions among one object's events take back, from (code, payload) pairs."""
    ids: set[str] = set()
    natural: set[tuple[str, int]] = set()
    for code, payload in payloads:
        if code not in RETRACTION_CODES or not payload:
            continue
        ref = payload.get(RETRACTS)
        if not isinstance(ref, str) or not ref:
            continue
        parsed = _natural(ref) if "@" in ref else None
        if parsed is not None:
            natural.add(parsed)
        else:
            ids.add(ref)
    return Retracted(frozenset(ids), frozenset(natural))


def retracted_in(events: Iterable[TrackingEvent]) -> Retracted:
    """What the retractions among one object's events take back."""
    return retracted_by((e.code, e.payload) for e in events)


def live(events: Sequence[TrackingEvent]) -> list[TrackingEvent]:
    """The events that count: neither retractions nor retracted (one object's events)."""
    taken = retracted_in(events)
    return [e for e in events if e.code not in RETRACTION_CODES
            and not (taken and taken.names(e.code, e.occurred_us, e.event_id))]


def retracted_flags(events: Sequence[TrackingEvent]) -> list[bool]:
    """Per event of one object's timeline: True when a retraction takes it back."""
    taken = retracted_in(events)
    return [bool(taken) and taken.names(e.code, e.occurred_us, e.event_id) for e in events]
