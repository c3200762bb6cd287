"""The SQL unit of work: one connection, one transaction, rolled back unless committed.

Repositories never commit; the use case that opened the unit of work decides. A unit of work
can be entered again after it is left, which gives the next transaction (the importer commits
batch by batch through one of them).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from silkpost.store.appender import PARALLEL_AFTER, SqlAppender
from silkpost.store.audit import SqlAuditLog
from silkpost.store.events import SqlEventLog
from silkpost.store.notices import SqlNoticeRepository
from silkpost.store.partners import SqlKeyRepository, SqlPartnerRepository
from silkpost.store.webhooks import SqlWebhookRepository


class SqlUnitOfWork:
    """A transaction on the configured database with the repositories bound to it."""

    events: SqlEventLog
    notices: SqlNoticeRepository
    partners: SqlPartnerRepository
    keys: SqlKeyRepository
    webhooks: SqlWebhookRepository
    audit: SqlAuditLog

    def __init__(self, engine: Engine, *, parallel_after: int | None = PARALLEL_AFTER) -> None:
        self._engine = engine
        self._parallel_after = parallel_after
        self._conn: Connection | None = None

    def __enter__(self) -> Self:
        self._conn = self._engine.connect()
        self._conn.begin()
        self.events = SqlEventLog(self._conn)
        self.notices = SqlNoticeRepository(self._conn)
        self.partners = SqlPartnerRepository(self._conn)
        self.keys = SqlKeyRepository(self._conn)
        self.webhooks = SqlWebhookRepository(self._conn)
        self.audit = SqlAuditLog(self._conn)
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
