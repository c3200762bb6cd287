"""Engines for the two supported databases, configured the way the event log needs them.

SQLite runs in WAL mode (one writer, many readers, readers never block the writer) with
``synchronous=NORMAL``: a power cut can lose the last transactions but never corrupts the file.
PostgreSQL URLs are routed to the psycopg 3 driver, whose COPY the ingest path uses.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def normalise_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for a SQLite path or a PostgreSQL server."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
        "cache_size=-65536",
        "temp_store=MEMORY",
        # Reads of a large log go through the page cache without a read() copy per page.
        "mmap_size=8589934592",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    """True when the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"
