"""The SQL unit of work: one connection, one transaction, rolled back unless committed.

A unit of work made with ``writes=True`` (the offices': every scan reads, then writes) takes
SQLite's write lock as it begins (:func:`silkpost.store.engine.begin_writing`), so that
concurrent scanners queue instead of failing with "database is locked".

Repositories never commit; the use case that opened the unit of work decides. A unit of work
can be entered again after it is left, which gives the next transaction (the importer commits
batch by batch through one of them).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from silkpost.store.acceptance import SqlAcceptanceRecords
from silkpost.store.appender import PARALLEL_AFTER, SqlAppender
from silkpost.store.audit import SqlAuditLog
from silkpost.store.blacklist import SqlBlacklist
from silkpost.store.declarations import SqlDeclarationRepository
from silkpost.store.engine import begin_writing
from silkpost.store.events import SqlEventLog
from silkpost.store.notices import SqlNoticeRepository
from silkpost.store.office import SqlOfficeRepository
from silkpost.store.partners import SqlKeyRepository, SqlPartnerRepository
from silkpost.store.webhooks import SqlWebhookRepository


class SqlUnitOfWork:
    """A transaction on the configured database with the repositories bound to it."""

    events: SqlEventLog
    notices: SqlNoticeRepository
    declarations: SqlDeclarationRepository
    partners: SqlPartnerRepository
    keys: SqlKeyRepository
    webhooks: SqlWebhookRepository
    audit: SqlAuditLog
    office: SqlOfficeRepository
    blacklist: SqlBlacklist
    acceptance: SqlAcceptanceRecords

    def __init__(self, engine: Engine, *, parallel_after: int | None = PARALLEL_AFTER,
                 writes: bool = False) -> None:
        self._engine = engine
        self._parallel_after = parallel_after
        self._writes = writes
        self._conn: Connection | None = None
        self._write_lock: threading.Lock | None = None

    def __enter__(self) -> Self:
        self._conn = self._engine.connect()
        if self._writes:
            try:
                self._write_lock = begin_writing(self._conn)
            except BaseException:
                self._conn.close()
                self._conn = None
                raise
        else:
            self._conn.begin()
        self.events = SqlEventLog(self._conn)
        self.notices = SqlNoticeRepository(self._conn)
        self.declarations = SqlDeclarationRepository(self._conn)
        self.partners = SqlPartnerRepository(self._conn)
        self.keys = SqlKeyRepository(self._conn)
        self.webhooks = SqlWebhookRepository(self._conn)
        self.audit = SqlAuditLog(self._conn)
        self.office = SqlOfficeRepository(self._conn)
        self.blacklist = SqlBlacklist(self._conn)
        self.acceptance = SqlAcceptanceRecords(self._conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            self.rollback()
        finally:
            self._conn.close()
            self._conn = None
            if self._write_lock is not None:
                lock, self._write_lock = self._write_lock, None
                lock.release()

    def appender(self, *, in_line: bool = False) -> SqlAppender:
        """The appender of large streams: batches stored in order, one transaction each."""
        return SqlAppender(self._engine,
                           parallel_after=None if in_line else self._parallel_after)

    def commit(self) -> None:
        """Make this transaction's work durable."""
        assert self._conn is not None
        self._conn.commit()

    def rollback(self) -> None:
        """Undo whatever this transaction did and has not committed."""
        assert self._conn is not None
        if self._conn.in_transaction():
            self._conn.rollback()
