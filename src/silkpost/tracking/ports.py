"""The ports the tracking services need, as Protocols: the event log and the unit of work.

The SQL store and the in-memory fake both satisfy them by shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from silkpost.domain.codes import ObjectKind, Status
from silkpost.domain.events import TrackingEvent
from silkpost.domain.tracked import StatusCount, TrackedObject
from silkpost.transaction import Transaction


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """Filters for listing objects; ``after`` is the keyset cursor of the previous page."""

    object_kind: ObjectKind = ObjectKind.ITEM
    status: Status | None = None
    location: str | None = None
    office: str | None = None
    since: datetime | None = None
    stuck_at: datetime | None = None
    limit: int = 100
    after: tuple[int, str] | None = None


class EventLog(Protocol):
    """The append-only log of events and the read model kept beside it."""

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        ...

    def timeline(self, kind: ObjectKind, object_id: str) -> list[TrackingEvent]:
        """All events of one object (any order; callers sort)."""
        ...

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """The read-model row of one object."""
        ...

    def find(self, query: ObjectQuery) -> list[TrackedObject]:
        """Objects matching the query, most recently active first, one page."""
        ...

    def count_by_status(self, kind: ObjectKind, *, stuck_at: datetime) -> list[StatusCount]:
        """Objects of one kind per status and last place, with how many are stuck at
        ``stuck_at`` (a scan of the read model: for dashboards, not per request of a parcel)."""
        ...

    def count_events(self) -> int:
        """How many events the log holds (a full count: not for hot paths)."""
        ...

    def high_water_mark(self) -> int:
        """The log's position: it grows with every stored event (cheap to read)."""
        ...


class BatchWriter(Protocol):
    """Stores batches of events elsewhere (another process) while the caller goes on.

    Batches are stored in the order submitted, each in a transaction of its own; the first
    failure stops the writer and is raised by the next call.
    """

    def submit(self, events: Sequence[TrackingEvent]) -> None:
        """Queue a batch (may wait while too many are queued)."""
        ...

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of each batch committed since last asked; does not wait."""
        ...

    def close(self) -> list[tuple[int, int]]:
        """Wait until every batch is committed and stop; (events, new) of those not yet told."""
        ...

    def abort(self) -> None:
        """Stop after the batches already queued, without reporting on them."""
        ...


class UnitOfWork(Transaction, Protocol):
    """One transaction: rolled back on leaving unless committed."""

    @property
    def events(self) -> EventLog:
        """The event log inside this transaction."""
        ...

    def background_writer(self) -> BatchWriter | None:
        """A writer for a large import running beside the caller, or None where there is none.

        Used outside any transaction of this unit of work.
        """
        ...


class Clock(Protocol):
    """Where 'now' comes from: the wall clock, or the simulator's clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...
