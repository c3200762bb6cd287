"""The SQL event log: append-only events plus the per-object read model, in one transaction.

``append`` is the hot path of the platform (partner files of a million events, the simulator's
100,000 parcels a day), so it sends rows to the driver as plain tuples: ``executemany`` on
SQLite, COPY into a staging table on PostgreSQL. Duplicates are dropped by the unique
idempotency key; the read model is kept by an upsert of per-object maxima, which gives the same
result whatever order the events come in and however often they are sent (see
:mod:`silkpost.domain.status`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.elements import ColumnElement

from silkpost.domain.codes import ObjectKind, Status, statuses
from silkpost.domain.events import (
    EPOCH,
    TrackingEvent,
    from_epoch_us,
    idempotency_key,
    to_epoch_us,
)
from silkpost.domain.partners import Scope
from silkpost.domain.retractions import RETRACTION_CODES, retracted_by
from silkpost.domain.status import (
    ID_REUSE_GAP_US,
    code_facts,
    effective_status,
    in_time_order,
)
from silkpost.domain.tracked import StatusCount, TrackedObject
from silkpost.store import item_outbox
from silkpost.store.engine import dialect_insert
from silkpost.store.schema import events, object_status, retracted_objects
from silkpost.tracking.ports import ObjectQuery

_US = timedelta(microseconds=1)
_CODE_FACTS = code_facts()
_BY_OBJECT = itemgetter(2)  # object_id in EVENT_COLUMNS
_BY_KIND_OBJECT = itemgetter(0, 1)  # the primary key in STATUS_COLUMNS
_ITEM = ObjectKind.ITEM.value
_KIND_VALUES = {k: k.value for k in ObjectKind}  # also finds plain strings (StrEnum)
EVENT_COLUMNS = (
    "idem_key", "object_kind", "object_id", "code", "occurred_us", "utc_offset_min",
    "received_us", "location", "office", "source", "event_id", "payload",
)
STATUS_COLUMNS = (
    "object_kind", "object_id", "status", "latest_key", "latest_code", "latest_status",
    "latest_us", "latest_offset_min", "latest_location", "latest_office", "terminal_key",
    "terminal_status", "first_us", "destination", "destination_key", "updated_us",
)


def upsert_set(excluded: Any, *, collation: str | None = None) -> dict[str, ColumnElement[Any]]:
    """SET clauses that fold one batch's per-object summaries into the stored ones.

    The same fold as :func:`status_rows` and :func:`silkpost.domain.status.track`: maxima for
    the latest and terminal events (ties by :func:`~silkpost.domain.status.latest_rank`), the
    earliest destination-bearing event for the destination. ``collation`` makes text compare
    by code point as in Python ("C" on PostgreSQL; SQLite's default already does).
    """
    t = object_status.c

    def text(column: Any) -> ColumnElement[Any]:
        value = func.coalesce(column, literal_column("''"))
        return value if collation is None else value.collate(collation)

    newer = or_(
        excluded.latest_key > t.latest_key,
        and_(excluded.latest_key == t.latest_key,
             tuple_(text(excluded.latest_location), text(excluded.latest_office),
                    excluded.latest_offset_min)
             > tuple_(text(t.latest_location), text(t.latest_office), t.latest_offset_min)),
    )
    newer_terminal = and_(
        excluded.terminal_key.is_not(None),
        or_(t.terminal_key.is_(None), excluded.terminal_key > t.terminal_key),
    )
    earlier_destination = and_(
        excluded.destination_key.is_not(None),
        or_(t.destination_key.is_(None), excluded.destination_key < t.destination_key,
            and_(excluded.destination_key == t.destination_key,
                 text(excluded.destination) < text(t.destination))),
    )
    latest_key = case((newer, excluded.latest_key), else_=t.latest_key)
    latest_status = case((newer, excluded.latest_status), else_=t.latest_status)
    terminal_key = case((newer_terminal, excluded.terminal_key), else_=t.terminal_key)
    terminal_status = case((newer_terminal, excluded.terminal_status), else_=t.terminal_status)
    # Integer division by 1024 strips the tie-break bits of order_key, leaving microseconds.
    status = case(
        (
            and_(
                terminal_key.is_not(None),
                latest_key // literal_column("1024") - terminal_key // literal_column("1024")
                <= literal_column(str(ID_REUSE_GAP_US)),
            ),
            terminal_status,
        ),
        else_=latest_status,
    )
    clauses: dict[str, ColumnElement[Any]] = {
        "status": status,
        "latest_key": latest_key,
        "latest_status": latest_status,
        "terminal_key": terminal_key,
        "terminal_status": terminal_status,
        "first_us": case((excluded.first_us < t.first_us, excluded.first_us), else_=t.first_us),
        "destination": case((earlier_destination, excluded.destination), else_=t.destination),
        "destination_key": case((earlier_destination, excluded.destination_key),
                                else_=t.destination_key),
        "updated_us": case(
            (excluded.updated_us > t.updated_us, excluded.updated_us), else_=t.updated_us
        ),
    }
    for name in ("latest_code", "latest_us", "latest_offset_min", "latest_location",
                 "latest_office"):
        clauses[name] = case((newer, getattr(excluded, name)), else_=getattr(t, name))
    return clauses


def _compiled_sqlite() -> tuple[str, str]:
    insert_events = sqlite.insert(events).on_conflict_do_nothing(
        index_elements=["object_id", "idem_key"]
    )
    upsert = sqlite.insert(object_status)
    upsert = upsert.on_conflict_do_update(
        index_elements=["object_kind", "object_id"], set_=upsert_set(upsert.excluded)
    )
    dialect = sqlite.dialect(paramstyle="qmark")
    ev = insert_events.values(dict.fromkeys(EVENT_COLUMNS)).compile(dialect=dialect)
    st = upsert.values(dict.fromkeys(STATUS_COLUMNS)).compile(dialect=dialect)
    # The hot path sends positional tuples: their order must be the compiled parameter order.
    orders = (tuple(ev.positiontup or ()), tuple(st.positiontup or ()))
    if orders != (EVENT_COLUMNS, STATUS_COLUMNS):
        raise RuntimeError("compiled parameter order differs from the row tuple order")
    return str(ev), str(st)


_SQLITE_INSERT_EVENTS, _SQLITE_UPSERT_STATUS = _compiled_sqlite()


def event_rows(batch: Sequence[TrackingEvent]) -> list[tuple[Any, ...]]:
    """Rows for the events table, in EVENT_COLUMNS order.

    The hot loop of every import: the event is unpacked as a tuple rather than read field by
    field, offsets and receipt times are computed once per distinct value, and a run of events
    that differ only in the object (one scan of a whole truck, as the simulator and sorting
    machines send them) shares one idempotency key and time conversion: the key does not
    depend on the object. "Same" is identity, so equal instants at other offsets stay apart.
    """
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    offsets: dict[Any, int] = {}
    received: dict[datetime, int] = {}
    epoch, us, kinds, key, dumps = EPOCH, _US, _KIND_VALUES, idempotency_key, orjson.dumps
    last: tuple[Any, ...] = (None,) * 9
    shared: tuple[Any, ...] = ()
    for kind, object_id, code, at, source, location, office, event_id, payload, r in batch:
        if not (at is last[2] and code is last[1] and location is last[4]
                and office is last[5] and source is last[3] and event_id is last[6]
                and payload is last[7] and r is last[8] and kind is last[0]):
            last = (kind, code, at, source, location, office, event_id, payload, r)
            occurred_us = (at - epoch) // us
            tz = at.tzinfo
            offset_min = offsets.get(tz)
            if offset_min is None:
                delta = at.utcoffset()
                if delta is None:
                    raise ValueError(f"event {code} of {object_id}: occurred_at has no offset")
                offset_min = offsets[tz] = int(delta.total_seconds()) // 60
            if r is None:
                received_us = occurred_us
            else:
                known = received.get(r)
                received_us = received[r] = to_epoch_us(r) if known is None else known
            kind_value = kinds[kind]
            shared = (
                key(kind_value, code, occurred_us, location, office),
                kind_value, code, occurred_us, offset_min, received_us, location, office,
                source, event_id, None if payload is None else dumps(payload).decode(),
            )
        k, kv, c, o_us, off, rec, loc, ofc, src, eid, pay = shared
        add((k, kv, object_id, c, o_us, off, rec, loc, ofc, src, eid, pay))
    return rows


def status_rows(batch: Sequence[TrackingEvent], rows: Sequence[tuple[Any, ...]]
                ) -> list[tuple[Any, ...]]:
    """One read-model row per object in the batch: the batch's own maxima, status derived.

    Reads the already converted values from the event rows (EVENT_COLUMNS order) and the
    per-code facts from one dict, since it runs once per stored event.
    """
    acc: dict[tuple[str, str], list[Any]] = {}
    get = acc.get
    facts = _CODE_FACTS
    for (_, kind, object_id, code, occurred_us, offset_min, received_us, location, office,
         *_rest), e in zip(rows, batch, strict=True):
        fact = facts.get(code)
        if fact is None:  # a retraction implies no status: write() refolds its object
            continue
        bits, terminal, status = fact
        key = occurred_us * 1024 + bits
        payload = e[8]
        named = payload.get("destination") if payload else None
        destination = str(named) if named else None
        ident = (kind, object_id)
        a = get(ident)
        if a is None:
            acc[ident] = [
                kind, object_id, None, key, code, status, occurred_us, offset_min, location,
                office, key if terminal else None, status if terminal else None, occurred_us,
                destination, None if destination is None else key, received_us,
            ]
            continue
        if key > a[3] or (key == a[3] and (location or "", office or "", offset_min)
                          > (a[8] or "", a[9] or "", a[7])):
            a[3] = key
            a[4] = code
            a[5] = status
            a[6] = occurred_us
            a[7] = offset_min
            a[8] = location
            a[9] = office
        if terminal and (a[10] is None or key > a[10]):
            a[10] = key
            a[11] = status
        if occurred_us < a[12]:
            a[12] = occurred_us
        if destination is not None and (a[14] is None or key < a[14]
                                        or (key == a[14] and destination < a[13])):
            a[13] = destination
            a[14] = key
        if received_us > a[15]:
            a[15] = received_us
    out = []
    for a in acc.values():
        a[2] = effective_status(a[3], a[5], a[10], a[11])
        out.append(tuple(a))
    return out


Rows = list[tuple[Any, ...]]


def prepare(batch: Sequence[TrackingEvent]) -> tuple[Rows, Rows]:
    """The event rows and read-model rows of a batch, in index order, ready for :func:`write`.

    In index order, the B-tree inserts of a large batch walk the leaf pages once, in order,
    instead of jumping among them (a third less time on a large log). The sort is stable, so
    one object's events keep their order of arrival (the timeline's tie-break); nearly sorted
    input (partner files list parcel by parcel) sorts in one pass.
    """
    rows = event_rows(batch)
    summaries = status_rows(batch, rows)
    rows.sort(key=_BY_OBJECT)
    summaries.sort(key=_BY_KIND_OBJECT)
    return rows, summaries


def write(conn: Connection, rows: Rows, summaries: Rows) -> int:
    """Insert prepared rows in the connection's transaction; return how many events were new.

    The upsert folds the batch into the read model by maxima. Two cases need more, and get
    their objects' rows rebuilt from the log (:func:`refold`): a batch with duplicates (the
    dropped event may differ from the stored one), and objects with a retraction in the log
    (a retraction takes an event out of the fold, which no maximum can do). The item
    messages of its status changes are kept here too (:mod:`silkpost.store.item_outbox`).
    """
    if not rows:
        return 0
    retracting = {(r[1], r[2]) for r in rows if r[3] in RETRACTION_CODES}
    # Subscribers to item messages: the statuses before the batch, to tell the changes after.
    watched = item_outbox.watch(conn, lambda: {s[1] for s in summaries if s[0] == _ITEM}
                                | {i for k, i in retracting if k == _ITEM})
    if conn.dialect.name == "postgresql":
        from silkpost.store.postgres_append import SMALL_BATCH, copy_append, row_append

        if retracting:
            # A retraction and the event it names, written by two transactions at once, would
            # each fold without the other's uncommitted row. A batch with a retraction (rare:
            # an operator's correction) waits for the appends under way and holds new ones
            # until it commits; those then see it among the retracted objects below. The mode
            # lets readers on, and SQLite has one writer anyway.
            conn.exec_driver_sql("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
        append = row_append if len(rows) <= SMALL_BATCH else copy_append
        accepted = append(conn, rows, summaries)
    else:
        result = conn.exec_driver_sql(_SQLITE_INSERT_EVENTS, rows)
        if summaries:  # none when the batch holds retractions only
            conn.exec_driver_sql(_SQLITE_UPSERT_STATUS, summaries)
        accepted = int(result.rowcount)
    if retracting:
        conn.execute(_insert_ignore(conn, retracted_objects),
                     [{"object_kind": k, "object_id": i} for k, i in retracting])
    batch = [(s[0], s[1]) for s in summaries]
    if accepted < len(rows):
        refold(conn, [*batch, *retracting])
    elif retracting or _any_retracted(conn):
        refold(conn, [*retracting, *_retracted_among(conn, batch)])
    if watched is not None:
        item_outbox.queue_changes(conn, watched, rows)
    return accepted


def _insert_ignore(conn: Connection, table: Any) -> Any:
    """An INSERT that skips rows already there, in the connection's dialect."""
    return dialect_insert(conn, table).on_conflict_do_nothing()


def _any_retracted(conn: Connection) -> bool:
    """Whether the log holds any retraction at all (nearly always not: one cheap lookup)."""
    return conn.execute(select(retracted_objects.c.object_id).limit(1)).first() is not None


def _retracted_among(conn: Connection, objects: Sequence[tuple[str, str]]
                     ) -> list[tuple[str, str]]:
    """Those of ``objects`` (kind, id) that have a retraction in the log."""
    c = retracted_objects.c
    wanted = set(objects)
    ids = sorted({i for _, i in objects})
    found: list[tuple[str, str]] = []
    for start in range(0, len(ids), REFOLD_CHUNK):
        rows = conn.execute(select(c.object_kind, c.object_id)
                            .where(c.object_id.in_(ids[start:start + REFOLD_CHUNK]))).all()
        found += [(k, i) for k, i in rows if (k, i) in wanted]
    return found


REFOLD_CHUNK = 500  # objects per read of their stored events


def refold(conn: Connection, objects: Sequence[tuple[str, str]]) -> None:
    """Rebuild these objects' read-model rows (by kind and id) from the events the log holds.

    The upsert folds the batch's own summaries, which count every event sent. When the log
    dropped some as duplicates, a dropped event may differ from the stored one under the same
    key (other payload, offset or sender); its maxima must not stay in the read model. When
    an object has a retraction, the event it names must leave the fold. Only such batches pay
    for this, and only for those objects: their stored events are read back and folded afresh
    without retractions and retracted events (``updated_us`` still counts every event, as the
    domain's :func:`~silkpost.domain.status.track` does), replacing the rows; an object left
    with no event that counts has no row.
    """
    c = events.c
    columns = [c[name] for name in EVENT_COLUMNS]
    by_kind: dict[str, list[str]] = {}
    for kind, object_id in dict.fromkeys(objects):
        by_kind.setdefault(kind, []).append(object_id)
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), REFOLD_CHUNK):
            chunk = ids[start:start + REFOLD_CHUNK]
            stored = conn.execute(
                select(*columns).where(c.object_kind == kind, c.object_id.in_(chunk))
                .order_by(c.seq)).all()
            counted = _counted(stored)
            # status_rows reads the payload (index 8) of each event beside its row.
            payloads = [(None,) * 8 + (orjson.loads(r[11]) if r[11] else None,) for r in counted]
            updated: dict[str, int] = {}
            for r in stored:
                updated[r[2]] = max(updated.get(r[2], r[6]), r[6])
            fresh = [(*row[:-1], updated[row[1]])
                     for row in status_rows(payloads, counted)]  # type: ignore[arg-type]
            os = object_status.c
            conn.execute(delete(object_status).where(os.object_kind == kind,
                                                     os.object_id.in_(chunk)))
            if fresh:
                conn.execute(insert(object_status),
                             [dict(zip(STATUS_COLUMNS, row, strict=True)) for row in fresh])


def _counted(stored: Sequence[Any]) -> list[Any]:
    """The stored rows (EVENT_COLUMNS order) that count: not retractions nor retracted."""
    payloads: dict[str, list[tuple[str, Any]]] = {}
    for r in stored:
        if r[3] in RETRACTION_CODES:
            payloads.setdefault(r[2], []).append((r[3], orjson.loads(r[11]) if r[11] else None))
    if not payloads:
        return list(stored)
    taken = {object_id: retracted_by(found) for object_id, found in payloads.items()}
    out = []
    for r in stored:
        t = taken.get(r[2])
        if t is None or not (r[3] in RETRACTION_CODES or t.names(r[3], r[4], r[10])):
            out.append(r)
    return out


class SqlEventLog:
    """The event log on one SQLAlchemy connection inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def append(self, batch: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        if not batch:
            return 0
        rows, summaries = prepare(batch)
        return write(self._conn, rows, summaries)

    def timeline(self, kind: ObjectKind, object_id: str) -> list[TrackingEvent]:
        """All events of one object, in the domain's total order (not arrival order)."""
        c = events.c
        rows = self._conn.execute(
            select(c.object_kind, c.object_id, c.code, c.occurred_us, c.utc_offset_min,
                   c.received_us, c.location, c.office, c.source, c.event_id, c.payload)
            .where(c.object_id == object_id, c.object_kind == kind.value)
        ).all()
        return in_time_order(
            TrackingEvent(
                object_kind=ObjectKind(r[0]), object_id=r[1], code=r[2],
                occurred_at=from_epoch_us(r[3], r[4]), received_at=from_epoch_us(r[5]),
                location=r[6], office=r[7], source=r[8], event_id=r[9],
                payload=orjson.loads(r[10]) if r[10] else None,
            )
            for r in rows
        )

    def changes(self, after: int, *, limit: int, seen_by: Scope | None = None
                ) -> list[tuple[int, TrackingEvent]]:
        """Events stored after position ``after`` (their ``seq``), in the order stored."""
        c = events.c
        stmt = (select(c.seq, c.object_kind, c.object_id, c.code, c.occurred_us,
                       c.utc_offset_min, c.received_us, c.location, c.office, c.source,
                       c.event_id, c.payload)
                .where(c.seq > after).order_by(c.seq).limit(limit))
        if seen_by is not None:
            stmt = stmt.where(_seen_condition(seen_by, c.object_id, c.object_kind))
        return [(r[0], TrackingEvent(
            object_kind=ObjectKind(r[1]), object_id=r[2], code=r[3],
            occurred_at=from_epoch_us(r[4], r[5]), received_at=from_epoch_us(r[6]),
            location=r[7], office=r[8], source=r[9], event_id=r[10],
            payload=orjson.loads(r[11]) if r[11] else None))
            for r in self._conn.execute(stmt)]

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """The read-model row of one object."""
        c = object_status.c
        row = self._conn.execute(
            select(object_status).where(c.object_kind == kind.value, c.object_id == object_id)
        ).mappings().first()
        return None if row is None else _tracked(row)

    def find(self, query: ObjectQuery) -> list[TrackedObject]:
        """One page of objects, most recently active first (keyset pagination)."""
        c = object_status.c
        stmt = select(object_status).where(c.object_kind == query.object_kind.value)
        if query.status is not None:
            stmt = stmt.where(c.status == query.status.value)
        if query.location is not None:
            stmt = stmt.where(c.latest_location == query.location)
        if query.office is not None:
            stmt = stmt.where(c.latest_office == query.office)
        if query.since is not None:
            stmt = stmt.where(c.latest_us >= to_epoch_us(query.since))
        if query.stuck_at is not None:
            stmt = stmt.where(_stuck_condition(to_epoch_us(query.stuck_at)))
        if query.seen_by is not None:
            stmt = stmt.where(_seen_condition(query.seen_by))
        if query.after is not None:
            last_us, last_id = query.after
            stmt = stmt.where(
                or_(c.latest_us < last_us, and_(c.latest_us == last_us, c.object_id > last_id))
            )
        stmt = stmt.order_by(c.latest_us.desc(), c.object_id).limit(query.limit)
        if query.offset:
            stmt = stmt.offset(query.offset)
        return [_tracked(r) for r in self._conn.execute(stmt).mappings()]

    def count_by_status(self, kind: ObjectKind, *, stuck_at: datetime) -> list[StatusCount]:
        """Objects per status and last office, and how many are stuck at ``stuck_at``."""
        c = object_status.c
        stuck = func.sum(case((_stuck_condition(to_epoch_us(stuck_at)), 1), else_=0))
        rows = self._conn.execute(
            select(c.status, c.latest_office, func.count(), stuck)
            .where(c.object_kind == kind.value)
            .group_by(c.status, c.latest_office)
        ).all()
        return [StatusCount(Status(r[0]), r[1], int(r[2]), int(r[3] or 0)) for r in rows]

    def count_events(self) -> int:
        """How many events the log holds."""
        return int(self._conn.execute(select(func.count()).select_from(events)).scalar_one())

    def high_water_mark(self) -> int:
        """The highest sequence number stored (0 when empty)."""
        top = select(func.coalesce(func.max(events.c.seq), 0))
        return int(self._conn.execute(top).scalar_one())


def _seen_condition(scope: Scope, object_id: Any = None, object_kind: Any = None
                    ) -> ColumnElement[bool]:
    """:meth:`Scope.sees_event` in SQL, over the events of the object named by the outer
    query's ``object_id`` and ``object_kind`` columns (the read model's by default); its
    route ahead is the network's to say, and the item view checks it."""
    e = events.alias("seen").c
    sees = or_(e.source == scope.partner,
               e.source.startswith(f"{scope.partner}/", autoescape=True),
               e.office.in_(sorted(scope.nodes)))
    outer_id = object_status.c.object_id if object_id is None else object_id
    outer_kind = object_status.c.object_kind if object_kind is None else object_kind
    return exists().where(e.object_id == outer_id, e.object_kind == outer_kind, sees)


def _stuck_condition(now_us: int, since_us: int | None = None) -> ColumnElement[bool]:
    """Objects whose last event is older than the stuck threshold of their status; with
    ``since_us``, only those that passed it after that time (they became stuck since)."""
    c = object_status.c
    clauses = []
    for status, info in statuses().items():
        if info.stuck_after_hours is None:
            continue
        threshold = int(info.stuck_after_hours * 3_600_000_000)
        clause = and_(c.status == status.value, c.latest_us < now_us - threshold)
        if since_us is not None:
            clause = and_(clause, c.latest_us >= since_us - threshold)
        clauses.append(clause)
    return or_(*clauses)


def became_stuck(since_us: int, now_us: int) -> ColumnElement[bool]:
    """Read-model rows that passed their status's stuck threshold between the two times."""
    return _stuck_condition(now_us, since_us)


def _tracked(row: Any) -> TrackedObject:
    return TrackedObject(
        object_kind=ObjectKind(row["object_kind"]),
        object_id=row["object_id"],
        status=Status(row["status"]),
        last_code=row["latest_code"],
        last_at=from_epoch_us(row["latest_us"], row["latest_offset_min"]),
        last_location=row["latest_location"],
        last_office=row["latest_office"],
        first_at=from_epoch_us(row["first_us"]),
        destination=row["destination"],
        updated_at=from_epoch_us(row["updated_us"]),
    )

