"""The in-memory fake of the declaration repository, which ``memory.InMemoryUnitOfWork``
hands out: the same promises as the SQL one (a taken key answers with what is stored under
it, lists in the keyset order), held to them by the same contract tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from silkpost.customs.ports import DeclarationQuery, ListPosition
from silkpost.domain.declarations import CustomsReference, DeclarationStatus, StoredDeclaration
from silkpost.domain.events import to_epoch_us

Key = tuple[str, str]  # (broker, reference)


def _position(d: StoredDeclaration) -> ListPosition:
    return to_epoch_us(d.received_at), d.broker, d.reference


class InMemoryDeclarations:
    """Declarations by (broker, reference); new ones wait in ``pending`` until commit."""

    def __init__(self, committed: dict[Key, StoredDeclaration]) -> None:
        self.committed = committed
        self.pending: dict[Key, StoredDeclaration] = {}

    def get(self, broker: str, reference: str) -> StoredDeclaration | None:
        """The declaration ``broker`` stored under ``reference``, as this transaction sees it."""
        key = (broker, reference)
        return self.pending.get(key) or self.committed.get(key)

    def add(self, declaration: StoredDeclaration) -> StoredDeclaration | None:
        """Keep a declaration under a new key (None), or return the one stored under it."""
        before = self.get(declaration.broker, declaration.reference)
        if before is None:
            self.pending[(declaration.broker, declaration.reference)] = declaration
        return before

    def _all(self) -> list[StoredDeclaration]:
        return list({**self.committed, **self.pending}.values())

    def with_reference(self, reference: str, *, limit: int) -> list[StoredDeclaration]:
        """Declarations of any broker under ``reference``, by broker."""
        found = sorted((d for d in self._all() if d.reference == reference),
                       key=lambda d: d.broker)
        return found[:limit]

    def with_customs_reference(self, kind: CustomsReference, value: str, *,
                               limit: int) -> list[StoredDeclaration]:
        """Declarations whose ``kind`` number is ``value``: newest first, then by broker and
        reference (the record holds the numbers the SQL store copies into columns)."""
        name = CustomsReference(kind).value
        found = [d for d in self._all()
                 if (d.item_id if kind is CustomsReference.ITEM else d.record.get(name))
                 == value]
        found.sort(key=lambda d: (-to_epoch_us(d.received_at), d.broker, d.reference))
        return found[:limit]

    def set_status(self, broker: str, reference: str, status: DeclarationStatus, *,
                   at: datetime) -> bool:
        """Set a declaration's status and updated time, pending until commit."""
        found = self.get(broker, reference)
        if found is None:
            return False
        self.pending[(broker, reference)] = replace(found, status=status, updated_at=at)
        return True

    def list(self, query: DeclarationQuery) -> list[StoredDeclaration]:
        """Declarations matching the query, in the keyset order (newest first)."""
        since = None if query.since is None else to_epoch_us(query.since)
        found = [d for d in self._all()
                 if (query.broker is None or d.broker == query.broker)
                 and (query.regime is None or d.regime == query.regime)
                 and (query.status is None or d.status is query.status)
                 and (since is None or _position(d)[0] >= since)
                 and (query.after is None or _position(d) < query.after)]
        found.sort(key=_position, reverse=True)
        return found[:query.limit]
