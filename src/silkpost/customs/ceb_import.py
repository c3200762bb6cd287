"""China customs' CEB import messages read into the matching's records, and CEB receipts
read into :class:`~silkpost.domain.customs_receipts.Receipt`.

Read: CEB311 (order), CEB411 (payment), CEB511 (waybill), CEB621 (inventory), and the
receipts CEB304/506/604/702 (export) and CEB312/412/512/622 (import), in the 2018 and the
202205 versions (the elements read here are the same in both). A message holds up to 100
records; each record is read alone, and each malformed element is a problem naming its path
(``CEB311Message/Order[2]/OrderHead/acturalPaid``) and the reason, so a bad record leaves the
others of its message to be read. Schema validation is not done here: what is checked is what
the matching needs to be sound (present, a number, a date).

Messages come from outside: the parser resolves no entities, loads no DTD, touches no network,
and refuses a document with a DOCTYPE and one over :data:`MAX_MESSAGE_BYTES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from lxml import etree

from silkpost.customs.ceb.schemas import (
    CEB_NS,
    CHINA_TIME,
    MAX_MESSAGE_BYTES,
    TIME_FORMAT,
    safe_parser,
)
from silkpost.domain.customs_matching import (
    GoodsLine,
    ImportInventory,
    ImportOrder,
    ImportPayment,
    ImportWaybill,
    Person,
)
from silkpost.domain.customs_receipts import RECEIPTS, Receipt
from silkpost.domain.errors import Problem

NS = CEB_NS
_PREFIX = f"{{{NS}}}"
_ANY = f"{_PREFIX}*"
MAX_TEXT = 1000  # the longest text element of these messages (note, returnInfo)
_V = TypeVar("_V")
_AMOUNT = re.compile(r"\d{1,19}(?:\.\d{1,5})?")
_INTEGER = re.compile(r"-?\d{1,9}")
_DOCTYPE = "has a DOCTYPE: a CEB message has none, and entities and DTDs are not read"
_TIME = re.compile(r"\d{14}(?:\d{3})?")

# Message → its record element and, for data messages, its head element.
DATA_MESSAGES = {"CEB311": ("Order", "OrderHead"), "CEB411": ("Payment", "PaymentHead"),
                 "CEB511": ("Logistics", "LogisticsHead"),
                 "CEB621": ("Inventory", "InventoryHead")}
RECEIPT_ELEMENTS = {"CEB304": "OrderReturn", "CEB312": "OrderReturn",
                    "CEB412": "PaymentReturn", "CEB506": "LogisticsReturn",
                    "CEB512": "LogisticsReturn", "CEB604": "InventoryReturn",
                    "CEB622": "InventoryReturn", "CEB702": "SummaryReturn"}
assert RECEIPT_ELEMENTS.keys() == RECEIPTS.keys()


@dataclass(slots=True)
class CebMessage:
    """What one message gave: its records, and a problem for each element that was wrong."""

    kind: str | None = None  # CEB311, CEB622…; None when the document is no CEB message
    orders: list[ImportOrder] = field(default_factory=list)
    payments: list[ImportPayment] = field(default_factory=list)
    waybills: list[ImportWaybill] = field(default_factory=list)
    inventories: list[ImportInventory] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refused_records: int = 0  # records left out for their problems


def read_message(data: bytes) -> CebMessage:
    """The records of one CEB message (see the module's docstring); never raises for bad
    input: what is wrong is in the result's ``problems``."""
    out = CebMessage()
    if len(data) > MAX_MESSAGE_BYTES:
        out.problems.append(Problem("(file)", f"{len(data):,} bytes, over the "
                                              f"{MAX_MESSAGE_BYTES:,} a message may have"))
        return out
    if b"<!DOCTYPE" in data:  # refused before parsing: no entity is ever declared
        out.problems.append(Problem("(file)", _DOCTYPE))
        return out
    try:
        root = etree.fromstring(data, safe_parser(strip_comments=True))
    except etree.XMLSyntaxError as exc:
        out.problems.append(Problem("(file)", f"not well-formed XML: {exc.msg}"))
        return out
    if root.getroottree().docinfo.doctype:
        out.problems.append(Problem("(file)", _DOCTYPE))
        return out
    tag = root.tag if isinstance(root.tag, str) else ""
    local = tag.rpartition("}")[2]
    kind = local.removesuffix("Message")
    if not tag.startswith(_PREFIX):
        out.problems.append(Problem(local or "(root)", f"not a CEB message: the root element "
                                                       f"is not in the namespace {NS}"))
        return out
    if kind not in DATA_MESSAGES and kind not in RECEIPT_ELEMENTS:
        known = ", ".join(sorted([*DATA_MESSAGES, *RECEIPT_ELEMENTS]))
        out.problems.append(Problem(local, f"{kind} is not a message read here ({known})"))
        return out
    out.kind = kind
    if kind in DATA_MESSAGES:
        record_name, head_name = DATA_MESSAGES[kind]
        read = _DATA_READERS[kind]
        records = root.findall(_PREFIX + record_name)
        for n, record in enumerate(records, start=1):
            path = f"{local}/{record_name}[{n}]"
            _Record(out, path, record, head_name).run(read)
        if not records:
            out.problems.append(Problem(local, f"holds no {record_name}"))
    else:
        name = RECEIPT_ELEMENTS[kind]
        records = root.findall(_PREFIX + name)
        for n, record in enumerate(records, start=1):
            _Record(out, f"{local}/{name}[{n}]", record, None).run(_receipt)
        if not records:
            out.problems.append(Problem(local, f"holds no {name}"))
    return out


def _fields(element: Any) -> dict[str, str]:
    """An element's children in the CEB namespace, by local name, with their text (the
    first of a name: the schema allows one)."""
    out: dict[str, str] = {}
    cut = len(_PREFIX)
    for child in element.iterchildren(_ANY):  # lxml filters by namespace, in C
        name = child.tag[cut:]
        if name not in out:
            out[name] = child.text or ""
    return out


class _Record:
    """Reads one record, noting every problem; the record is kept only without one."""

    def __init__(self, out: CebMessage, path: str, element: Any, head: str | None) -> None:
        self.out, self.path, self.element, self.head_name = out, path, element, head
        self.problems: list[Problem] = []
        self.named: set[str] = set()  # paths already refused: one problem each

    def run(self, read: Callable[[_Record], None]) -> None:
        read(self)
        if self.problems:
            self.out.problems.extend(self.problems)
            self.out.refused_records += 1

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

    def head(self) -> tuple[dict[str, str], str] | None:
        assert self.head_name is not None
        heads = self.element.findall(_PREFIX + self.head_name)
        where = f"{self.path}/{self.head_name}"
        if len(heads) != 1:
            self.problem(where, f"{len(heads)} found, one is required")
            return None
        return _fields(heads[0]), where

    # -- values ---------------------------------------------------------------------------
    def text(self, values: dict[str, str], name: str, where: str, *,
             required: bool = True) -> str | None:
        value = values.get(name, "").strip()
        if not value:
            if required and f"{where}/{name}" not in self.named:
                self.problem(f"{where}/{name}", "is required")
            return None
        if len(value) > MAX_TEXT:
            self.problem(f"{where}/{name}", f"{len(value):,} characters, at most {MAX_TEXT}")
            return None
        return value

    def amount(self, values: dict[str, str], name: str, where: str, *,
               required: bool = True) -> Decimal | None:
        text = self.text(values, name, where, required=required)
        if text is None:
            return None
        if not _AMOUNT.fullmatch(text) or len(text.replace(".", "")) > 19:
            self.problem(f"{where}/{name}", f"{text[:40]!r} is not an amount: digits, at most "
                                            "19, 5 of them after the point")
            return None
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            self.problem(f"{where}/{name}", f"{text[:40]!r} is not a number")
            return None

    def integer(self, values: dict[str, str], name: str, where: str) -> int | None:
        text = self.text(values, name, where)
        if text is None:
            return None
        if not _INTEGER.fullmatch(text):
            self.problem(f"{where}/{name}", f"{text[:40]!r} is not a whole number")
            return None
        return int(text)

    def person(self, values: dict[str, str], where: str, prefix: str) -> Person | None:
        name = self.text(values, f"{prefix}Name", where)
        id_type = self.text(values, f"{prefix}IdType", where)
        number = self.text(values, f"{prefix}IdNumber", where)
        if name is None or id_type is None or number is None:
            return None
        return Person(name, id_type, number)

    def list_path(self, list_name: str) -> str:
        """Where the record's lines of goods are."""
        return f"{self.path}/{list_name}"

    def items(self, list_name: str) -> list[tuple[str, dict[str, str]]]:
        """The record's lines of goods, each with its path."""
        return [(f"{self.path}/{list_name}[{n}]", _fields(element)) for n, element
                in enumerate(self.element.findall(_PREFIX + list_name), start=1)]

    def lines(self, list_name: str, *, name_field: str) -> tuple[GoodsLine, ...] | None:
        before = len(self.problems)
        found = self.items(list_name)
        if not found:
            if len(self.problems) == before:
                self.problem(self.list_path(list_name), "at least one line of goods is "
                                                        "required")
            return None
        out = []
        for where, values in found:
            gnum = self.integer(values, "gnum", where)
            name = self.text(values, name_field, where)
            qty = self.amount(values, "qty", where)
            unit = self.text(values, "unit", where)
            price = self.amount(values, "price", where)
            total = self.amount(values, "totalPrice", where)
            item_no = self.text(values, "itemNo", where, required=False)
            if (gnum is not None and name is not None and qty is not None
                    and unit is not None and price is not None and total is not None):
                out.append(GoodsLine(gnum, name, qty, unit, price, total, item_no))
        return tuple(out) if len(self.problems) == before else None


def _order(r: _Record) -> None:
    found = r.head()
    if found is None:
        return
    v, where = found
    values = {name: r.text(v, name, where) for name in (
        "orderNo", "ebpCode", "consignee", "consigneeTelephone", "consigneeAddress",
        "currency")}
    amounts = {name: r.amount(v, name, where) for name in (
        "goodsValue", "freight", "discount", "taxTotal", "acturalPaid")}
    buyer = r.person(v, where, "buyer")
    pay_id = r.text(v, "payTransactionId", where, required=False)
    lines = r.lines("OrderList", name_field="itemName")
    if r.problems or buyer is None or lines is None:
        return
    text, money = _all(values), _all(amounts)
    r.out.orders.append(ImportOrder(
        order_no=text["orderNo"], ebp_code=text["ebpCode"], buyer=buyer,
        consignee=text["consignee"], telephone=text["consigneeTelephone"],
        address=text["consigneeAddress"], goods_value=money["goodsValue"],
        freight=money["freight"], discount=money["discount"], tax_total=money["taxTotal"],
        actural_paid=money["acturalPaid"], currency=text["currency"], lines=lines,
        pay_transaction_id=pay_id))


def _payment(r: _Record) -> None:
    found = r.head()
    if found is None:
        return
    v, where = found
    values = {name: r.text(v, name, where) for name in (
        "orderNo", "payCode", "payTransactionId", "currency")}
    paid = r.amount(v, "amountPaid", where)
    payer = r.person(v, where, "payer")
    if r.problems or payer is None or paid is None:
        return
    text = _all(values)
    r.out.payments.append(ImportPayment(
        order_no=text["orderNo"], pay_code=text["payCode"], payer=payer, amount_paid=paid,
        pay_transaction_id=text["payTransactionId"], currency=text["currency"]))


def _waybill(r: _Record) -> None:
    found = r.head()
    if found is None:
        return
    v, where = found
    values = {name: r.text(v, name, where) for name in (
        "logisticsNo", "orderNo", "consignee", "consigneeTelephone", "consigneeAddress")}
    weight = r.amount(v, "weight", where)
    freight = r.amount(v, "freight", where, required=False)
    pack_no = r.integer(v, "packNo", where)
    if r.problems or weight is None or pack_no is None:
        return
    text = _all(values)
    r.out.waybills.append(ImportWaybill(
        logistics_no=text["logisticsNo"], order_no=text["orderNo"],
        consignee=text["consignee"], telephone=text["consigneeTelephone"],
        address=text["consigneeAddress"], weight=weight, pack_no=pack_no, freight=freight))


def _inventory(r: _Record) -> None:
    found = r.head()
    if found is None:
        return
    v, where = found
    values = {name: r.text(v, name, where) for name in (
        "orderNo", "logisticsNo", "ebpCode", "consigneeAddress", "currency")}
    buyer = r.person(v, where, "buyer")
    freight = r.amount(v, "freight", where)
    pack_no = r.integer(v, "packNo", where)
    invt_no = r.text(v, "invtNo", where, required=False)
    cop_no = r.text(v, "copNo", where, required=False)
    lines = r.lines("InventoryList", name_field="gname")
    if r.problems or buyer is None or freight is None or pack_no is None or lines is None:
        return
    text = _all(values)
    r.out.inventories.append(ImportInventory(
        order_no=text["orderNo"], logistics_no=text["logisticsNo"], ebp_code=text["ebpCode"],
        buyer=buyer, address=text["consigneeAddress"], freight=freight, pack_no=pack_no,
        lines=lines, invt_no=invt_no, cop_no=cop_no, currency=text["currency"]))


def _receipt(r: _Record) -> None:
    v, where = _fields(r.element), r.path
    status = r.integer(v, "returnStatus", where)
    when = r.text(v, "returnTime", where)
    info = r.text(v, "returnInfo", where, required=False) or ""
    moment = None
    if when is not None:
        moment = _time(when)
        if moment is None:
            r.problem(f"{where}/returnTime", f"{when[:40]!r} is not a time "
                                             "YYYYMMDDhhmmssSSS")
    refs = {name: r.text(v, name, where, required=False) for name in (
        "orderNo", "logisticsNo", "invtNo", "copNo", "payTransactionId")}
    if r.problems or status is None or moment is None:
        return
    assert r.out.kind is not None
    r.out.receipts.append(Receipt(
        message=r.out.kind, status=status, time=moment, info=info, order_no=refs["orderNo"],
        logistics_no=refs["logisticsNo"], invt_no=refs["invtNo"], cop_no=refs["copNo"],
        pay_transaction_id=refs["payTransactionId"]))


def _time(text: str) -> datetime | None:
    if not _TIME.fullmatch(text):
        return None
    try:
        moment = datetime.strptime(text[:14], TIME_FORMAT)
    except ValueError:
        return None
    millis = int(text[14:] or 0)
    return moment.replace(microsecond=millis * 1000, tzinfo=CHINA_TIME)


def _all(values: dict[str, _V | None]) -> dict[str, _V]:
    """The values once every one is known present (the record had no problem)."""
    return {k: v for k, v in values.items() if v is not None}


_DATA_READERS: dict[str, Callable[[_Record], None]] = {
    "CEB311": _order, "CEB411": _payment, "CEB511": _waybill, "CEB621": _inventory}


# -- NDJSON: the same records as JSON objects, one a line -------------------------------------
_KINDS: dict[str, Callable[[_Record], None]] = {
    "order": _order, "payment": _payment, "waybill": _waybill, "inventory": _inventory}


class _ObjectRecord(_Record):
    """A record given as a JSON object: the head's elements as its keys (CEB names), the lines
    of goods under ``lines``."""

    def head(self) -> tuple[dict[str, str], str] | None:
        return self.scalars(self.element, self.path, skip=("kind", "lines")), self.path

    def list_path(self, list_name: str) -> str:
        return f"{self.path}/lines"

    def items(self, list_name: str) -> list[tuple[str, dict[str, str]]]:
        raw = self.element.get("lines")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(f"{self.path}/lines", "must be an array of objects")
            return []
        out = []
        for n, line in enumerate(raw, start=1):
            where = f"{self.path}/lines[{n}]"
            if not isinstance(line, dict):
                self.problem(where, "must be an object")
                continue
            out.append((where, self.scalars(line, where, skip=())))
        return out

    def scalars(self, raw: dict[str, Any], where: str, *, skip: tuple[str, ...]
                ) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in raw.items():
            if key in skip or value is None:
                continue
            if isinstance(value, str):
                out[key] = value
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = str(value)
            else:
                self.named.add(f"{where}/{key}")
                self.problem(f"{where}/{str(key)[:64]}", f"must be text or a number, not "
                                                          f"{type(value).__name__}")
        return out


def read_records(records: Iterable[tuple[int, Mapping[str, Any] | Problem]]) -> CebMessage:
    """Orders, payments, waybills and inventories given as JSON objects (an NDJSON file), each
    with ``kind`` (order, payment, waybill or inventory) and the CEB message's element names
    (``orderNo``, ``acturalPaid``…; ``lines`` for the lines of goods). Each problem is named
    ``line N/element``; a bad line leaves the others to be read."""
    out = CebMessage(kind="NDJSON")
    for number, raw in records:
        where = f"line {number}"
        if isinstance(raw, Problem):
            out.problems.append(Problem(where, raw.reason))
            out.refused_records += 1
            continue
        kind = raw.get("kind")
        read = _KINDS.get(kind) if isinstance(kind, str) else None
        if read is None:
            out.problems.append(Problem(f"{where}/kind", f"one of {', '.join(_KINDS)}, not "
                                                         f"{str(kind)[:40]!r}"))
            out.refused_records += 1
            continue
        _ObjectRecord(out, where, dict(raw), None).run(read)
    return out
