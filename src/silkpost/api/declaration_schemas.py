"""Response shapes of the declarations API (its OpenAPI contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from silkpost.customs.declarations import DeclarationPage, DeclareReport, Outcome, RecordResult
from silkpost.domain.declarations import DeclarationStatus, StoredDeclaration


class ProblemOut(BaseModel):
    """One thing wrong with a record: its field path and why."""

    field: str
    reason: str


class RecordResultOut(BaseModel):
    """What became of one record of the body."""

    position: int = Field(description="1-based index in the array")
    reference: str | None
    outcome: Outcome = Field(description="stored; duplicate (stored before, unchanged); "
                             "conflict (another declaration has the reference); refused")
    problems: list[ProblemOut]

    @classmethod
    def of(cls, r: RecordResult) -> RecordResultOut:
        """From the service's result."""
        return cls(position=r.position, reference=r.reference, outcome=r.outcome,
                   problems=[ProblemOut(field=p.field, reason=p.reason) for p in r.problems])


class DeclareOut(BaseModel):
    """What happened to a body of declarations: counts, and each record's result in order."""

    received: int
    stored: int
    duplicates: int
    conflicts: int
    refused: int
    results: list[RecordResultOut]

    @classmethod
    def of(cls, r: DeclareReport) -> DeclareOut:
        """From the service's report."""
        return cls(received=r.received, stored=r.stored, duplicates=r.duplicates,
                   conflicts=r.conflicts, refused=r.refused,
                   results=[RecordResultOut.of(x) for x in r.results])


class DeclarationOut(BaseModel):
    """A stored declaration: whose, where customs has got with it, and the declaration."""

    broker: str
    reference: str
    regime: str
    direction: str
    item_id: str | None
    status: DeclarationStatus
    received_at: datetime
    updated_at: datetime
    declaration: dict[str, Any] = Field(description="as checked and stored (docs/customs.md)")

    @classmethod
    def of(cls, d: StoredDeclaration) -> DeclarationOut:
        """From the stored declaration."""
        return cls(broker=d.broker, reference=d.reference, regime=d.regime,
                   direction=d.direction, item_id=d.item_id, status=d.status,
                   received_at=d.received_at, updated_at=d.updated_at,
                   declaration=dict(d.record))


class DeclarationPageOut(BaseModel):
    """One page of declarations; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[DeclarationOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: DeclarationPage) -> DeclarationPageOut:
        """From the service's page."""
        return cls(items=[DeclarationOut.of(d) for d in page.declarations],
                   next_cursor=page.next_cursor)
