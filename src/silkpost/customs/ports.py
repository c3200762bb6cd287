"""The ports of the customs services, as Protocols: the shipper blacklist's repository and
unit of work (which also holds the audit log its changes are written to), and the declaration
repository and its unit of work (which also reads partners, to know a broker, and the
shipper blacklist).

The SQL store and the in-memory fake both satisfy them by shape, under one contract test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from silkpost.audit.ports import AuditLog
from silkpost.domain.blacklist import BlacklistEntry, Shipper
from silkpost.domain.declarations import (
    CustomsReference,
    DeclarationStatus,
    StoredDeclaration,
)
from silkpost.partners.ports import PartnerRepository
from silkpost.tracking.ports import Clock
from silkpost.transaction import Transaction

__all__ = ["BlacklistRepository", "BlacklistUnitOfWork", "Clock", "DeclarationQuery",
           "DeclarationRepository", "DeclarationUnitOfWork", "ListPosition"]


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


ListPosition = tuple[int, str, str]  # (received_at in epoch µs, broker, reference)


@dataclass(frozen=True, slots=True)
class DeclarationQuery:
    """Filters for listing declarations, most recently received first.

    ``broker`` None means every broker's (admins and operators); ``after`` is the keyset
    position of the last declaration of the previous page.
    """

    broker: str | None = None
    regime: str | None = None
    status: DeclarationStatus | None = None
    since: datetime | None = None
    after: ListPosition | None = None
    limit: int = 100


class DeclarationRepository(Protocol):
    """Declarations by (broker, reference); one is never deleted."""

    def add(self, declaration: StoredDeclaration) -> StoredDeclaration | None:
        """Store a declaration under a new (broker, reference) and return None; when that
        key is taken, store nothing and return what is stored under it."""
        ...

    def get(self, broker: str, reference: str) -> StoredDeclaration | None:
        """The declaration a broker stored under ``reference``."""
        ...

    def with_reference(self, reference: str, *, limit: int) -> list[StoredDeclaration]:
        """Declarations of any broker under ``reference``, by broker (at most ``limit``)."""
        ...

    def with_customs_reference(self, kind: CustomsReference, value: str, *,
                               limit: int) -> list[StoredDeclaration]:
        """Declarations of any broker whose ``kind`` number is ``value`` (a receipt's
        reference), most recently received first, then by broker and reference (at most
        ``limit``)."""
        ...

    def set_status(self, broker: str, reference: str, status: DeclarationStatus, *,
                   at: datetime) -> bool:
        """Put a declaration in ``status``, updated ``at``; False when none is stored under
        the key. Callers move it only by ``status_after`` a receipt's outcome."""
        ...

    def list(self, query: DeclarationQuery) -> list[StoredDeclaration]:
        """Declarations matching the query, most recently received first (then by broker
        and reference, descending: the keyset order)."""
        ...


class DeclarationUnitOfWork(BlacklistUnitOfWork, Protocol):
    """One transaction over declarations: rolled back on leaving unless committed. It reads
    the shipper blacklist too, which the check of each declaration applies."""

    @property
    def declarations(self) -> DeclarationRepository:
        """The declarations inside this transaction."""
        ...

    @property
    def partners(self) -> PartnerRepository:
        """The partners, to know that a broker is one."""
        ...
