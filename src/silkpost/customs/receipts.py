"""Customs receipts become tracking events on the item they concern, and move the status of
the declaration they answer.

The item is the postal waybill: a receipt's ``logisticsNo`` when it is a valid S10 id (a
post's waybill number is the item's). A receipt that names no logistics number (an order's,
a payment's, an inventory's) is linked to one through the CEB data messages given with it
(the CEB511 waybill and the CEB621 inventory carry orderNo, copNo, invtNo with the
logisticsNo; the CEB411 payment its payTransactionId with the orderNo). Failing that, through
the declarations store (``silkpost customs declare``): the declaration carrying the receipt's
invtNo, else its orderNo, else its logisticsNo as waybill number, names the item (its
``item_id``, when an S10 id). A receipt still without an item is reported as not attributable.

A receipt that leads to one stored declaration (that way, or by its item) puts it in the
status its outcome means (``status_after``); when a batch holds several receipts for one
declaration, the latest by customs' time decides. A number several declarations carry (two
brokers' orders) names none of them: guessing would move another broker's declaration.

Events go through the tracking hub's intake, the one way events are stored: validated as a
partner's records are, stored idempotently (the same receipt read twice is a duplicate, and
finds the declaration already in its status).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from silkpost.customs.matching import Collected, MessageProblem
from silkpost.customs.ports import DeclarationRepository, DeclarationUnitOfWork
from silkpost.domain import s10
from silkpost.domain.customs_receipts import Outcome, Receipt, event_code_of, outcome_of
from silkpost.domain.declarations import (
    CustomsReference,
    DeclarationStatus,
    StoredDeclaration,
    status_after,
)
from silkpost.domain.text import strip_control
from silkpost.tracking.formats import Record
from silkpost.tracking.places import PlaceNames
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import Intake

SOURCE = "customs"
"""The sender the receipts' events are stored under."""
_ERROR_CODE = re.compile(r"-\d{6}")  # spec ch. 7's business error codes: -621005…
_AT_MOST = 3  # declarations read per number: two already make it ambiguous
_LONGEST = 64  # a declaration's numbers are at most this long: a longer one finds none


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
    declaration: str | None = None  # "broker/reference" of the stored declaration it answers


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
    declarations_updated: int = 0  # stored declarations whose status the receipts moved
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

    def order_no(self, receipt: Receipt) -> str | None:
        """The receipt's order number, or its payment's (a CEB411 given with it)."""
        return receipt.order_no or self.orders.get(receipt.pay_transaction_id or "")

    def item(self, receipt: Receipt) -> tuple[str | None, str]:
        """The S10 item of a receipt and how it was found, or None and why not."""
        tried: list[str] = []
        if receipt.logistics_no:
            tried.append(receipt.logistics_no)
        order_no = self.order_no(receipt)
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
                          "and no stored declaration carrying its numbers names an item")
        return None, ("not attributable: no logisticsNo, no waybill or inventory given links "
                      "its references to one, and no stored declaration carrying them names "
                      "an item")


def _searchable(value: str | None) -> str | None:
    """A number worth asking the store about: a hostile one (huge, with control characters,
    which PostgreSQL refuses outright) cannot be a declaration's, so it is not asked."""
    if not value or len(value) > _LONGEST or strip_control(value) != value:
        return None
    return value


class _Declarations:
    """The stored declaration a receipt answers, found by the numbers customs writes on it."""

    def __init__(self, repository: DeclarationRepository) -> None:
        self._repository = repository

    def of(self, receipt: Receipt, *, order_no: str | None, item: str | None
           ) -> tuple[StoredDeclaration | None, str | None]:
        """The one declaration and how it was found; None and why when several carry the
        number; None, None when none does."""
        tried = [(CustomsReference.ITEM, "item", item),
                 (CustomsReference.INVENTORY, "invtNo", receipt.invt_no),
                 (CustomsReference.ORDER, "orderNo", order_no),
                 (CustomsReference.WAYBILL, "logisticsNo", receipt.logistics_no)]
        for kind, label, raw in tried:
            value = _searchable(raw)
            if value is None:
                continue
            found = self._repository.with_customs_reference(kind, value, limit=_AT_MOST)
            if len(found) == 1:
                return found[0], f"{label} {value}"
            if found:
                more = "+" if len(found) == _AT_MOST else ""
                return None, (f"{len(found)}{more} stored declarations carry {label} {value} "
                              f"({', '.join(_key(d) for d in found)}): none is taken")
        return None, None


def _key(declaration: StoredDeclaration) -> str:
    return f"{declaration.broker}/{declaration.reference}"


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


def _attributed(receipt: Receipt, item: str | None, note: str,
                declaration: StoredDeclaration | None, how: str | None) -> tuple[str | None, str]:
    """The item and note of a receipt, now that its stored declaration is known (or not)."""
    if declaration is None:
        if how is None:
            return item, note
        return item, f"not attributable: {how}" if item is None else f"{note}; {how}"
    if item is not None:
        return item, f"{note}; declaration {_key(declaration)} by its {how}"
    candidate = s10.compact(declaration.item_id or "")
    if s10.is_valid(candidate):
        return candidate, f"item of declaration {_key(declaration)}, found by its {how}"
    return None, (f"not attributable: declaration {_key(declaration)}, found by its {how}, "
                  "names no S10 item")


def _move(declarations: DeclarationUnitOfWork,
          wanted: dict[tuple[str, str], tuple[datetime, int, DeclarationStatus]],
          clock: Clock) -> int:
    """Put each declaration in the status its latest receipt means; how many moved. One
    already there is left as is, its updated time too: reading a receipt again changes
    nothing."""
    moved = 0
    with declarations as duow:
        for (broker, reference), (_, _, status) in sorted(wanted.items()):
            current = duow.declarations.get(broker, reference)
            if current is None or current.status is status:
                continue
            # A clock behind the one that received it must not date an update before that.
            at = max(clock.now(), current.updated_at)
            duow.declarations.set_status(broker, reference, status, at=at)
            moved += 1
        duow.commit()
    return moved


def record_receipts(collected: Collected, *, uow: UnitOfWork, clock: Clock,
                    places: PlaceNames | None = None,
                    declarations: DeclarationUnitOfWork | None = None,
                    max_listed: int = 1000,
                    on_receipt: Callable[[ReceiptReport], None] | None = None
                    ) -> ReceiptReport:
    """Turn every receipt of ``collected`` into a tracking event on its item, stored through
    the hub's intake; a receipt without an item or a known status is reported, not stored.

    With ``declarations``, the stored declarations lend their items to receipts that have
    none, and follow their receipts' outcomes. It is entered twice, to read and then to
    write, and never held while the intake stores: on SQLite it holds the write lock.
    """
    report = ReceiptReport(problems=list(collected.problems))
    links = _Links(collected)
    records: list[Record] = []
    lines: list[ReceiptLine] = []
    wanted: dict[tuple[str, str], tuple[datetime, int, DeclarationStatus]] = {}
    with (declarations if declarations is not None else nullcontext()) as duow:
        finder = None if duow is None else _Declarations(duow.declarations)
        for source, receipt in collected.receipts:
            report.receipts += 1
            outcome = outcome_of(receipt.status)
            code = event_code_of(receipt)
            item, note = links.item(receipt)
            declaration = how = None
            if finder is not None:
                declaration, how = finder.of(receipt, order_no=links.order_no(receipt),
                                             item=item)
                item, note = _attributed(receipt, item, note, declaration, how)
            if outcome is None or code is None:
                report.unknown_status += 1
                note = f"returnStatus {receipt.status} is not one the specification lists"
            else:
                status = status_after(outcome)
                if declaration is not None and status is not None:
                    key = (declaration.broker, declaration.reference)
                    latest = (receipt.time, report.receipts, status)
                    if key not in wanted or wanted[key][:2] < latest[:2]:
                        wanted[key] = latest
                if item is None:
                    report.not_attributable += 1
                else:
                    report.by_outcome[outcome.value] += 1
                    records.append((len(lines) + 1, {
                        "object_id": item, "code": code,
                        "occurred_at": receipt.time.isoformat(),
                        "payload": _payload(receipt, outcome)}))
            lines.append(ReceiptLine(source, receipt.message, receipt.status,
                                     _reference(receipt), outcome.value if outcome else None,
                                     code, item, note,
                                     None if declaration is None else _key(declaration)))
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
                                              line.item_id, why, line.declaration)
    if declarations is not None and wanted:
        report.declarations_updated = _move(declarations, wanted, clock)
    report.lines = lines[:max_listed]
    if on_receipt is not None:
        on_receipt(report)
    return report
