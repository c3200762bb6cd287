"""The ports the declaration services need, as Protocols: the declaration repository and its
unit of work (which also reads partners, to know a broker, and the shipper blacklist).

The SQL store and the in-memory fake both satisfy them by shape, under one contract test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from silkpost.customs.blacklist_ports import BlacklistUnitOfWork
from silkpost.domain.declarations import DeclarationStatus, StoredDeclaration
from silkpost.partners.ports import PartnerRepository
from silkpost.tracking.ports import Clock

__all__ = ["Clock", "DeclarationQuery", "DeclarationRepository", "DeclarationUnitOfWork",
           "ListPosition"]

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
