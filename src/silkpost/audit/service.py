"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import datetime

from silkpost.audit.ports import AuditUnitOfWork
from silkpost.domain.audit import AuditEntry

MAX_PAGE = 1000


def record(entry: AuditEntry, *, uow: AuditUnitOfWork) -> None:
    """Append one entry in a transaction of its own (a failed call's entry must outlive the
    call's own rolled-back transaction)."""
    with uow:
        uow.audit.append(entry)
        uow.commit()


def entries(*, uow: AuditUnitOfWork, partner: str | None = None, since: datetime | None = None,
            before_seq: int | None = None, limit: int = 100) -> list[tuple[int, AuditEntry]]:
    """A page of entries, newest first."""
    with uow:
        return uow.audit.entries(partner=partner, since=since, before_seq=before_seq,
                                 limit=max(1, min(limit, MAX_PAGE)))
