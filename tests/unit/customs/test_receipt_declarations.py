"""Receipts and the stored declarations they answer, on the in-memory fakes: which
declaration a receipt takes, and what status it leaves it in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from silkpost.bootstrap import Platform
from silkpost.customs.declarations import declare, get_declaration
from silkpost.customs.matching import Collected
from silkpost.customs.receipts import ReceiptReport, record_receipts
from silkpost.domain.customs_receipts import Receipt
from silkpost.tracking.service import track
from tests.unit.customs.declaration_records import record, register_broker

ITEM = "CA000000014CN"
AT = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # before the tests' clock: not a future event


def stored(p: Platform, *records: dict[str, object]) -> None:
    register_broker(p, "BRK-A")
    declare(list(enumerate(records, start=1)), broker="BRK-A", uow=p.declaration_uow(),
            clock=p.clock)


def run(p: Platform, *receipts: Receipt) -> ReceiptReport:
    collected = Collected(receipts=[("r.xml", r) for r in receipts])
    return record_receipts(collected, uow=p.uow(), clock=p.clock,
                           declarations=p.declaration_uow())


def status(p: Platform, reference: str = "D-1") -> str:
    return get_declaration(reference, broker="BRK-A", uow=p.declaration_uow()).status.value


def test_a_processing_error_is_an_event_and_leaves_the_status(memory_platform: Platform
                                                              ) -> None:
    """An error (SZE) says nothing of the declaration: its event is stored on the item the
    declaration names, the status stays as the last outcome left it."""
    p = memory_platform
    stored(p, record("D-1", item_id=ITEM, order_no="ORD-1", waybill_no="WB-1"))
    held = Receipt("CEB304", 500, AT, "查验", order_no="ORD-1")
    error = Receipt("CEB304", -301001, AT + timedelta(hours=1), "报文错误", order_no="ORD-1")
    report = run(p, held, error)
    assert (report.stored, report.declarations_updated) == (2, 1)
    assert status(p) == "held"
    codes = [e.code for e in track(ITEM, uow=p.uow(), clock=p.clock).timeline]
    assert codes == ["EXB", "SZE"]


def test_a_declaration_without_an_s10_item_moves_but_lends_no_item(memory_platform: Platform
                                                                   ) -> None:
    """Its item is not an S10 id: the receipt is not attributable (no event), and still moves
    the declaration it answers."""
    p = memory_platform
    stored(p, record("D-1", item_id="PKG-7", order_no="ORD-1", waybill_no="WB-1"))
    report = run(p, Receipt("CEB304", 800, AT, "放行", order_no="ORD-1"))
    assert (report.not_attributable, report.recorded, report.declarations_updated) == (1, 0, 1)
    assert "BRK-A/D-1" in report.lines[0].note and "no S10 item" in report.lines[0].note
    assert status(p) == "released"


def test_without_a_declaration_store_receipts_are_as_before(memory_platform: Platform) -> None:
    p = memory_platform
    stored(p, record("D-1", item_id=ITEM, order_no="ORD-1", waybill_no="WB-1"))
    collected = Collected(receipts=[("r.xml", Receipt("CEB304", 800, AT, "放行",
                                                      order_no="ORD-1"))])
    report = record_receipts(collected, uow=p.uow(), clock=p.clock)
    assert (report.not_attributable, report.declarations_updated) == (1, 0)
    assert status(p) == "received"
