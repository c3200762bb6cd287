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
from silkpost.domain.partners import Scope
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
    offset: int = 0  # rows skipped after ``after`` (a page by its number, for the dashboard)
    seen_by: Scope | None = None  # only the objects this partner sees (events sent or scanned)


class Appendable(Protocol):
    """Where another capability's events go inside its own transaction (see record_in)."""

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        ...


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

    def changes(self, after: int, *, limit: int, seen_by: Scope | None = None
                ) -> list[tuple[int, TrackingEvent]]:
        """Events stored after position ``after``, in the order stored, with their positions
        (the change feed); with ``seen_by``, only the events of objects that partner sees by
        their events (:meth:`Scope.sees_event`)."""
        ...

    def high_water_mark(self) -> int:
        """The log's position: it grows with every stored event (cheap to read)."""
        ...


class EventAppender(Protocol):
    """Stores batches of validated events, in the order given, each one transaction.

    A batch may still be being stored when ``append`` returns (the store decides how: in-line,
    or beside the caller); what is stored is always a run of whole batches from the first, and
    the first failure is raised by a later call.
    """

    def append(self, events: Sequence[TrackingEvent]) -> None:
        """Hand over a batch (may wait while the store catches up)."""
        ...

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of each batch committed since last asked; does not wait."""
        ...

    def close(self) -> list[tuple[int, int]]:
        """Wait until every batch is committed; (events, new) of those not yet told."""
        ...

    def abort(self) -> None:
        """Stop after the batches already handed over, without reporting on them."""
        ...


class UnitOfWork(Transaction, Protocol):
    """One transaction: rolled back on leaving unless committed."""

    @property
    def events(self) -> EventLog:
        """The event log inside this transaction."""
        ...

    def appender(self, *, in_line: bool = False) -> EventAppender:
        """The event log's appender for a stream of batches, each committed on its own.

        Used outside any transaction of this unit of work. ``in_line`` keeps the storing in
        the calling thread, where a store would otherwise hand a large stream to a helper
        process (a server's requests: see :func:`silkpost.tracking.service.ingest`).
        """
        ...


class Clock(Protocol):
    """Where 'now' comes from: the wall clock, or the simulator's clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...
