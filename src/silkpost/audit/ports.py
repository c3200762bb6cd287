"""The ports of the audit log: the log itself and the unit of work that holds it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from silkpost.domain.audit import AuditEntry
from silkpost.transaction import Transaction


class AuditLog(Protocol):
    """Entries, appended and read; no entry is ever changed or removed."""

    def append(self, entry: AuditEntry) -> None:
        """Add one entry."""
        ...

    def entries(self, *, partner: str | None = None, since: datetime | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[tuple[int, AuditEntry]]:
        """Entries newest first, with their sequence numbers (the next page's cursor)."""
        ...


class AuditUnitOfWork(Transaction, Protocol):
    """One transaction over the audit log."""

    @property
    def audit(self) -> AuditLog:
        """The audit log inside this transaction."""
        ...
