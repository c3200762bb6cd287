"""The tracking event: one thing that happened to one object, at one time and place.

Events are the source of truth; statuses, locations and ETAs are derived from them. Each event
has two times: when it happened (the scanner's clock, with its UTC offset) and when the platform
received it. Offline scanners and late partner files send old events, so timelines order by the
first while data-exchange freshness is measured by the second.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from hashlib import blake2b
from typing import Any, NamedTuple

from silkpost.domain.codes import ObjectKind

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class TrackingEvent(NamedTuple):
    """An event as the platform stores it.

    ``occurred_at`` is timezone-aware (the scanner's offset is kept for local display).
    ``location`` is a UN/LOCODE (the place), ``office`` the operator's office or node code there
    (an IMPC code such as CNURCA, or a network node code); both optional because a partner may
    know only one. ``event_id`` is the sender's own id for the event: kept for reference and
    for naming the event in a retraction, not for idempotency (see :func:`idempotency_key`).

    A NamedTuple rather than a frozen dataclass: it is as immutable and four times cheaper to
    build, and a million-event partner file builds a million of them.
    """

    object_kind: ObjectKind
    object_id: str
    code: str
    occurred_at: datetime
    source: str
    location: str | None = None
    office: str | None = None
    event_id: str | None = None
    payload: Mapping[str, Any] | None = None
    received_at: datetime | None = None

    @property
    def occurred_us(self) -> int:
        """Occurrence time as microseconds since the Unix epoch (UTC)."""
        return to_epoch_us(self.occurred_at)

    @property
    def utc_offset_minutes(self) -> int:
        """The scanner's UTC offset, kept so local times can be shown as they were scanned."""
        offset = self.occurred_at.utcoffset()
        if offset is None:
            raise ValueError("occurred_at must carry a UTC offset")
        return int(offset.total_seconds() // 60)


def to_epoch_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime."""
    return (moment - EPOCH) // _US


def from_epoch_us(us: int, offset_minutes: int = 0) -> datetime:
    """The aware datetime for epoch microseconds, shown at the given UTC offset."""
    return (EPOCH + timedelta(microseconds=us)).astimezone(_zone(offset_minutes))


@functools.cache
def _zone(offset_minutes: int) -> tzinfo:
    """The fixed zone of a UTC offset (few distinct ones: made once each)."""
    return UTC if offset_minutes == 0 else timezone(timedelta(minutes=offset_minutes))


def idempotency_key(
    object_kind: str,
    code: str,
    occurred_us: int,
    location: str | None,
    office: str | None,
) -> bytes:
    """The 16-byte key under which an event is stored once (per object).

    The key is the event's natural identity in the world: what happened (code), when (to the
    microsecond, whatever the offset) and where (location and office). The same scan resent
    under a new event id, or relayed by two partners, is one event; who sent it and under
    which id are not part of what happened. The store keeps keys unique per object (its one
    unique index is on object and key), so the object is not hashed in.
    """
    # The hash of n␟kind␟code␟occurred_us␟location␟office: the part before the time is hashed
    # once per kind, code and place (an import meets a few hundred), the rest per event.
    head, tail = _key_parts(object_kind, code, location, office)
    hasher = head.copy()
    hasher.update(b"%d" % occurred_us)
    hasher.update(tail)
    return hasher.digest()


@functools.lru_cache(maxsize=8192)
def _key_parts(object_kind: str, code: str, location: str | None, office: str | None
               ) -> tuple[blake2b, bytes]:
    head = blake2b(f"n\x1f{object_kind}\x1f{code}\x1f".encode(), digest_size=16)
    return head, f"\x1f{location or ''}\x1f{office or ''}".encode()


def key_of(event: TrackingEvent) -> bytes:
    """The idempotency key of a domain event."""
    return idempotency_key(event.object_kind.value, event.code, event.occurred_us,
                           event.location, event.office)
