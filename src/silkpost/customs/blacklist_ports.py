"""The ports of the shipper blacklist, as Protocols: its repository and its unit of work
(which also holds the audit log its changes are written to)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from silkpost.audit.ports import AuditLog
from silkpost.domain.blacklist import BlacklistEntry, Shipper
from silkpost.transaction import Transaction


class BlacklistRepository(Protocol):
    """Blacklist entries, each with its number; kept, never deleted (a removal is noted on
    the entry)."""

    def add(self, entry: BlacklistEntry) -> int:
        """Keep a new entry; its number."""
        ...

    def entries(self, *, who: Shipper | None = None, in_force_at: datetime | None = None
                ) -> list[tuple[int, BlacklistEntry]]:
        """Entries oldest first: of one shipper or all, those in force at a moment or all."""
        ...

    def remove(self, entry_id: int, *, at: datetime, by: str, reason: str) -> None:
        """Note an entry's removal (when, by whom, why)."""
        ...


class BlacklistUnitOfWork(Transaction, Protocol):
    """One transaction over the blacklist and the audit log its changes are written to."""

    @property
    def blacklist(self) -> BlacklistRepository:
        """The blacklist inside this transaction."""
        ...

    @property
    def audit(self) -> AuditLog:
        """The audit log inside this transaction."""
        ...
