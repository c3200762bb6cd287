"""Outbound endpoints of an office of exchange: bags, dispatches, their papers, the handover,
and the deadline monitor. Staff of the office (operators of a partner that operates it) and
admins may call them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from silkpost.api.access import OFFICE_STAFF, works_at
from silkpost.api.deps import PlatformDep
from silkpost.api.outbound_schemas import (
    BagIn,
    BagItemIn,
    BagOut,
    BillOut,
    CloseBagIn,
    ClosedBagOut,
    DeadlinesOut,
    HandOverIn,
    ServiceDeadlinesOut,
)
from silkpost.api.problems import MEDIA_TYPE as PROBLEM
from silkpost.api.problems import PROBLEM_RESPONSES, Problem
from silkpost.domain.office import Conveyance
from silkpost.errors import invalid_request
from silkpost.office import deadlines, outbound
from silkpost.office.documents import bill_csv, bill_pdf, label_pdf
from silkpost.office.service import office_of
from silkpost.partners.service import Caller

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    409: {"model": Problem, "description": "The office's records forbid the action",
          "content": {PROBLEM: {}}},
}
router = APIRouter(prefix="/api/v1/offices", tags=["offices"], responses=_RESPONSES)
Office = Annotated[str, Path(description="office code", examples=["CNURCA"], max_length=32)]
Dispatch = Annotated[str, Path(description="S8 dispatch id", max_length=32,
                               examples=["CNURCAKZALAACCC60042"])]
BagNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="the bag's number")]
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "PDF"}}
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV"}}


def _office(platform: PlatformDep, caller: Caller, code: str) -> str:
    office = office_of(platform.network, code).code
    works_at(caller, office)
    return office


@router.post("/{office}/bags", response_model=BagOut, status_code=201)
def post_bag(platform: PlatformDep, office: Office, body: BagIn,
             caller: Annotated[Caller, OFFICE_STAFF]) -> BagOut:
    """Open a bag for items going to one office of exchange."""
    code = _office(platform, caller, office)
    bag = outbound.start_bag(code, body.destination, category=body.category,
                             subclass=body.subclass, at=body.at, network=platform.network,
                             uow=platform.office_uow(), clock=platform.clock)
    return BagOut.of(bag, 0)


@router.post("/{office}/bags/{bag_id}/items", response_model=BagOut)
def post_bag_item(platform: PlatformDep, office: Office, bag_id: BagNumber, body: BagItemIn,
                  caller: Annotated[Caller, OFFICE_STAFF]) -> BagOut:
    """Put a sorted item into an open bag (again: no change)."""
    code = _office(platform, caller, office)
    done = outbound.put_in_bag(code, bag_id, body.item_id, at=body.at,
                               source=caller.partner.code, network=platform.network,
                               uow=platform.office_uow(), clock=platform.clock)
    return BagOut.of(done.bag, done.items)


@router.post("/{office}/bags/{bag_id}/close", response_model=ClosedBagOut)
def post_close_bag(platform: PlatformDep, office: Office, bag_id: BagNumber, body: CloseBagIn,
                   caller: Annotated[Caller, OFFICE_STAFF]) -> ClosedBagOut:
    """Close a bag: weighed and sealed, it gets its S9 id in the open dispatch of its office
    pair; ``last`` closes the dispatch too."""
    code = _office(platform, caller, office)
    closed = outbound.close_bag(code, bag_id, weight_kg=body.weight_kg, seal=body.seal,
                                registered=body.registered, last=body.last, at=body.at,
                                source=caller.partner.code, network=platform.network,
                                uow=platform.office_uow(), clock=platform.clock,
                                gate_offices=platform.settings.acceptance_gate_offices)
    label = closed.bag.receptacle_id or ""
    return ClosedBagOut(bag=BagOut.of(closed.bag, closed.label.items),
                        dispatch_id=closed.dispatch.dispatch_id,
                        dispatch_closed=closed.dispatch.closed_at is not None,
                        label_pdf=f"/api/v1/offices/{code}/receptacles/{label}/label.pdf")


@router.get("/{office}/receptacles/{receptacle_id}/label.pdf", response_class=Response,
            responses=PDF)
def get_label(platform: PlatformDep, office: Office,
              receptacle_id: Annotated[str, Path(max_length=40)],
              caller: Annotated[Caller, OFFICE_STAFF]) -> Response:
    """The bag label (CN 34 / CN 35) of a bag closed here, with its barcode."""
    code = _office(platform, caller, office)
    label = outbound.bag_label(code, receptacle_id, network=platform.network,
                               uow=platform.office_reader())
    return _pdf(label_pdf(label), f"{label.receptacle_id}.pdf")


@router.post("/{office}/dispatches/{dispatch_id}/close", response_model=BillOut)
def post_close_dispatch(platform: PlatformDep, office: Office, dispatch_id: Dispatch,
                        caller: Annotated[Caller, OFFICE_STAFF]) -> BillOut:
    """Close a dispatch (no more bags join it); its delivery bill."""
    code = _office(platform, caller, office)
    bill = outbound.close_dispatch(code, dispatch_id, source=caller.partner.code,
                                   network=platform.network, uow=platform.office_uow(),
                                   clock=platform.clock,
                                   gate_offices=platform.settings.acceptance_gate_offices)
    return BillOut.of(bill, base=f"/api/v1/offices/{code}/dispatches/{bill.dispatch_id}")


@router.get("/{office}/dispatches/{dispatch_id}", response_model=BillOut)
def get_bill(platform: PlatformDep, office: Office, dispatch_id: Dispatch,
             caller: Annotated[Caller, OFFICE_STAFF]) -> BillOut:
    """A dispatch made here, as its delivery bill."""
    code = _office(platform, caller, office)
    bill = _bill(platform, code, dispatch_id)
    return BillOut.of(bill, base=f"/api/v1/offices/{code}/dispatches/{bill.dispatch_id}")


@router.get("/{office}/dispatches/{dispatch_id}/bill.pdf", response_class=Response,
            responses=PDF)
def get_bill_pdf(platform: PlatformDep, office: Office, dispatch_id: Dispatch,
                 caller: Annotated[Caller, OFFICE_STAFF]) -> Response:
    """The delivery bill (CN 37 / CN 38 / CN 41) as PDF."""
    bill = _bill(platform, _office(platform, caller, office), dispatch_id)
    return _pdf(bill_pdf(bill), f"{bill.dispatch_id}.pdf")


@router.get("/{office}/dispatches/{dispatch_id}/bill.csv", response_class=Response,
            responses=CSV)
def get_bill_csv(platform: PlatformDep, office: Office, dispatch_id: Dispatch,
                 caller: Annotated[Caller, OFFICE_STAFF]) -> Response:
    """The delivery bill as CSV, a row per bag."""
    bill = _bill(platform, _office(platform, caller, office), dispatch_id)
    return Response(bill_csv(bill), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{bill.dispatch_id}.csv"'})


@router.post("/{office}/dispatches/{dispatch_id}/handover", response_model=BillOut)
def post_handover(platform: PlatformDep, office: Office, dispatch_id: Dispatch,
                  body: HandOverIn, caller: Annotated[Caller, OFFICE_STAFF]) -> BillOut:
    """Hand a closed dispatch to a conveyance; its pre-advice goes to the office it goes to."""
    code = _office(platform, caller, office)
    with invalid_request():
        conveyance = Conveyance(body.mode, body.reference, body.service_id)
    outbound.hand_over(code, dispatch_id, conveyance, at=body.at, source=caller.partner.code,
                       network=platform.network, uow=platform.office_uow(),
                       clock=platform.clock)
    bill = _bill(platform, code, dispatch_id)
    return BillOut.of(bill, base=f"/api/v1/offices/{code}/dispatches/{bill.dispatch_id}")


@router.get("/{office}/deadlines", response_model=DeadlinesOut)
def get_deadlines(platform: PlatformDep, office: Office,
                  caller: Annotated[Caller, OFFICE_STAFF],
                  limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
                  days: Annotated[int, Query(ge=1, le=366)] = 7) -> DeadlinesOut:
    """Items that have not left, per outbound service, overdue first; the same-day share of
    the last ``days`` days."""
    code = _office(platform, caller, office)
    board = deadlines.monitor(code, network=platform.network, uow=platform.office_reader(),
                              clock=platform.clock, limit=limit)
    share = deadlines.same_day_share(code, days=days, network=platform.network,
                                     uow=platform.office_reader(), clock=platform.clock)
    return DeadlinesOut(office=code, overdue=sum(s.overdue for s in board),
                        on_the_clock=sum(len(s.items) for s in board),
                        same_day_share=share.share, same_day_due=share.due,
                        services=[ServiceDeadlinesOut.of(s) for s in board])


def _bill(platform: PlatformDep, code: str, dispatch_id: str) -> outbound.DeliveryBill:
    return outbound.delivery_bill(code, dispatch_id, network=platform.network,
                                  uow=platform.office_reader())


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


__all__ = ["router"]
