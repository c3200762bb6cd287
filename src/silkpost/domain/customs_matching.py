"""三单对碰: China customs matches an import inventory (清单) against the platform's order, the
payment company's payment and the logistics company's waybill before it releases the parcel.

A broker runs the same matching before it declares, so that an inventory customs would send
back (退单) is caught on its own desk. The records here hold what the four CEB messages
(CEB311, CEB411, CEB511, CEB621) carry for the match, in the messages' own terms; the rules
are written once, in :func:`match_set`, and each mismatch is named by the CEB field that is
wrong and the field it was held against (``payment.amountPaid`` against
``order.acturalPaid``), so the one who fixes it knows whose message to resend.

Amounts are compared within a tolerance (:class:`MatchRules`, 5 % by default: the share
secondary sources report customs allows on the calculation); everything else compares equal.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TypeVar

from silkpost.domain.customs import (
    Direction,
    IdKind,
    identity_problem,
    inventory_number_problem,
    line_total_problem,
    paid_problem,
)

CNY = "142"  # China customs' own currency code for the yuan (JGS-20): imports are in CNY
RESIDENT_ID = "1"  # buyerIdType / payerIdType: 1 resident identity card, 2 other
CENT = Decimal("0.01")
_T = TypeVar("_T")
_Linked = TypeVar("_Linked", "ImportOrder", "ImportPayment", "ImportWaybill")


@dataclass(frozen=True, slots=True)
class Person:
    """A buyer or payer as customs knows them: real name and identity document."""

    name: str
    id_type: str
    id_number: str


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """One line of goods of an order (OrderList) or an inventory (InventoryList), numbered by
    ``gnum``, which pairs an inventory line with its order line."""

    gnum: int
    item_name: str
    qty: Decimal
    unit: str
    price: Decimal
    total_price: Decimal
    item_no: str | None = None


@dataclass(frozen=True, slots=True)
class ImportOrder:
    """The platform's order (CEB311 OrderHead and its OrderList)."""

    order_no: str
    ebp_code: str
    buyer: Person
    consignee: str
    telephone: str
    address: str
    goods_value: Decimal
    freight: Decimal
    discount: Decimal
    tax_total: Decimal
    actural_paid: Decimal  # sic: the CEB element is spelt so
    currency: str
    lines: tuple[GoodsLine, ...]
    pay_transaction_id: str | None = None


@dataclass(frozen=True, slots=True)
class ImportPayment:
    """The payment company's record of what the buyer paid (CEB411 PaymentHead)."""

    order_no: str
    pay_code: str
    payer: Person
    amount_paid: Decimal
    pay_transaction_id: str
    currency: str = CNY


@dataclass(frozen=True, slots=True)
class ImportWaybill:
    """The logistics company's waybill (CEB511 LogisticsHead): who gets the parcel, where."""

    logistics_no: str
    order_no: str
    consignee: str
    telephone: str
    address: str
    weight: Decimal
    pack_no: int
    freight: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ImportInventory:
    """The inventory declared for release (CEB621 InventoryHead and its InventoryList)."""

    order_no: str
    logistics_no: str
    ebp_code: str
    buyer: Person
    address: str
    freight: Decimal
    pack_no: int
    lines: tuple[GoodsLine, ...]
    invt_no: str | None = None
    cop_no: str | None = None
    currency: str = CNY

    @property
    def key(self) -> str:
        """How a report names the inventory: customs' number once given, else the order's."""
        return self.invt_no or self.cop_no or self.order_no


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One thing that does not match: the field found wrong, the field it was held against
    (None when a rule of the field alone is broken) and why."""

    field: str
    reason: str
    against: str | None = None


@dataclass(frozen=True, slots=True)
class MatchRules:
    """What the matching allows. ``amount_tolerance`` is the share by which an amount may
    differ from the one it is held against (0.05: 5 %, the tolerance reported on the
    calculation; 0 means equal to the cent)."""

    amount_tolerance: Decimal = Decimal("0.05")

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.amount_tolerance < 1:
            raise ValueError(f"amount_tolerance is a share from 0 to below 1, not "
                             f"{self.amount_tolerance}")


DEFAULT_RULES = MatchRules()


@dataclass(frozen=True, slots=True)
class SetResult:
    """The outcome for one inventory: matched when ``mismatches`` is empty."""

    order_no: str
    logistics_no: str
    invt_no: str | None
    cop_no: str | None
    mismatches: tuple[Mismatch, ...]

    @property
    def matched(self) -> bool:
        """Whether the inventory can be released for declaration."""
        return not self.mismatches


@dataclass(frozen=True, slots=True)
class Partners:
    """The records an inventory is matched against, found by its order number (more than
    one of a kind is a mismatch: customs takes one order per number)."""

    orders: Sequence[ImportOrder] = ()
    payments: Sequence[ImportPayment] = ()
    waybills: Sequence[ImportWaybill] = ()


def _close(value: Decimal, reference: Decimal, rules: MatchRules) -> bool:
    return abs(value - reference) <= max(CENT, abs(reference) * rules.amount_tolerance)


def _differs(value: Decimal, reference: Decimal) -> str:
    if reference == 0:
        return f"{value} against {reference}"
    share = abs(value - reference) / abs(reference) * 100
    return f"{value} against {reference} ({share:.2f} % apart)"


def _tolerance(rules: MatchRules) -> str:
    return (f"over the {(rules.amount_tolerance * 100).normalize():f} % tolerance"
            if rules.amount_tolerance else "not equal to the cent")


def _one(found: Sequence[_T], what: str, order_no: str, out: list[Mismatch]) -> _T | None:
    if not found:
        out.append(Mismatch(what, f"no {what} carries order number {order_no!r}",
                            "inventory.orderNo"))
        return None
    if len(found) > 1:
        out.append(Mismatch(f"{what}.orderNo", f"{len(found)} {what}s carry order number "
                                               f"{order_no!r}; customs takes one"))
        return None
    return found[0]


def _lines(inventory: ImportInventory, order: ImportOrder, out: list[Mismatch]) -> None:
    ordered = {line.gnum: line for line in order.lines}
    seen: set[int] = set()
    for line in inventory.lines:
        where = f"inventory.InventoryList[gnum={line.gnum}]"
        if line.gnum in seen:
            out.append(Mismatch(f"{where}.gnum", f"gnum {line.gnum} is used twice"))
            continue
        seen.add(line.gnum)
        twin = ordered.get(line.gnum)
        if twin is None:
            out.append(Mismatch(where, f"the order has no line {line.gnum}",
                                "order.OrderList.gnum"))
            continue
        theirs = f"order.OrderList[gnum={line.gnum}]"
        if line.item_name != twin.item_name:
            out.append(Mismatch(f"{where}.gname", f"{line.item_name!r} against "
                                                  f"{twin.item_name!r}", f"{theirs}.itemName"))
        if line.qty != twin.qty:
            out.append(Mismatch(f"{where}.qty", f"{line.qty} against {twin.qty}",
                                f"{theirs}.qty"))
        if line.price != twin.price:
            out.append(Mismatch(f"{where}.price", f"{line.price} against {twin.price}",
                                f"{theirs}.price"))
    for gnum in ordered.keys() - seen:
        out.append(Mismatch(f"order.OrderList[gnum={gnum}]", f"the inventory has no line "
                                                             f"{gnum}", "inventory.InventoryList"))
    _totals(order.lines, "order.OrderList", out)


def _totals(lines: Sequence[GoodsLine], where: str, out: list[Mismatch]) -> None:
    for line in lines:
        why = line_total_problem(line.qty, line.price, line.total_price)
        if why is not None:
            out.append(Mismatch(f"{where}[gnum={line.gnum}].totalPrice", why))


def _order(order: ImportOrder, rules: MatchRules, out: list[Mismatch]) -> None:
    why = paid_problem(goods_value=order.goods_value, freight=order.freight,
                       tax_total=order.tax_total, discount=order.discount,
                       paid=order.actural_paid, tolerance=rules.amount_tolerance)
    if why is not None:
        out.append(Mismatch("order.acturalPaid", why,
                            "order.goodsValue+freight+taxTotal-discount"))
    if order.currency != CNY:
        out.append(Mismatch("order.currency", f"{order.currency!r}: an import order is in "
                                              f"yuan ({CNY})"))
    buyer = order.buyer
    if buyer.id_type != RESIDENT_ID:
        out.append(Mismatch("order.buyerIdType", f"{buyer.id_type!r}: an import buyer is "
                                                 f"identified by a resident identity card "
                                                 f"({RESIDENT_ID})"))
    else:
        why = identity_problem(IdKind.RESIDENT_ID, buyer.id_number.upper())
        if why is not None:
            out.append(Mismatch("order.buyerIdNumber", why))


def _person(person: Person, who: str, names: tuple[str, str, str], buyer: Person,
            out: list[Mismatch]) -> None:
    for attr, name, theirs in zip(("name", "id_type", "id_number"), names,
                                  ("buyerName", "buyerIdType", "buyerIdNumber"), strict=True):
        mine, other = getattr(person, attr), getattr(buyer, attr)
        if (mine.upper() if attr == "id_number" else mine) != (
                other.upper() if attr == "id_number" else other):
            out.append(Mismatch(f"{who}.{name}", f"{mine!r} against {other!r}",
                                f"order.{theirs}"))


def match_set(inventory: ImportInventory, partners: Partners, *,
              rules: MatchRules = DEFAULT_RULES) -> SetResult:
    """Match one inventory against the order, payment and waybill of its order number."""
    out: list[Mismatch] = []
    no = inventory.order_no
    order = _one(partners.orders, "order", no, out)
    payment = _one(partners.payments, "payment", no, out)
    waybill = _one(partners.waybills, "waybill", no, out)
    if inventory.invt_no is not None:
        why = inventory_number_problem(inventory.invt_no, Direction.IMPORT)
        if why is not None:
            out.append(Mismatch("inventory.invtNo", why))
    _totals(inventory.lines, "inventory.InventoryList", out)
    if inventory.pack_no != 1:
        out.append(Mismatch("inventory.packNo", f"{inventory.pack_no}: an import inventory is "
                                                "one parcel (1)"))
    if order is not None:
        _order(order, rules, out)
        if inventory.ebp_code != order.ebp_code:
            out.append(Mismatch("inventory.ebpCode", f"{inventory.ebp_code!r} against "
                                                     f"{order.ebp_code!r}", "order.ebpCode"))
        _person(inventory.buyer, "inventory", ("buyerName", "buyerIdType", "buyerIdNumber"),
                order.buyer, out)
        _lines(inventory, order, out)
    if payment is not None:
        if payment.currency != CNY:
            out.append(Mismatch("payment.currency", f"{payment.currency!r}: an import "
                                                    f"payment is in yuan ({CNY})"))
        if order is not None:
            if not _close(payment.amount_paid, order.actural_paid, rules):
                out.append(Mismatch("payment.amountPaid", f"{_differs(payment.amount_paid, order.actural_paid)}, {_tolerance(rules)}",  # noqa: E501
                                    "order.acturalPaid"))
            _person(payment.payer, "payment", ("payerName", "payerIdType", "payerIdNumber"),
                    order.buyer, out)
            if order.pay_transaction_id and \
                    order.pay_transaction_id != payment.pay_transaction_id:
                out.append(Mismatch("payment.payTransactionId",
                                    f"{payment.pay_transaction_id!r} against "
                                    f"{order.pay_transaction_id!r}", "order.payTransactionId"))
    if waybill is not None:
        if waybill.logistics_no != inventory.logistics_no:
            out.append(Mismatch("inventory.logisticsNo", f"{inventory.logistics_no!r} against "
                                                         f"{waybill.logistics_no!r}",
                                "waybill.logisticsNo"))
        if waybill.pack_no != 1:
            out.append(Mismatch("waybill.packNo", f"{waybill.pack_no}: an import waybill is "
                                                  "one parcel (1)"))
        if inventory.address != waybill.address:
            out.append(Mismatch("inventory.consigneeAddress", f"{inventory.address!r} against "
                                                              f"{waybill.address!r}",
                                "waybill.consigneeAddress"))
        if order is not None:
            for mine, theirs, name in ((waybill.consignee, order.consignee, "consignee"),
                                       (waybill.telephone, order.telephone,
                                        "consigneeTelephone"),
                                       (waybill.address, order.address, "consigneeAddress")):
                if mine != theirs:
                    out.append(Mismatch(f"waybill.{name}", f"{mine!r} against {theirs!r}",
                                        f"order.{name}"))
            if waybill.freight is not None and not _close(waybill.freight, order.freight,
                                                          rules):
                out.append(Mismatch("waybill.freight", f"{_differs(waybill.freight, order.freight)}, {_tolerance(rules)}",  # noqa: E501
                                    "order.freight"))
    return SetResult(no, inventory.logistics_no, inventory.invt_no, inventory.cop_no,
                     tuple(out))


@dataclass(slots=True)
class MatchReport:
    """A batch's matching: counts, the first mismatched inventories in detail, and how often
    each field was found wrong (a report's memory stays bounded whatever the batch)."""

    inventories: int = 0
    matched: int = 0
    mismatched: int = 0
    results: list[SetResult] = field(default_factory=list)
    by_field: Counter[str] = field(default_factory=Counter)
    orders_without_inventory: int = 0

    @property
    def ok(self) -> bool:
        """Whether every inventory matched."""
        return self.mismatched == 0

    def add(self, result: SetResult, *, max_listed: int) -> None:
        """Count one inventory's outcome."""
        self.inventories += 1
        if result.matched:
            self.matched += 1
        else:
            self.mismatched += 1
            # "inventory.InventoryList[gnum=2].qty" counts as "inventory.InventoryList.qty"
            self.by_field.update(_field_kind(m.field) for m in result.mismatches)
            if len(self.results) < max_listed:
                self.results.append(result)


def _field_kind(name: str) -> str:
    head, bracket, rest = name.partition("[")
    return head + rest.partition("]")[2] if bracket else name


def by_order_no(records: Iterable[_Linked]) -> dict[str, list[_Linked]]:
    """Records by their order number, the key that links the four."""
    index: dict[str, list[_Linked]] = defaultdict(list)
    for record in records:
        index[record.order_no].append(record)
    return index


def match_all(inventories: Iterable[ImportInventory], orders: Iterable[ImportOrder],
              payments: Iterable[ImportPayment], waybills: Iterable[ImportWaybill], *,
              rules: MatchRules = DEFAULT_RULES) -> Iterator[SetResult]:
    """Match every inventory against the orders, payments and waybills given."""
    by_order, by_payment, by_waybill = (by_order_no(orders), by_order_no(payments),
                                        by_order_no(waybills))
    listed = list(inventories)
    declared = Counter(i.order_no for i in listed)
    for inventory in listed:
        no = inventory.order_no
        result = match_set(inventory, Partners(by_order.get(no, ()), by_payment.get(no, ()),
                                               by_waybill.get(no, ())), rules=rules)
        if declared[no] > 1:  # one order, one parcel, one inventory
            result = replace(result, mismatches=(*result.mismatches, Mismatch(
                "inventory.orderNo", f"{declared[no]} inventories carry order number {no!r}; "
                                     "customs takes one")))
        yield result
