"""Engines for the two supported databases, configured the way the event log needs them.

SQLite runs in WAL mode (one writer, many readers, readers never block the writer) with
``synchronous=FULL``: each commit waits for the write-ahead log to reach the disk, so an event
the platform acknowledged survives an OS crash or a power cut. ``NORMAL`` skips that wait
(the WAL is synced only at checkpoints): it never corrupts the file, but a power cut or OS
crash can lose the last acknowledged transactions (a crash of the process alone loses
nothing in either mode). A store may choose it with ``?synchronous=normal`` on its SQLite URL;
``benchmarks/bench_ingest.py`` prints what FULL costs against it (docs/events.md, Durability).
PostgreSQL URLs are routed to the psycopg 3 driver, whose COPY the ingest path uses.

SQLite has one writer at a time, and the API server, an import and the simulator may all write
to one file at once. :func:`in_write_transaction` is how every bulk write goes in, so that they
take turns instead of failing with "database is locked": in a process, writers queue on one lock
per database file (datasette's single write thread, without the thread); across processes, each
write transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock first, so it never
has to give up a snapshot half-way), waits for the lock up to a generous busy timeout, and a
transaction that still finds the file locked is rolled back and run again a bounded number of
times. Reads keep pysqlite's own handling (no BEGIN before a SELECT: a lookup pays for no
transaction statements).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from silkpost.errors import SilkpostError
from silkpost.settings import InvalidSetting

T = TypeVar("T")
# A writer may wait this long for another one's transaction (the simulator's largest batches
# take a few seconds), and is run again this many times if the file is still locked.
BUSY_TIMEOUT_S = 60
WRITE_ATTEMPTS = 5
PAGE_SIZE = 16_384
# How SQLite commits (module docstring); a SQLite URL may say ``?synchronous=normal``.
DEFAULT_SYNCHRONOUS = "FULL"
SYNCHRONOUS_MODES = ("FULL", "NORMAL", "EXTRA")
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
SETTING = "SILKPOST_DATABASE_URL"
EXAMPLES = "e.g. sqlite:///silkpost.db or postgresql://user@host:5432/db"


class DatabaseUnavailable(SilkpostError):
    """The database of SILKPOST_DATABASE_URL cannot be opened or reached."""

    code = "settings.database_url"
    kind = "unavailable"
    title = "Database unavailable"


def normalise_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidSetting(f"{SETTING}: {url!r} is not a database URL ({EXAMPLES})",
                             field=SETTING) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidSetting(f"{SETTING}: {parsed.get_backend_name()!r} is not a supported "
                             f"database ({EXAMPLES})", field=SETTING)
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Engine:
    """An engine for a SQLite path or a PostgreSQL server.

    A malformed URL, an unknown driver, a SQLite file in a folder that does not exist and a
    server that cannot be reached all become one error naming SILKPOST_DATABASE_URL: the
    driver's own exception says what failed, not which setting to change.
    """
    url = normalise_url(url)
    if url.startswith("sqlite"):
        parsed = make_url(url)
        synchronous = parsed.query.get("synchronous", DEFAULT_SYNCHRONOUS)
        if not isinstance(synchronous, str) or synchronous.upper() not in SYNCHRONOUS_MODES:
            raise InvalidSetting(f"{SETTING}: synchronous={synchronous!r} is not one of "
                                 + ", ".join(m.lower() for m in SYNCHRONOUS_MODES),
                                 field=SETTING)
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).parent
            if not folder.is_dir():
                raise DatabaseUnavailable(f"{SETTING}: the folder {str(folder)!r} of the SQLite "
                                          "file does not exist; create it or choose another "
                                          "path", field=SETTING)
        # The mode stays in the URL (the driver ignores it), so the writer process the
        # appender starts with this URL commits the same way.
        engine = _engine(url, connect_args={"check_same_thread": False,
                                            "timeout": busy_timeout_s})
        mode = synchronous.upper()
        event.listen(engine, "connect",
                     lambda connection, _record: _sqlite_connect(connection, mode))
    else:
        engine = _engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _unreachable)
    return engine


def _engine(url: str, **options: Any) -> Engine:
    try:
        return create_engine(url, **options)
    except (NoSuchModuleError, ImportError):
        raise InvalidSetting(f"{SETTING}: no driver for {make_url(url).drivername!r} "
                             f"({EXAMPLES})", field=SETTING) from None


def _unreachable(context: ExceptionContext) -> None:
    """A failed connection attempt becomes an error naming the setting (password hidden)."""
    if context.connection is not None or context.engine is None:
        return  # an error of a statement on an open connection: the caller's to handle
    where = context.engine.url.render_as_string(hide_password=True)
    reason = str(context.original_exception).strip().splitlines()[0]
    raise DatabaseUnavailable(f"{SETTING}: cannot open {where}: {reason}", field=SETTING)


def in_write_transaction(conn: Connection, work: Callable[[Connection], T]) -> T:
    """Run ``work`` in one write transaction on ``conn`` and commit it; return its result.

    On SQLite, writers of this process queue for the file, and a transaction that finds it
    locked by another process after the busy timeout is rolled back and run again (at most
    ``WRITE_ATTEMPTS`` times); ``work`` must therefore do nothing but database work.
    """
    if conn.dialect.name != "sqlite":
        with conn.begin():
            return work(conn)
    with _lock_of(conn.engine):
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with conn.begin():
                    # Takes the write lock now (pysqlite would BEGIN DEFERRED before the first
                    # write, after any read, and a deferred transaction that read may have
                    # to give up at once instead of waiting).
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    return work(conn)
            except OperationalError as exc:
                if attempt == WRITE_ATTEMPTS or not _is_locked(exc):
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def dialect_insert(conn: Connection, table: Any) -> Any:
    """An INSERT into ``table`` that can take ON CONFLICT clauses, in the connection's
    dialect (PostgreSQL's or SQLite's; the generic INSERT has none)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def begin_writing(conn: Connection) -> threading.Lock | None:
    """Start a transaction on ``conn`` that will write, taking the write lock first on
    SQLite (this process's writers queue for the file; ``BEGIN IMMEDIATE`` waits up to the
    busy timeout for other processes'), so that a transaction that reads before it writes
    never has to give up half-way. Returns the lock the caller releases after its commit or
    rollback (None on PostgreSQL, whose row locks do this work)."""
    if conn.dialect.name != "sqlite":
        conn.begin()
        return None
    lock = _lock_of(conn.engine)
    lock.acquire()
    try:
        conn.begin()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        if conn.in_transaction():
            conn.rollback()
        lock.release()
        raise
    return lock


def _lock_of(engine: Engine) -> threading.Lock:
    key = str(engine.url.database)
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def _sqlite_connect(dbapi_connection: Any, synchronous: str) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        # A new file gets 16 KiB pages (an existing one keeps its own): appends to the log and
        # its per-object index touch fewer pages, and commits write fewer of them (an eighth
        # less time storing simulated days than with 4 KiB). Set before WAL, which fixes it.
        f"page_size={PAGE_SIZE}",
        "journal_mode=WAL",
        # FULL unless the URL says otherwise (module docstring): acknowledged means durable.
        f"synchronous={synchronous}",
        "cache_size=-65536",
        "temp_store=MEMORY",
        # Reads of a large log go through the page cache without a read() copy per page.
        "mmap_size=8589934592",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
