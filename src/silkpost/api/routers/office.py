"""Exchange-office endpoints: pre-advices in, bags received, opened and verified, items scanned,
sorted, held and released, and the verification note of each dispatch.

Who may do what:

* work at an office (``/offices/{office}/...``): an operator key (or an admin's) whose partner
  operates that office; another partner's staff get a 403 naming the office;
* a pre-advice: a partner or operator key; a partner announces dispatches from the offices it
  operates (any origin outside the network's nodes too) and changes only its own;
* a pre-advice or a verification note read: an admin, a partner operating the dispatch's
  origin or destination office, or the partner that sent its pre-advice. Anyone else gets
  exactly the answer for a dispatch nobody announced (docs/partners.md, Isolation).

The events of the work are recorded as sent by the caller's partner (and the label of an
``X-Silkpost-Source`` header under it, as ``POST /api/v1/events`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from silkpost.api.access import OFFICE_STAFF, Forbidden, allow, works_at
from silkpost.api.deps import PlatformDep
from silkpost.api.office_schemas import (
    AtIn,
    FindingOut,
    FinishedOut,
    HeldItemOut,
    HeldListOut,
    HoldIn,
    ItemOut,
    ItemScanIn,
    ItemScanOut,
    NoteIn,
    OpenedOut,
    PreAdviceIn,
    PreAdviceOut,
    ReceiptOut,
    ReceiveIn,
    VerificationNoteOut,
    findings_csv,
)
from silkpost.api.problems import MEDIA_TYPE as PROBLEM
from silkpost.api.problems import PROBLEM_RESPONSES, BodyTooLarge, Problem
from silkpost.api.routers.tracking import sender
from silkpost.bootstrap import Platform
from silkpost.domain.office import PreAdvice, check_dispatch_id, check_receptacle_id
from silkpost.domain.partners import Role
from silkpost.errors import invalid_request
from silkpost.office import service
from silkpost.office.errors import DispatchNotFound
from silkpost.office.ports import AdvisedDispatch
from silkpost.office.service import VerificationNote
from silkpost.partners.service import Caller
from silkpost.tracking import formats

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    409: {"model": Problem, "description": "The office's records forbid the action",
          "content": {PROBLEM: {}}},
}
router = APIRouter(prefix="/api/v1/offices", tags=["offices"], responses=_RESPONSES)

DISPATCHES: Any = allow(Role.PARTNER, Role.OPERATOR)  # pre-advices and verification notes
# A pre-advice body is read whole (then parsed): held to the JSON documents' limit, which
# 100,000 items of the longest ids (64 characters) fit with room to spare.
MAX_PRE_ADVICE_BYTES = formats.MAX_JSON_BYTES

OfficeCode = Annotated[str, Path(description="the office of exchange (IMPC code)",
                                 examples=["CNURCA"])]
DispatchId = Annotated[str, Path(description="UPU S8 dispatch id (20 characters)",
                                 examples=["CNDGGACNURCADCC60007"])]
ReceptacleId = Annotated[str, Path(description="S9 receptacle id (29 characters)",
                                   examples=["CNDGGACNURCADCC60007001010120"])]
ItemId = Annotated[str, Path(description="S10 id or another carrier's number",
                             examples=["CA000000014CN"])]
SourceLabel = Annotated[str | None, Header(
    alias="X-Silkpost-Source",
    description="a label under the calling partner (its scanner or desk): the events' sender "
    "is recorded as PARTNER/label")]


@dataclass(frozen=True)
class Desk:
    """An office where the caller may work, and the sender its events are recorded under."""

    office: str
    source: str
    request: Request

    def touched(self, *ids: str | None) -> None:
        """Name what the call worked on in its audit entry."""
        self.request.state.audit_objects = [self.office, *(i for i in ids if i)]


def _desk(request: Request, platform: PlatformDep, caller: Annotated[Caller, OFFICE_STAFF],
          office: OfficeCode, label: SourceLabel = None) -> Desk:
    """The office of the path, if it is one and the caller's partner operates it."""
    code = service.office_of(platform.network, office).code
    works_at(caller, code)
    return Desk(code, sender(caller, label), request)


AtDesk = Annotated[Desk, Depends(_desk)]


def _kw(platform: Platform) -> dict[str, Any]:
    return {"network": platform.network, "uow": platform.office_uow(), "clock": platform.clock}


# --- pre-advices ---------------------------------------------------------------------------


async def _pre_advice_body(request: Request) -> PreAdviceIn:
    """The body, read to at most :data:`MAX_PRE_ADVICE_BYTES` (413 past it), then parsed."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PRE_ADVICE_BYTES:
        raise BodyTooLarge(MAX_PRE_ADVICE_BYTES, _HINT)
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_PRE_ADVICE_BYTES:
            raise BodyTooLarge(MAX_PRE_ADVICE_BYTES, _HINT)
        parts.append(chunk)
    try:
        return PreAdviceIn.model_validate_json(b"".join(parts))
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


_HINT = " for a pre-advice (at most 999 receptacles and 100,000 items)"
_PRE_ADVICE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PreAdviceIn"}}},
    }
}


def _may_advise(caller: Caller, advice: PreAdvice, platform: Platform) -> None:
    """A partner announces dispatches from its own offices, and changes only its own."""
    if caller.role is Role.ADMIN:
        return
    me = caller.partner.code
    if advice.origin in platform.network.nodes and not caller.partner.operates(advice.origin):
        raise Forbidden(f"{me} does not operate {advice.origin}, where dispatch "
                        f"{advice.dispatch_id} comes from: its pre-advice is for its operator "
                        "or an admin", field="dispatch_id")
    stored = _stored(advice.dispatch_id, platform)
    if stored is not None and stored.sender != me:
        raise Forbidden(f"dispatch {advice.dispatch_id} was announced by another partner: only "
                        "it or an admin may change its pre-advice", field="dispatch_id")


def _stored(dispatch_id: str, platform: Platform) -> AdvisedDispatch | None:
    try:
        return service.pre_advice(dispatch_id, uow=platform.office_reader())
    except DispatchNotFound:
        return None


def _dispatch(value: str) -> str:
    with invalid_request():
        return check_dispatch_id(value)


def _sees(caller: Caller, dispatch_id: str, platform: Platform) -> bool:
    """Whether the caller may read the dispatch's pre-advice and note."""
    if caller.role is Role.ADMIN or caller.partner.operates(dispatch_id[:6]) \
            or caller.partner.operates(dispatch_id[6:12]):
        return True
    stored = _stored(dispatch_id, platform)
    return stored is not None and stored.sender == caller.partner.code


@router.post("/pre-advices", response_model=PreAdviceOut, status_code=201,
             openapi_extra=_PRE_ADVICE_BODY,
             responses={200: {"model": PreAdviceOut,
                              "description": "The same pre-advice again: nothing changed"},
                        201: {"description": "A new or corrected pre-advice, stored"}})
def post_pre_advice(
    request: Request, response: Response, platform: PlatformDep,
    caller: Annotated[Caller, DISPATCHES],
    body: Annotated[PreAdviceIn, Depends(_pre_advice_body)],
) -> PreAdviceOut:
    """Announce a dispatch to the office it goes to (as UPU PREDES): its receptacles, their
    weights and items. The same pre-advice again is a 200 and changes nothing; a corrected one
    replaces it (201) until the first of its bags is received, then it is a 409. The sender
    is the calling partner, which hears of each bag's receipt and of the verification note
    (webhooks ``dispatch.received`` and ``dispatch.verified``)."""
    with invalid_request():
        advice = body.advice()
    request.state.audit_objects = [advice.dispatch_id]
    _may_advise(caller, advice, platform)
    stored, changed = service.advise(advice, sender=caller.partner.code, **_kw(platform))
    response.status_code = 201 if changed else 200
    request.state.audit_counts = {"receptacles": len(advice.receptacles),
                                  "items": advice.item_count}
    return PreAdviceOut.of(stored)


@router.get("/pre-advices/{dispatch_id}", response_model=PreAdviceOut)
def get_pre_advice(platform: PlatformDep, caller: Annotated[Caller, DISPATCHES],
                   dispatch_id: DispatchId) -> PreAdviceOut:
    """A dispatch's pre-advice as stored."""
    dispatch = _dispatch(dispatch_id)
    if not _sees(caller, dispatch, platform):
        # Exactly the answer for a dispatch nobody announced.
        raise DispatchNotFound(f"no pre-advice names dispatch {dispatch!r}",
                               field="dispatch_id")
    return PreAdviceOut.of(service.pre_advice(dispatch, uow=platform.office_reader()))


# --- the verification note -----------------------------------------------------------------


def _readable_note(caller: Caller, dispatch_id: str, platform: Platform
                   ) -> VerificationNote:
    dispatch = _dispatch(dispatch_id)
    if not _sees(caller, dispatch, platform):
        raise DispatchNotFound(f"no pre-advice or receptacle names dispatch {dispatch!r}",
                               field="dispatch_id")
    return service.verification_note(dispatch, uow=platform.office_reader(),
                                     clock=platform.clock)


@router.get("/dispatches/{dispatch_id}/verification", response_model=VerificationNoteOut)
def get_verification(platform: PlatformDep, caller: Annotated[Caller, DISPATCHES],
                     dispatch_id: DispatchId) -> VerificationNoteOut:
    """The dispatch's verification note so far (as a UPU CN 43): the receptacles received with
    their weights, those announced and not received yet, and every irregularity found."""
    return VerificationNoteOut.of(_readable_note(caller, dispatch_id, platform))


@router.get("/dispatches/{dispatch_id}/verification.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}},
                             "description": "dispatch, kind, receptacle, item, detail, "
                                            "found_at: one row per finding"}})
def get_verification_csv(platform: PlatformDep, caller: Annotated[Caller, DISPATCHES],
                         dispatch_id: DispatchId) -> Response:
    """The note's findings as CSV, in the order found."""
    note = _readable_note(caller, dispatch_id, platform)
    return Response(findings_csv(note), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{note.dispatch_id}-verification.csv"'})


@router.post("/dispatches/{dispatch_id}/verification/close",
             response_model=VerificationNoteOut)
def post_verification_close(request: Request, platform: PlatformDep,
                            caller: Annotated[Caller, OFFICE_STAFF], dispatch_id: DispatchId,
                            body: AtIn | None = None) -> VerificationNoteOut:
    """Close the note when the conveyance has been unloaded: the receptacles announced and not
    received become findings, and the note goes to the pre-advice's sender (webhook
    ``dispatch.verified``). For the staff of the office the dispatch went to."""
    dispatch = _dispatch(dispatch_id)
    request.state.audit_objects = [dispatch]
    if caller.role is not Role.ADMIN and not caller.partner.operates(dispatch[6:12]):
        raise Forbidden(f"{caller.partner.code} does not operate {dispatch[6:12]}, where "
                        f"dispatch {dispatch} goes: its note is closed there",
                        field="dispatch_id")
    note = service.close_verification_note(dispatch, at=body.at if body else None,
                                           source=caller.partner.code, **_kw(platform))
    return VerificationNoteOut.of(note)


# --- receptacles ---------------------------------------------------------------------------


@router.post("/{office}/receptacles", response_model=ReceiptOut)
def post_receptacle(desk: AtDesk, platform: PlatformDep, body: ReceiveIn) -> ReceiptOut:
    """Scan a bag's label on arrival: one outcome per scan, always answered with 200.
    ``announced`` and ``unannounced`` receive it (an unannounced bag, a weight off its
    declaration and a ``duplicate`` become findings); ``already_received`` changes nothing;
    ``wrong_office`` is a bag addressed elsewhere, not received here."""
    desk.touched(body.receptacle_id)
    answer = service.receive(desk.office, body.receptacle_id, weighed_kg=body.weighed_kg,
                             seal=body.seal, at=body.at, source=desk.source, **_kw(platform))
    return ReceiptOut.of(answer)


@router.post("/{office}/receptacles/{receptacle_id}/open", response_model=OpenedOut)
def post_open(desk: AtDesk, platform: PlatformDep, receptacle_id: ReceptacleId,
              body: AtIn | None = None) -> OpenedOut:
    """Open a bag received here: the items its pre-advice lists, those scanned out of it so
    far and those still expected (again: the same answer, no second event)."""
    desk.touched(receptacle_id)
    opened = service.open_receptacle(desk.office, receptacle_id, at=body.at if body else None,
                                     source=desk.source, **_kw(platform))
    return OpenedOut.of(opened)


@router.post("/{office}/receptacles/{receptacle_id}/finish", response_model=FinishedOut)
def post_finish(desk: AtDesk, platform: PlatformDep, receptacle_id: ReceptacleId,
                body: AtIn | None = None) -> FinishedOut:
    """Close an opened bag's verification: advised items not scanned out of it become
    findings. The answer is the bag's findings (missing, surplus, damaged, weight)."""
    desk.touched(receptacle_id)
    findings = service.finish_receptacle(desk.office, receptacle_id,
                                         at=body.at if body else None, source=desk.source,
                                         **_kw(platform))
    label = findings[0].receptacle_id if findings else None
    return FinishedOut(receptacle_id=label or check_receptacle_id(receptacle_id),
                       findings=[FindingOut.of(f) for f in findings])


# --- items ---------------------------------------------------------------------------------


@router.post("/{office}/items", response_model=ItemScanOut)
def post_item(desk: AtDesk, platform: PlatformDep, body: ItemScanIn) -> ItemScanOut:
    """Scan an item (out of the bag being opened, when given): checked against the
    pre-advice, then sorted to its next service, or to the hold area when customs selected
    it, or reported without a route (and why). A repeated scan changes nothing."""
    desk.touched(body.item_id, body.receptacle_id)
    bag = body.receptacle_id
    if bag is not None:
        with invalid_request():  # named as this body names it
            bag = check_receptacle_id(bag, field="receptacle_id")
    scan = service.scan_item(desk.office, body.item_id, receptacle=bag,
                             damaged=body.damaged, goods=body.goods, at=body.at,
                             source=desk.source, **_kw(platform))
    return ItemScanOut.of_scan(scan)


@router.post("/{office}/items/{item_id}/present", response_model=ItemOut)
def post_present(desk: AtDesk, platform: PlatformDep, item_id: ItemId,
                 body: AtIn | None = None) -> ItemOut:
    """Present an item to customs (an event on its timeline)."""
    desk.touched(item_id)
    item = service.present(desk.office, item_id, at=body.at if body else None,
                           source=desk.source, **_kw(platform))
    return ItemOut.of(item)


@router.post("/{office}/items/{item_id}/hold", response_model=ItemOut)
def post_hold(desk: AtDesk, platform: PlatformDep, item_id: ItemId, body: HoldIn) -> ItemOut:
    """Keep an item at the office for customs, security or its address."""
    desk.touched(item_id)
    item = service.hold(desk.office, item_id, body.reason, note=body.note, at=body.at,
                        source=desk.source, **_kw(platform))
    return ItemOut.of(item)


@router.post("/{office}/items/{item_id}/release", response_model=ItemScanOut)
def post_release(desk: AtDesk, platform: PlatformDep, item_id: ItemId,
                 body: AtIn | None = None) -> ItemScanOut:
    """Release a held item: it is sorted again from the release time. An item not held here
    is a 409."""
    desk.touched(item_id)
    scan = service.release(desk.office, item_id, at=body.at if body else None,
                           source=desk.source, **_kw(platform))
    return ItemScanOut.of_scan(scan)


@router.post("/{office}/items/{item_id}/return", response_model=ItemOut)
def post_return(desk: AtDesk, platform: PlatformDep, item_id: ItemId,
                body: NoteIn | None = None) -> ItemOut:
    """Send an item back to its sender from the office (its return starts here)."""
    desk.touched(item_id)
    item = service.return_to_sender(desk.office, item_id, note=body.note if body else "",
                                    at=body.at if body else None, source=desk.source,
                                    **_kw(platform))
    return ItemOut.of(item)


@router.get("/{office}/held", response_model=HeldListOut)
def get_held(
    desk: AtDesk, platform: PlatformDep,
    reason: Annotated[str | None, Query(description="customs, security or address")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> HeldListOut:
    """Items in the office's hold area (for one reason), longest held first, with their age."""
    held = service.held_items(desk.office, reason=reason, limit=limit, network=platform.network,
                              uow=platform.office_reader(), clock=platform.clock)
    return HeldListOut(office=desk.office, items=[HeldItemOut.of_held(h) for h in held])
