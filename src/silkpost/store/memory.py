"""In-memory event log and unit of work: the fakes unit tests and quick simulations run on.

They keep the same promises as the SQL store (idempotent append, read model from the domain's
fold, rollback unless committed) with plain dicts, and are checked against the SQL store by the
same contract tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent, key_of, to_epoch_us
from silkpost.domain.status import derive, is_stuck
from silkpost.domain.tracked import TrackedObject
from silkpost.tracking.ports import ObjectQuery


class InMemoryEventLog:
    """Events in a dict by idempotency key, plus per-object lists."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, bytes], TrackingEvent] = {}
        self.by_object: dict[tuple[str, str], list[TrackingEvent]] = {}
        self.destinations: dict[tuple[str, str], str] = {}

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        new = 0
        for e in events:
            key = (e.object_id, key_of(e))
            if key in self.by_key:
                continue
            self.by_key[key] = e
            ident = (e.object_kind.value, e.object_id)
            self.by_object.setdefault(ident, []).append(e)
            if e.payload and e.payload.get("destination") and ident not in self.destinations:
                self.destinations[ident] = str(e.payload["destination"])
            new += 1
        return new

    def timeline(self, kind: ObjectKind, object_id: str) -> list[TrackingEvent]:
        """All events of one object, in arrival order."""
        return list(self.by_object.get((kind.value, object_id), []))

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """The object's standing, derived from its events."""
        events = self.by_object.get((kind.value, object_id))
        if not events:
            return None
        standing = derive(events)
        assert standing is not None
        last = standing.last_event
        first = min(events, key=lambda e: e.occurred_us)
        updated = max(e.received_at or e.occurred_at for e in events)
        return TrackedObject(
            object_kind=kind, object_id=object_id, status=standing.status,
            last_code=last.code, last_at=last.occurred_at, last_location=last.location,
            last_office=last.office, first_at=first.occurred_at,
            destination=self.destinations.get((kind.value, object_id)), updated_at=updated,
        )

    def find(self, query: ObjectQuery) -> list[TrackedObject]:
        """One page of objects, most recently active first."""
        found = []
        for kind, object_id in self.by_object:
            if kind != query.object_kind.value:
                continue
            t = self.tracked(query.object_kind, object_id)
            assert t is not None
            if query.status is not None and t.status != query.status:
                continue
            if query.location is not None and t.last_location != query.location:
                continue
            if query.office is not None and t.last_office != query.office:
                continue
            if query.since is not None and t.last_at < query.since:
                continue
            if query.stuck_at is not None and not is_stuck(t.status, t.last_at, query.stuck_at):
                continue
            found.append(t)
        found.sort(key=lambda t: (-to_epoch_us(t.last_at), t.object_id))
        if query.after is not None:
            last_us, last_id = query.after
            found = [
                t for t in found if (-to_epoch_us(t.last_at), t.object_id) > (-last_us, last_id)
            ]
        return found[: query.limit]

    def count_events(self) -> int:
        """How many events the log holds."""
        return len(self.by_key)

    def high_water_mark(self) -> int:
        """The number of events stored: the in-memory log never deletes."""
        return len(self.by_key)


class InMemoryUnitOfWork:
    """A unit of work whose commit makes the pending events visible in the shared log."""

    def __init__(self, log: InMemoryEventLog | None = None) -> None:
        self.committed_log = log or InMemoryEventLog()
        self.events = _PendingLog(self.committed_log)
        self.commits = 0

    def __enter__(self) -> Self:
        self.events = _PendingLog(self.committed_log)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def background_writer(self) -> None:
        """None: the in-memory log lives in this process only."""
        return None

    def commit(self) -> None:
        """Apply the pending events to the shared log."""
        self.committed_log.append(self.events.pending)
        self.events = _PendingLog(self.committed_log)
        self.commits += 1

    def rollback(self) -> None:
        """Forget the pending events."""
        self.events = _PendingLog(self.committed_log)


class _PendingLog(InMemoryEventLog):
    """Reads see committed events; appends wait for commit."""

    def __init__(self, committed: InMemoryEventLog) -> None:
        super().__init__()
        self.by_key = committed.by_key
        self.by_object = committed.by_object
        self.destinations = committed.destinations
        self.pending: list[TrackingEvent] = []
        self._pending_keys: set[tuple[str, bytes]] = set()

    def append(self, events: Sequence[TrackingEvent]) -> int:
        new = 0
        for e in events:
            key = (e.object_id, key_of(e))
            if key in self.by_key or key in self._pending_keys:
                continue
            self._pending_keys.add(key)
            self.pending.append(e)
            new += 1
        return new
