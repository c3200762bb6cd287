"""Tracking use cases: ingest events, show an item, list items.

These functions are the only way events enter or leave the hub: the HTTP API, the CLI
importer and the simulator all call them (the simulator through :class:`Intake`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from itertools import islice
from types import TracebackType
from typing import Protocol, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from silkpost.domain.codes import ObjectKind, terminal_statuses
from silkpost.domain.errors import InvalidValue, Problem
from silkpost.domain.events import TrackingEvent, to_epoch_us
from silkpost.domain.objects import validate_object_id
from silkpost.domain.partners import Scope
from silkpost.domain.retractions import retracted_in
from silkpost.domain.status import in_time_order, is_stuck, lives
from silkpost.domain.times import check_time, check_us
from silkpost.domain.tracked import StatusCount, TrackedObject
from silkpost.errors import InvalidRequest, NotFound, invalid_request
from silkpost.tracking.formats import Record, as_record
from silkpost.tracking.places import PlaceNames
from silkpost.tracking.ports import (
    Appendable,
    Clock,
    EventAppender,
    ObjectQuery,
    UnitOfWork,
)
from silkpost.tracking.validation import RecordValidator, validate_batch


class InvalidObjectId(InvalidRequest):
    """The id asked for cannot be an id of that kind of object.

    ``fault`` is the domain's error (wrong format, check digit, country), so that a public
    page can explain the fault in its own words instead of the detail, which names the right
    check digit.
    """

    code = "tracking.invalid_id"
    title = "Invalid tracking id"

    def __init__(self, detail: str, *, field: str | None = None,
                 fault: InvalidValue | None = None) -> None:
        super().__init__(detail, field=field)
        self.fault = fault


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


def time_zone(name: str, *, field: str) -> ZoneInfo:
    """The IANA zone a sender names for its times without an offset (``Asia/Almaty``)."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest(f"{name!r} is not an IANA time zone, e.g. Asia/Almaty or "
                             "Asia/Shanghai", field=field) from None


def ingest(
    records: Iterable[Record],
    *,
    uow: UnitOfWork,
    clock: Clock,
    source: str,
    batch_size: int = 20_000,
    max_listed: int = 1000,
    on_batch: Callable[[IngestResult], None] | None = None,
    in_line: bool = False,
    zone: tzinfo | None = None,
    places: PlaceNames | None = None,
) -> IngestResult:
    """Validate and store events; each batch of ``batch_size`` records is one transaction.

    A bad record is rejected alone (with its position, field and reason): the good records
    around it are stored. Stored events are never changed, and an event already stored (same
    object, code, time and place) counts as a duplicate. Batches are stored in order; on a
    failure, the batches before it are stored. The store may store a batch while the next is
    validated, so ``on_batch`` may see the accepted and duplicate counts a batch or two late.

    ``in_line`` stores in the calling thread even a large stream, which the SQL store would
    otherwise hand to a writer process of its own: a server takes it for its requests, so
    that three large bodies do not start three processes (80 MB each) that only take turns at
    SQLite's one write lock (see docs/events.md, "Formats").

    ``zone`` is where the records' times without a UTC offset were taken (``--timezone``);
    without it such a time is rejected. ``places`` are the place names a location may be
    written as (the platform's network's; the packaged network's when not given).
    """
    with Intake(uow=uow, clock=clock, source=source, batch_size=batch_size,
                max_listed=max_listed, on_batch=on_batch, in_line=in_line,
                zone=zone, places=places) as intake:
        intake.feed(records)
    return intake.result


class Intake:
    """One stream of records into the hub, fed in parts: what :func:`ingest` does in one call.

    The simulator feeds it a simulated day at a time; the store keeps storing the last part
    while the caller computes the next. Every record goes through the same validation as a
    partner file's. Leaving the context waits until everything is stored (on an error, it
    stops after the batches already handed over); ``result`` then holds the counts.
    """

    def __init__(self, *, uow: UnitOfWork, clock: Clock, source: str, batch_size: int = 20_000,
                 max_listed: int = 1000,
                 on_batch: Callable[[IngestResult], None] | None = None,
                 in_line: bool = False, zone: tzinfo | None = None,
                 places: PlaceNames | None = None) -> None:
        if batch_size < 1:
            raise InvalidRequest("batch_size must be at least 1", field="batch_size")
        self._uow, self._clock, self._source = uow, clock, source
        self._batch_size, self._max_listed, self._on_batch = batch_size, max_listed, on_batch
        self._in_line = in_line
        self._validator = RecordValidator(zone=zone, places=places)
        self._appender: EventAppender | None = None
        self.result = IngestResult()

    def feed(self, records: Iterable[Record]) -> None:
        """Validate the records batch by batch and hand each batch's events to the store."""
        result, iterator = self.result, iter(records)
        while batch := list(islice(iterator, self._batch_size)):
            events, rejected = validate_batch(batch, validator=self._validator,
                                              source=self._source,
                                              received_at=self._clock.now())
            result.received += len(batch)
            result.rejected += len(rejected)
            for position, problems in rejected:
                for problem in problems:
                    if len(result.rejections) < self._max_listed:
                        result.rejections.append(
                            Rejection(position, problem.field, problem.reason))
            if self._appender is None:
                self._appender = self._uow.appender(in_line=self._in_line)
            self._appender.append(events)
            del events, batch
            self._count(self._appender.stored())
            if self._on_batch is not None:
                self._on_batch(result)

    def feed_checked(self, events: Sequence[TrackingEvent]) -> None:
        """Hand the store events another capability recorded into this stream, already
        validated by :func:`record_in` (the simulator's offices' actions)."""
        if not events:
            return
        self.result.received += len(events)
        if self._appender is None:
            self._appender = self._uow.appender(in_line=self._in_line)
        self._appender.append(events)
        self._count(self._appender.stored())
        if self._on_batch is not None:
            self._on_batch(self.result)

    def _count(self, stored: list[tuple[int, int]]) -> None:
        for size, new in stored:
            self.result.accepted += new
            self.result.duplicates += size - new

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._appender is None:
            return
        appender, self._appender = self._appender, None
        if exc_type is not None:
            appender.abort()
            return
        last = appender.close()
        self._count(last)
        if last and self._on_batch is not None:
            self._on_batch(self.result)


def record_in(events: Sequence[TrackingEvent], *, log: Appendable, clock: Clock,
              places: PlaceNames | None = None) -> int:
    """Append events made by another capability (an office's scans) to ``log``, inside the
    caller's open transaction, through the same validation as a partner's records; return
    how many were new. A use case that keeps records of its own commits them with its events,
    or neither.
    """
    validator = RecordValidator(places=places)
    records: list[Record] = [(i, as_record(e)) for i, e in enumerate(events, start=1)]
    source = events[0].source if events else "silkpost"
    checked, rejected = validate_batch(records, validator=validator, source=source,
                                       received_at=clock.now())
    if rejected:
        position, problems = rejected[0]
        problem = problems[0]
        raise InvalidRequest(f"event {position} ({events[position - 1].code} of "
                             f"{events[position - 1].object_id}): {problem.field} "
                             f"{problem.reason}", field=problem.field)
    if any(e.source != source for e in events):
        raise InvalidRequest("events recorded together have one sender", field="source")
    return log.append(checked)


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
    # Per timeline event: True when a retraction takes it back (shown struck through).
    retracted: tuple[bool, ...] = ()


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
        fault = exc if isinstance(exc, InvalidValue) else None
        raise InvalidObjectId(str(exc), field="id", fault=fault) from None
    with uow:
        tracked = uow.events.tracked(kind, object_id)
        if tracked is None:
            raise ObjectNotFound(f"no {kind.value} {object_id} is known", field="id")
        timeline = in_time_order(uow.events.timeline(kind, object_id))
    taken = retracted_in(timeline)
    parts = lives(timeline)
    now = clock.now()
    stuck = is_stuck(tracked.status, tracked.last_at, now)
    terminal = tracked.status in terminal_statuses()
    estimate = None if terminal or eta is None else eta(tracked, now=now)
    shown = parts[-1] if parts else []
    return ObjectView(
        tracked=tracked, timeline=shown, earlier_lives=len(parts) - 1,
        stuck=stuck, eta=estimate,
        retracted=tuple(bool(taken) and taken.names(e.code, e.occurred_us, e.event_id)
                        for e in shown),
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
    if query.offset < 0:
        raise InvalidRequest("offset must not be negative", field="offset")
    if query.since is not None:
        with invalid_request():
            check_time(query.since, field="since")
    with uow:
        found = uow.events.find(query)
    cursor = None
    if len(found) == query.limit:
        last = found[-1]
        cursor = encode_cursor(to_epoch_us(last.last_at), last.object_id)
    return ObjectPage(objects=found, next_cursor=cursor)


def at_own_nodes(records: Iterable[Record], *, scope: Scope, locodes: frozenset[str]
                 ) -> Iterator[Record]:
    """The records a partner may write (at its own nodes, :meth:`Scope.writes_at`); each other
    is rejected alone, naming the office and the nodes the partner does operate."""
    own = ", ".join(sorted(scope.nodes)) or "none registered"
    for position, record in records:
        if isinstance(record, Problem):
            yield position, record
            continue
        office, location = record.get("office"), record.get("location")
        office = office.strip().upper() if isinstance(office, str) and office.strip() else None
        location = (location.strip().upper().replace(" ", "")
                    if isinstance(location, str) and location.strip() else None)
        if scope.writes_at(office, location, locodes):
            yield position, record
        else:
            where = office or location or "(no office)"
            yield position, Problem("office", f"{scope.partner} does not operate {where}: a "
                                    f"partner records events at its own nodes ({own})")


MAX_CHANGES = 1000


@dataclass(frozen=True, slots=True)
class ChangePage:
    """A page of the change feed: events with their positions, and where the next page starts
    (the last position, to pass as ``after``; the same when nothing is new yet)."""

    events: list[tuple[int, TrackingEvent]]
    after: int


def changes(after: int, *, uow: UnitOfWork, limit: int = 100, seen_by: Scope | None = None
            ) -> ChangePage:
    """The events stored after position ``after``, oldest first: the feed a partner polls
    instead of receiving webhooks. Stable (positions never change) and resumable."""
    if not 1 <= limit <= MAX_CHANGES:
        raise InvalidRequest(f"limit must be between 1 and {MAX_CHANGES}", field="limit")
    if after < 0:
        raise InvalidRequest("after is a position (0 for the start)", field="after")
    with uow:
        found = uow.events.changes(after, limit=limit, seen_by=seen_by)
    return ChangePage(events=found, after=found[-1][0] if found else after)


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
    if not sep or not us.lstrip("-").isdigit() or not object_id or len(us) > 20:
        raise InvalidRequest("cursor is not one this API returned", field="cursor")
    try:
        return check_us(int(us), field="cursor"), object_id
    except InvalidValue:  # a number no store column holds (PostgreSQL's bigint overflowed)
        raise InvalidRequest("cursor is not one this API returned", field="cursor") from None
