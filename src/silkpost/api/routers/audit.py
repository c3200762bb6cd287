"""``GET /api/v1/audit``: the audit log, for admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from silkpost.api.access import allow
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES
from silkpost.audit.service import MAX_PAGE, entries

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=PROBLEM_RESPONSES,
                   dependencies=[allow()])


class AuditEntryOut(BaseModel):
    """One entry: who, what, when, from where, and how it ended."""

    seq: int
    at: datetime
    action: str
    status: int
    partner: str | None
    key_id: str | None
    client: str | None
    request_id: str | None
    objects: list[str]
    counts: dict[str, int]
    detail: str


class AuditPageOut(BaseModel):
    """A page of entries, newest first; ``next`` is the ``before`` of the next page."""

    entries: list[AuditEntryOut]
    next: int | None


@router.get("/audit", response_model=AuditPageOut)
def get_audit(
    platform: PlatformDep,
    partner: Annotated[str | None, Query(max_length=32, description="only this partner")]
    = None,
    since: Annotated[datetime | None, Query(description="entries at or after this time")]
    = None,
    before: Annotated[int | None, Query(ge=1, description="entries before this seq (paging)")]
    = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> AuditPageOut:
    """Who changed what, and which keys were refused: newest first."""
    found = entries(uow=platform.audit_uow(), partner=partner, since=since, before_seq=before,
                    limit=limit)
    out = [AuditEntryOut(seq=n, at=e.at, action=e.action, status=e.status, partner=e.partner,
                         key_id=e.key_id, client=e.client, request_id=e.request_id,
                         objects=list(e.objects), counts=dict(e.counts), detail=e.detail)
           for n, e in found]
    return AuditPageOut(entries=out, next=out[-1].seq if len(out) == limit else None)
