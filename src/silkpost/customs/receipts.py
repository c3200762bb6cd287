"""Customs receipts become tracking events on the item they concern.

The item is the postal waybill: a receipt's ``logisticsNo`` when it is a valid S10 id (a
post's waybill number is the item's). A receipt that names no logistics number (an order's,
a payment's, an inventory's) is linked to one through the CEB data messages given with it
(the CEB511 waybill and the CEB621 inventory carry orderNo, copNo, invtNo with the
logisticsNo; the CEB411 payment its payTransactionId with the orderNo). A receipt still
without an S10 item is reported as not attributable: the declarations store
(``silkpost customs declare``) keeps declarations by broker and reference, and cannot yet find
one by its customs references (order, inventory, waybill number).

Events go through the tracking hub's intake, the one way events are stored: validated as a
partner's records are, stored idempotently (the same receipt read twice is a duplicate).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from silkpost.customs.matching import Collected, MessageProblem
from silkpost.domain import s10
from silkpost.domain.customs_receipts import Outcome, Receipt, event_code_of, outcome_of
from silkpost.domain.text import strip_control
from silkpost.tracking.formats import Record
from silkpost.tracking.places import PlaceNames
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import Intake

SOURCE = "customs"
"""The sender the receipts' events are stored under."""
_ERROR_CODE = re.compile(r"-\d{6}")  # spec ch. 7's business error codes: -621005…


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """What became of one receipt: its event, or why it has none."""

    source: str
    message: str
    status: int
    reference: str  # the receipt's own reference, as the report shows it
    outcome: str | None
    code: str | None
    item_id: str | None
    note: str


@dataclass(slots=True)
class ReceiptReport:
    """A batch of receipts: counts, the first lines in detail, what the intake did."""

    receipts: int = 0
    recorded: int = 0  # events handed to the intake
    not_attributable: int = 0
    unknown_status: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    lines: list[ReceiptLine] = field(default_factory=list)
    problems: list[MessageProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every receipt became an event that was stored (or already was)."""
        return not (self.not_attributable or self.unknown_status or self.rejected
                    or self.problems)


class _Links:
    """The logistics number each customs reference leads to, from the data messages."""

    def __init__(self, collected: Collected) -> None:
        self.by: dict[tuple[str, str], str] = {}
        for w in collected.waybills:
            self.by.setdefault(("orderNo", w.order_no), w.logistics_no)
        for i in collected.inventories:
            self.by.setdefault(("orderNo", i.order_no), i.logistics_no)
            for name, value in (("invtNo", i.invt_no), ("copNo", i.cop_no)):
                if value:
                    self.by.setdefault((name, value), i.logistics_no)
        self.orders = {p.pay_transaction_id: p.order_no for p in collected.payments}

    def item(self, receipt: Receipt) -> tuple[str | None, str]:
        """The S10 item of a receipt and how it was found, or None and why not."""
        tried: list[str] = []
        if receipt.logistics_no:
            tried.append(receipt.logistics_no)
        order_no = receipt.order_no or self.orders.get(receipt.pay_transaction_id or "")
        for name, value in (("invtNo", receipt.invt_no), ("copNo", receipt.cop_no),
                            ("orderNo", order_no)):
            if value and (name, value) in self.by:
                tried.append(self.by[name, value])
        for candidate in tried:
            item = s10.compact(candidate)
            if s10.is_valid(item):
                how = ("its logisticsNo" if candidate == receipt.logistics_no
                       else f"logisticsNo {candidate} of the messages given")
                return item, f"item from {how}"
        if tried:
            return None, (f"not attributable: logisticsNo {tried[0]!r} is not an S10 item id, "
                          "and the declarations store cannot look one up by it yet")
        return None, ("not attributable: no logisticsNo, and no waybill or inventory given "
                      "links its references to one (the declarations store cannot look "
                      "them up yet)")


def _reference(receipt: Receipt) -> str:
    for name, value in (("logisticsNo", receipt.logistics_no), ("invtNo", receipt.invt_no),
                        ("orderNo", receipt.order_no), ("copNo", receipt.cop_no),
                        ("payTransactionId", receipt.pay_transaction_id)):
        if value:
            return f"{name} {value}"
    return "(none)"


def _one_line(text: str) -> str:
    """Customs' text on one line: a payload holds no control character (not even a line
    break), and returnInfo often has them."""
    return strip_control(" ".join(text.split()))


def _payload(receipt: Receipt, outcome: Outcome) -> dict[str, Any]:
    payload: dict[str, Any] = {"customs_message": receipt.message,
                               "customs_status": receipt.status}
    if receipt.info:
        payload["return_info"] = _one_line(receipt.info)
    if outcome is Outcome.ERROR and receipt.status < 0:
        payload["error_code"] = str(receipt.status)
    elif outcome in (Outcome.REJECTED, Outcome.ERROR):
        found = _ERROR_CODE.search(receipt.info)
        if found:
            payload["error_code"] = found.group()
    for name, value in (("order_no", receipt.order_no), ("invt_no", receipt.invt_no),
                        ("cop_no", receipt.cop_no), ("logistics_no", receipt.logistics_no)):
        if value:
            payload[name] = _one_line(value)
    return payload


def record_receipts(collected: Collected, *, uow: UnitOfWork, clock: Clock,
                    places: PlaceNames | None = None, max_listed: int = 1000,
                    on_receipt: Callable[[ReceiptReport], None] | None = None
                    ) -> ReceiptReport:
    """Turn every receipt of ``collected`` into a tracking event on its item, stored through
    the hub's intake; a receipt without an item or a known status is reported, not stored."""
    report = ReceiptReport(problems=list(collected.problems))
    links = _Links(collected)
    records: list[Record] = []
    lines: list[ReceiptLine] = []
    for source, receipt in collected.receipts:
        report.receipts += 1
        outcome = outcome_of(receipt.status)
        code = event_code_of(receipt)
        item, note = links.item(receipt)
        if outcome is None or code is None:
            report.unknown_status += 1
            note = f"returnStatus {receipt.status} is not one the specification lists"
        elif item is None:
            report.not_attributable += 1
        else:
            report.by_outcome[outcome.value] += 1
            records.append((len(lines) + 1, {
                "object_id": item, "code": code, "occurred_at": receipt.time.isoformat(),
                "payload": _payload(receipt, outcome)}))
        lines.append(ReceiptLine(source, receipt.message, receipt.status, _reference(receipt),
                                 outcome.value if outcome else None, code, item, note))
        if on_receipt is not None and report.receipts % 1000 == 0:
            on_receipt(report)
    report.recorded = len(records)
    if records:
        with Intake(uow=uow, clock=clock, source=SOURCE, places=places) as intake:
            intake.feed(records)
        result = intake.result
        report.stored, report.duplicates = result.accepted, result.duplicates
        report.rejected = result.rejected
        refused: dict[int, str] = {}
        for r in result.rejections:
            refused.setdefault(r.position, f"refused by the tracking intake: {r.field} "
                                           f"{r.reason}")
        for position, why in refused.items():
            line = lines[position - 1]
            lines[position - 1] = ReceiptLine(line.source, line.message, line.status,
                                              line.reference, line.outcome, line.code,
                                              line.item_id, why)
    report.lines = lines[:max_listed]
    if on_receipt is not None:
        on_receipt(report)
    return report
