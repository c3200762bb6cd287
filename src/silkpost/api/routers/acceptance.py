"""Acceptance security's endpoints: an office's staff record items' controls and decide on
those held; admins keep the shipper blacklist (each change also in the audit log)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Query

from silkpost.api.acceptance_schemas import (
    AcceptedOut,
    BlacklistEntryOut,
    BlacklistIn,
    ChecksIn,
    DecidedOut,
    DecisionIn,
    LiftedOut,
    LiftIn,
)
from silkpost.api.access import OFFICE_STAFF, AdminCaller, works_at
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import MEDIA_TYPE as PROBLEM
from silkpost.api.problems import PROBLEM_RESPONSES, Problem
from silkpost.customs import blacklist
from silkpost.domain.acceptance import AcceptanceCheck, Outcome
from silkpost.domain.blacklist import shipper
from silkpost.errors import invalid_request
from silkpost.office import acceptance
from silkpost.office.service import office_of
from silkpost.partners.service import Caller

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    409: {"model": Problem, "description": "The records forbid it (an item not held, a "
          "shipper barred already)", "content": {PROBLEM: {}}},
}
router = APIRouter(prefix="/api/v1", tags=["acceptance security"], responses=_RESPONSES)
Office = Annotated[str, Path(description="office code", examples=["CNURCA"], max_length=32)]


@router.post("/offices/{office}/acceptance", response_model=list[AcceptedOut])
def post_checks(platform: PlatformDep, office: Office, body: ChecksIn,
                caller: Annotated[Caller, OFFICE_STAFF]) -> list[AcceptedOut]:
    """Record items' controls (identity, content check, X-ray); a suspect outcome or a
    blacklisted sender holds the item for security."""
    code = office_of(platform.network, office).code
    works_at(caller, code)
    with invalid_request():
        checks = [AcceptanceCheck(
            c.item_id, None if c.sender is None else shipper(c.sender.kind, c.sender.number),
            None if c.content is None else Outcome(c.content),
            None if c.xray is None else Outcome(c.xray), c.note) for c in body.checks]
    barred = blacklist.in_force(uow=platform.blacklist_uow(), clock=platform.clock)
    answers = acceptance.record_checks(code, checks, operator=body.operator, at=body.at,
                                       source=caller.partner.code, network=platform.network,
                                       uow=platform.office_uow(), clock=platform.clock,
                                       blacklist=barred)
    return [AcceptedOut(item_id=a.item_id, held=a.held, reasons=list(a.reasons))
            for a in answers]


@router.post("/offices/{office}/acceptance/decisions", response_model=DecidedOut)
def post_decision(platform: PlatformDep, office: Office, body: DecisionIn,
                  caller: Annotated[Caller, OFFICE_STAFF]) -> DecidedOut:
    """Release items held by acceptance security, or return them to their sender."""
    code = office_of(platform.network, office).code
    works_at(caller, code)
    done = acceptance.decide(code, body.item_ids, body.decision, operator=body.operator,
                             note=body.note, source=caller.partner.code,
                             network=platform.network, uow=platform.office_uow(),
                             clock=platform.clock)
    return DecidedOut(decision=body.decision, item_ids=done)


@router.get("/customs/blacklist", response_model=list[BlacklistEntryOut])
async def get_blacklist(platform: PlatformDep, caller: AdminCaller,
                        everything: Annotated[bool, Query(
                            alias="all", description="also the lifted and expired")] = False
                        ) -> list[BlacklistEntryOut]:
    """The shippers barred now (``all``: the whole history)."""
    found = await anyio.to_thread.run_sync(lambda: blacklist.entries(
        uow=platform.blacklist_uow(), clock=platform.clock, everything=everything))
    return [BlacklistEntryOut.of(n, e) for n, e in found]


@router.post("/customs/blacklist", response_model=BlacklistEntryOut, status_code=201)
def post_blacklist(platform: PlatformDep, body: BlacklistIn,
                   caller: AdminCaller) -> BlacklistEntryOut:
    """Bar a shipper from now; their declarations are refused."""
    n, entry = blacklist.add(body.kind, body.number, reason=body.reason, source=body.source,
                             added_by=body.added_by, expires_at=body.expires_at,
                             uow=platform.blacklist_uow(), clock=platform.clock)
    return BlacklistEntryOut.of(n, entry)


@router.post("/customs/blacklist/lift", response_model=LiftedOut)
def post_lift(platform: PlatformDep, body: LiftIn,
              caller: AdminCaller) -> LiftedOut:
    """Lift a shipper's bar from now (the entry stays in the history)."""
    numbers = blacklist.remove(body.kind, body.number, by=body.removed_by, reason=body.reason,
                               uow=platform.blacklist_uow(), clock=platform.clock)
    return LiftedOut(entries=numbers)
