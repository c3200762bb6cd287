"""Tracking use cases: ingest events, show an item, list items.

These functions are the only way events enter or leave the hub: the HTTP API, the CLI
importer and the simulator all call them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, Protocol

from silkpost.domain.codes import ObjectKind, terminal_statuses
from silkpost.domain.events import TrackingEvent, to_epoch_us
from silkpost.domain.objects import validate_object_id
from silkpost.domain.status import in_time_order, is_stuck, lives
from silkpost.domain.tracked import StatusCount, TrackedObject
from silkpost.errors import InvalidRequest, NotFound
from silkpost.gcpause import gc_paused
from silkpost.tracking.fastpath import FastValidator
from silkpost.tracking.formats import Record
from silkpost.tracking.ports import BatchWriter, Clock, ObjectQuery, UnitOfWork
from silkpost.tracking.records import Problem, to_event

MAX_CLOCK_AHEAD = timedelta(hours=24)
# Below this many records an import stays in one process: starting the writer costs ~0.5 s of
# CPU, which a small import would not win back.
PARALLEL_AFTER = 50_000
EARLIEST_PLAUSIBLE = datetime.fromisoformat("2000-01-01T00:00:00+00:00")


class InvalidObjectId(InvalidRequest):
    """The id asked for cannot be an id of that kind of object."""

    code = "tracking.invalid_id"
    title = "Invalid tracking id"


class ObjectNotFound(NotFound):
    """No events were ever recorded under this id."""

    code = "tracking.not_found"
    title = "No such tracked object"


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why one record was not stored: where it was, which field, what is wrong."""

    position: int
    field: str
    reason: str


@dataclass(slots=True)
class IngestResult:
    """Counts of one ingest, and the first rejections in detail."""

    received: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return self.rejected == 0


def ingest(
    records: Iterable[Record],
    *,
    uow: UnitOfWork,
    clock: Clock,
    source: str,
    batch_size: int = 5000,
    max_listed: int = 1000,
    on_batch: Callable[[IngestResult], None] | None = None,
    parallel_after: int | None = PARALLEL_AFTER,
) -> IngestResult:
    """Validate and store events; each batch of ``batch_size`` records is one transaction.

    A bad record is rejected alone (with its position, field and reason): the good records
    around it are stored. Stored events are never changed, and an event already stored (same
    sender event id, or same object, code, time and place) counts as a duplicate.

    Once ``parallel_after`` records are handled (None: never), the remaining batches are
    stored by the store's background writer, when it has one, while the next batch is
    validated: a large file takes half the time on two cores. Batches are still stored in
    order, one transaction each; on a failure, the batches before it are stored, as in-line.
    ``on_batch`` then sees the accepted and duplicate counts a batch or two late.
    """
    if batch_size < 1:
        raise InvalidRequest("batch_size must be at least 1", field="batch_size")
    result = IngestResult()
    fast = FastValidator()
    iterator = iter(records)
    writer: BatchWriter | None = None
    try:
        while batch := list(islice(iterator, batch_size)):
            if (writer is None and parallel_after is not None
                    and result.received >= parallel_after):
                writer = uow.background_writer()
                parallel_after = None  # asked once
            with gc_paused():  # a fifth of the time otherwise (see silkpost.gcpause)
                events = _validate(batch, fast=fast, source=source, received_at=clock.now(),
                                   result=result, max_listed=max_listed)
                result.received += len(batch)
                if writer is not None:
                    writer.submit(events)
                    _count(result, writer.stored())
                else:
                    with uow:
                        new = uow.events.append(events)
                        uow.commit()
                    _count(result, [(len(events), new)])
                del events, batch
            if on_batch is not None:
                on_batch(result)
        if writer is not None:
            last = writer.close()
            writer = None
            _count(result, last)
            if last and on_batch is not None:
                on_batch(result)
    finally:
        if writer is not None:
            writer.abort()
    return result


def _validate(batch: list[Record], *, fast: FastValidator, source: str,
              received_at: datetime, result: IngestResult, max_listed: int
              ) -> list[TrackingEvent]:
    """The events of the good records of a batch; the bad ones are counted in ``result``."""
    window = (EARLIEST_PLAUSIBLE, received_at + MAX_CLOCK_AHEAD)
    events: list[TrackingEvent] = []
    keep, fast_event = events.append, fast.event
    for position, record in batch:
        # The common case inline: a plain record the fast path takes, in the time window.
        if type(record) is dict:
            event = fast_event(record, source=source, received_at=received_at, window=window)
            if event is not None:
                keep(event)
                continue
        checked = _check(record, fast=fast, source=source, received_at=received_at,
                         window=window)
        if isinstance(checked, list):
            result.rejected += 1
            for problem in checked:
                if len(result.rejections) < max_listed:
                    result.rejections.append(Rejection(position, problem.field,
                                                       problem.reason))
        else:
            keep(checked)
    return events


def _count(result: IngestResult, stored: list[tuple[int, int]]) -> None:
    for size, new in stored:
        result.accepted += new
        result.duplicates += size - new


def ingest_events(
    events: Iterable[TrackingEvent], *, uow: UnitOfWork, clock: Clock
) -> IngestResult:
    """Store events built by Silkpost itself (simulator, office screens): already validated."""
    received_at = clock.now()
    batch = [
        e if e.received_at is not None else _with_received(e, received_at) for e in events
    ]
    with uow:
        new = uow.events.append(batch)
        uow.commit()
    return IngestResult(received=len(batch), accepted=new, duplicates=len(batch) - new)


class EventFeed:
    """A stream of batches of Silkpost's own events (the simulator's), stored as they come.

    Where the store has a background writer, batches are stored by it while the caller goes
    on (the simulator computes the next simulated hours meanwhile); otherwise each batch is
    stored in-line, as :func:`ingest_events` does. Each batch is one transaction, in order.
    Use as a context manager: leaving it waits until everything is stored (or, on an error,
    stops after the batches already handed over).
    """

    def __init__(self, *, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._writer: BatchWriter | None = None
        self._started = False
        self.result = IngestResult()

    def __call__(self, events: list[TrackingEvent]) -> None:
        """Store a batch (events without a receipt time get the clock's now)."""
        if not self._started:  # on the first batch: a feed that gets none starts nothing
            self._started = True
            self._writer = self._uow.background_writer()
        if self._writer is None:
            done = ingest_events(events, uow=self._uow, clock=self._clock)
            _count(self.result, [(done.received, done.accepted)])
        else:
            received_at = self._clock.now()
            self._writer.submit([e if e.received_at is not None
                                 else _with_received(e, received_at) for e in events])
            _count(self.result, self._writer.stored())
        self.result.received += len(events)

    def __enter__(self) -> EventFeed:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        if exc_type is None:
            _count(self.result, writer.close())
        else:
            writer.abort()


def _with_received(e: TrackingEvent, received_at: datetime) -> TrackingEvent:
    return e._replace(received_at=received_at)


def _check(
    record: Mapping[str, Any] | Problem, *, fast: FastValidator, source: str,
    received_at: datetime, window: tuple[datetime, datetime],
) -> TrackingEvent | list[Problem]:
    if isinstance(record, Problem):
        return [record]
    event = fast.event(record, source=source, received_at=received_at)
    if event is None:
        checked = to_event(record, default_source=source)
        if isinstance(checked, list):
            return checked
        event = _with_received(checked, received_at)
    earliest, latest = window
    if earliest <= event.occurred_at <= latest:
        return event
    if event.occurred_at > latest:
        return [Problem("occurred_at", "is more than 24 h after it was received: check the "
                        "scanner's clock and time zone")]
    return [Problem("occurred_at", "is before the year 2000: not a plausible scan time")]


class EtaEstimator(Protocol):
    """Estimates when an object in flight will reach its destination (the network's router)."""

    def __call__(self, tracked: TrackedObject, *, now: datetime) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class ObjectView:
    """What a timeline screen shows: the standing, the timeline of the current life, the ETA."""

    tracked: TrackedObject
    timeline: list[TrackingEvent]
    earlier_lives: int
    stuck: bool
    eta: datetime | None


def track(
    object_id: str,
    *,
    uow: UnitOfWork,
    clock: Clock,
    kind: ObjectKind = ObjectKind.ITEM,
    eta: EtaEstimator | None = None,
) -> ObjectView:
    """The current standing and timeline of one object (item, bag, dispatch, conveyance)."""
    try:
        object_id = validate_object_id(kind, object_id)
    except ValueError as exc:
        raise InvalidObjectId(str(exc), field="id") from None
    with uow:
        tracked = uow.events.tracked(kind, object_id)
        if tracked is None:
            raise ObjectNotFound(f"no {kind.value} {object_id} is known", field="id")
        timeline = in_time_order(uow.events.timeline(kind, object_id))
    parts = lives(timeline)
    now = clock.now()
    stuck = is_stuck(tracked.status, tracked.last_at, now)
    terminal = tracked.status in terminal_statuses()
    estimate = None if terminal or eta is None else eta(tracked, now=now)
    return ObjectView(
        tracked=tracked, timeline=parts[-1] if parts else [], earlier_lives=len(parts) - 1,
        stuck=stuck, eta=estimate,
    )


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of a listing and the cursor of the next one (None on the last page)."""

    objects: list[TrackedObject]
    next_cursor: str | None


def list_objects(query: ObjectQuery, *, uow: UnitOfWork) -> ObjectPage:
    """One page of objects matching the filters, most recently active first."""
    if not 1 <= query.limit <= 1000:
        raise InvalidRequest("limit must be between 1 and 1000", field="limit")
    with uow:
        found = uow.events.find(query)
    cursor = None
    if len(found) == query.limit:
        last = found[-1]
        cursor = encode_cursor(to_epoch_us(last.last_at), last.object_id)
    return ObjectPage(objects=found, next_cursor=cursor)


def count_statuses(*, uow: UnitOfWork, clock: Clock,
                   object_kind: ObjectKind = ObjectKind.ITEM) -> list[StatusCount]:
    """Objects per status and last place, and how many of them are stuck now."""
    with uow:
        return uow.events.count_by_status(object_kind, stuck_at=clock.now())


def log_position(*, uow: UnitOfWork) -> int:
    """How far the event log has got: the sequence number of its newest event (0 when empty)."""
    with uow:
        return uow.events.high_water_mark()


def encode_cursor(latest_us: int, object_id: str) -> str:
    """An opaque keyset cursor."""
    return f"{latest_us}~{object_id}"


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The keyset position of a cursor, or an error naming the parameter."""
    us, sep, object_id = cursor.partition("~")
    if not sep or not us.lstrip("-").isdigit() or not object_id:
        raise InvalidRequest("cursor is not one this API returned", field="cursor")
    return int(us), object_id
