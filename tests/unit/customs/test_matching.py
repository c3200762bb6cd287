"""三单对碰: an inventory against its order, payment and waybill; each mismatch names the
field found wrong and the field it was held against."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.domain.customs_matching import (
    GoodsLine,
    ImportInventory,
    ImportOrder,
    ImportPayment,
    ImportWaybill,
    MatchReport,
    MatchRules,
    Partners,
    Person,
    match_all,
    match_set,
)
from tests.unit.customs.ceb_sets import import_set

DEFAULT = MatchRules()


def fields_of(order: ImportOrder | None = None, payment: ImportPayment | None = None,
              waybill: ImportWaybill | None = None, inventory: ImportInventory | None = None,
              rules: MatchRules = DEFAULT) -> set[str]:
    """The fields found wrong when the given records replace those of a matching set."""
    o, p, w, i = import_set()
    result = match_set(inventory or i, Partners([order or o], [payment or p], [waybill or w]),
                       rules=rules)
    return {m.field for m in result.mismatches}


def test_a_consistent_set_matches() -> None:
    order, payment, waybill, inventory = import_set()
    result = match_set(inventory, Partners([order], [payment], [waybill]))
    assert result.matched and result.mismatches == ()
    assert (result.invt_no, result.order_no, result.logistics_no) == (
        inventory.invt_no, "ORD-1", "CA000000014CN")


def test_the_payment_is_held_against_the_order_within_the_tolerance() -> None:
    """4 % off passes the default 5 % tolerance, 6 % does not; at 1 % the 4 % fails too."""
    order, payment, _, _ = import_set()
    near = replace(payment, amount_paid=order.actural_paid * Decimal("1.04"))
    far = replace(payment, amount_paid=order.actural_paid * Decimal("1.06"))
    assert fields_of(payment=near) == set()
    assert fields_of(payment=far) == {"payment.amountPaid"}
    assert fields_of(payment=near, rules=MatchRules(Decimal("0.01"))) == {"payment.amountPaid"}
    o, _, w, i = import_set()
    result = match_set(i, Partners([o], [far], [w]))
    (mismatch,) = result.mismatches
    assert mismatch.against == "order.acturalPaid" and "5 % tolerance" in mismatch.reason


def test_the_order_adds_up_goods_freight_and_tax_less_discount() -> None:
    order, *_ = import_set()
    assert fields_of(order=replace(order, discount=Decimal(60))) >= {"order.acturalPaid"}
    exact = MatchRules(Decimal(0))
    assert fields_of(order=replace(order, tax_total=Decimal("19.25")), rules=exact) == {
        "order.acturalPaid"}
    # 7.36 of 245.20 is 3 %: within the default tolerance (the payment follows the order).
    _, payment, _, _ = import_set()
    assert fields_of(order=replace(order, tax_total=Decimal("26.56")),
                     payment=replace(payment, amount_paid=Decimal("245.20"))) == set()


@pytest.mark.parametrize("tolerance", ["-0.01", "1", "2"])
def test_a_tolerance_outside_zero_to_one_is_refused(tolerance: str) -> None:
    with pytest.raises(ValueError, match="amount_tolerance"):
        MatchRules(Decimal(tolerance))


def test_the_payer_is_the_buyer() -> None:
    _, payment, _, _ = import_set()
    other = Person("王芳", "1", "11010519491231002X")
    assert fields_of(payment=replace(payment, payer=other)) == {"payment.payerName"}
    assert fields_of(payment=replace(payment, pay_transaction_id="P9")) == {
        "payment.payTransactionId"}


def test_the_inventory_buyer_is_the_order_buyer_and_a_resident_id_is_checked() -> None:
    order, _, _, inventory = import_set()
    wrong_check = Person(order.buyer.name, "1", "110105194912310021")
    assert fields_of(inventory=replace(inventory, buyer=wrong_check)) == {
        "inventory.buyerIdNumber"}
    assert "order.buyerIdNumber" in fields_of(order=replace(order, buyer=wrong_check))
    passport = Person(order.buyer.name, "2", "E12345678")
    assert "order.buyerIdType" in fields_of(order=replace(order, buyer=passport))


def test_the_consignee_telephone_and_address_are_the_waybills() -> None:
    _, _, waybill, _ = import_set()
    assert fields_of(waybill=replace(waybill, telephone="13900000000")) == {
        "waybill.consigneeTelephone"}
    moved = fields_of(waybill=replace(waybill, address="上海市"))
    assert moved == {"waybill.consigneeAddress", "inventory.consigneeAddress"}
    assert fields_of(waybill=replace(waybill, consignee="焦洪宇", pack_no=6000)) == {
        "waybill.consignee", "waybill.packNo"}
    assert fields_of(waybill=replace(waybill, logistics_no="CA000000028CN")) == {
        "inventory.logisticsNo"}


def test_inventory_lines_correspond_to_order_lines_by_gnum() -> None:
    _, _, _, inventory = import_set()
    first, second = inventory.lines
    renamed = replace(first, item_name="保温瓶")
    more = replace(second, qty=Decimal(3), total_price=Decimal(360))
    assert fields_of(inventory=replace(inventory, lines=(renamed, more))) == {
        "inventory.InventoryList[gnum=1].gname", "inventory.InventoryList[gnum=2].qty"}
    extra = GoodsLine(3, "杯盖", Decimal(1), "011", Decimal(5), Decimal(5))
    assert fields_of(inventory=replace(inventory, lines=(first, extra))) == {
        "inventory.InventoryList[gnum=3]", "order.OrderList[gnum=2]"}
    bad_total = replace(first, total_price=Decimal(90))
    assert fields_of(inventory=replace(inventory, lines=(bad_total, second))) == {
        "inventory.InventoryList[gnum=1].totalPrice"}


def test_missing_and_doubled_partners_are_mismatches() -> None:
    order, payment, waybill, inventory = import_set()
    alone = match_set(inventory, Partners([order], [], [waybill]))
    assert [(m.field, m.against) for m in alone.mismatches] == [("payment",
                                                                 "inventory.orderNo")]
    twice = match_set(inventory, Partners([order, order], [payment], [waybill]))
    assert {m.field for m in twice.mismatches} == {"order.orderNo"}


def test_match_all_links_the_four_by_order_number_and_reports_by_field() -> None:
    sets = [import_set(n, logistics_no=f"L{n}") for n in range(1, 6)]
    orders = [s[0] for s in sets]
    payments = [s[1] for s in sets if s[1].order_no != "ORD-3"]
    waybills = [s[2] for s in sets]
    inventories = [s[3] for s in sets]
    inventories[4] = replace(inventories[4], pack_no=2)
    report = MatchReport()
    for result in match_all(reversed(inventories), reversed(orders), payments, waybills):
        report.add(result, max_listed=2)
    assert (report.inventories, report.matched, report.mismatched) == (5, 3, 2)
    assert report.by_field == {"payment": 1, "inventory.packNo": 1}
    assert [r.order_no for r in report.results] == ["ORD-5", "ORD-3"] and not report.ok


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.5"), places=3),
       st.decimals(min_value=Decimal(0), max_value=Decimal("0.2"), places=2))
def test_an_amount_matches_exactly_when_within_the_tolerance(factor: Decimal,
                                                             tolerance: Decimal) -> None:
    """Property: the payment passes iff it is within the tolerance's share of the order's
    paid amount (or a cent)."""
    order, payment, _, _ = import_set()
    paid = (order.actural_paid * factor).quantize(Decimal("0.01"))
    result = fields_of(payment=replace(payment, amount_paid=paid), rules=MatchRules(tolerance))
    within = abs(paid - order.actural_paid) <= max(Decimal("0.01"),
                                                   order.actural_paid * tolerance)
    assert (result == set()) is within
