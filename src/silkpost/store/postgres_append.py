"""The PostgreSQL append path: COPY into staging tables, then one set-based insert each.

Row-by-row INSERTs cost a round trip per event; COPY streams the batch in one go. The staging
tables are temporary (per connection) and emptied before each use, so a failed batch leaves
nothing behind once its transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import Connection, column, select, table
from sqlalchemy.dialects import postgresql

from silkpost.store.events import EVENT_COLUMNS, STATUS_COLUMNS, upsert_set
from silkpost.store.schema import events, object_status

# After a batch with duplicates, this many batches on the connection go straight to ON CONFLICT.
CAREFUL_BATCHES = 8
# A batch this small (an office's scan: two or three events) goes in row by row: the staging
# tables' setup, two COPYs and a savepoint cost more round trips than its rows do.
SMALL_BATCH = 16
_CAREFUL = "silkpost.postgres_append.careful"  # key in the connection's info: batches left


@cache
def _statements() -> tuple[str, str, str]:
    cols = ", ".join(EVENT_COLUMNS)
    create = (
        f"CREATE TEMP TABLE IF NOT EXISTS incoming_events ON COMMIT DELETE ROWS AS "
        f"SELECT {cols} FROM events WITH NO DATA;"
        f"CREATE TEMP TABLE IF NOT EXISTS incoming_status ON COMMIT DELETE ROWS AS "
        f"SELECT {', '.join(STATUS_COLUMNS)} FROM object_status WITH NO DATA;"
        f"TRUNCATE incoming_events, incoming_status"
    )
    insert_events = (
        f"INSERT INTO events ({cols}) SELECT {cols} FROM incoming_events "
        f"ON CONFLICT (object_id, idem_key) DO NOTHING"
    )
    incoming = table("incoming_status", *[column(c) for c in STATUS_COLUMNS])
    upsert = postgresql.insert(object_status).from_select(
        list(STATUS_COLUMNS), select(*incoming.c)
    )
    upsert = upsert.on_conflict_do_update(
        index_elements=["object_kind", "object_id"], set_=upsert_set(upsert.excluded, collation="C")
    )
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return create, insert_events, str(upsert.compile(dialect=dialect))


@cache
def _row_statements() -> tuple[str, str]:
    dialect = postgresql.dialect(paramstyle="format")  # type: ignore[no-untyped-call]
    insert = postgresql.insert(events).on_conflict_do_nothing(
        index_elements=["object_id", "idem_key"])
    upsert = postgresql.insert(object_status)
    upsert = upsert.on_conflict_do_update(index_elements=["object_kind", "object_id"],
                                          set_=upsert_set(upsert.excluded, collation="C"))
    ev = insert.values(dict.fromkeys(EVENT_COLUMNS)).compile(dialect=dialect)
    st = upsert.values(dict.fromkeys(STATUS_COLUMNS)).compile(dialect=dialect)
    # The rows are positional tuples: their order must be the compiled parameter order.
    if (tuple(ev.positiontup or ()), tuple(st.positiontup or ())) != (EVENT_COLUMNS,
                                                                      STATUS_COLUMNS):
        raise RuntimeError("compiled parameter order differs from the row tuple order")
    return str(ev), str(st)


def row_append(conn: Connection, rows: Sequence[tuple[Any, ...]],
               summaries: Sequence[tuple[Any, ...]]) -> int:
    """:func:`copy_append` for a small batch: an INSERT per row; return new events."""
    insert, upsert = _row_statements()
    raw = conn.connection.driver_connection
    assert raw is not None
    accepted = 0
    with raw.cursor() as cur:
        for row in rows:
            cur.execute(insert, row)
            accepted += cur.rowcount
        for row in summaries:
            cur.execute(upsert, row)
    return accepted


def copy_append(
    conn: Connection,
    rows: Sequence[tuple[Any, ...]],
    summaries: Sequence[tuple[Any, ...]],
) -> int:
    """Append event rows and fold their summaries into the read model; return new events."""
    create, insert_events, upsert = _statements()
    insert_fresh = insert_events.partition(" ON CONFLICT")[0]
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(create)
        with cur.copy(f"COPY incoming_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
        with cur.copy(f"COPY incoming_status ({', '.join(STATUS_COLUMNS)}) FROM STDIN") as cp:
            for row in summaries:
                cp.write_row(row)
        # Most batches are all new: a plain INSERT costs a third less server time than one
        # with ON CONFLICT (a speculative insertion per row). When some event is already
        # stored (a resent file, a duplicate within the batch, a concurrent import of the
        # same events), the plain INSERT fails and is undone to the savepoint, and the batch
        # goes in with ON CONFLICT DO NOTHING as before; so do the connection's next few
        # batches, since duplicates come in runs (a resent file) and each failed try costs.
        careful = conn.info.get(_CAREFUL, 0)
        if careful:
            conn.info[_CAREFUL] = careful - 1
            cur.execute(insert_events)
            accepted = cur.rowcount
        else:
            cur.execute("SAVEPOINT all_new")
            try:
                cur.execute(insert_fresh)
            except psycopg.errors.UniqueViolation:
                cur.execute("ROLLBACK TO SAVEPOINT all_new")
                cur.execute(insert_events)
                accepted = cur.rowcount
                conn.info[_CAREFUL] = CAREFUL_BATCHES
            else:
                accepted = cur.rowcount
                cur.execute("RELEASE SAVEPOINT all_new")
        cur.execute(upsert)
    return int(accepted)
