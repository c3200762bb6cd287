"""Declarations: read whole, every problem named by its field path and reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.domain.codes import customs_regimes
from silkpost.domain.customs import (
    REQUIRED,
    Declaration,
    DeclarationInvalid,
    Direction,
    IdKind,
    ImportLimits,
    Regime,
    hs_problem,
    limit_problems,
    read_declaration,
)

RESIDENT = "11010519491231002X"  # GB 11643's own example: check character X


def b2c(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "reference": "D-0001", "regime": "9610", "currency": "USD",
        "gross_weight_kg": "1.2", "freight": "3.50", "item_id": "CA000000014CN",
        "order_no": "ORD-77", "waybill_no": "CA000000014CN", "ebp_code": "3301964J31",
        "ebc_code": "3301968E2U", "logistics_code": "1100110001",
        "sender": {"name": "张伟", "identity": {"kind": "resident_id", "number": RESIDENT}},
        "consignee": {"name": "Aigerim S.", "country": "KZ", "address": "Almaty"},
        "lines": [
            {"description": "phone case", "hs_code": "3926.90", "quantity": 2, "unit": "PCE",
             "unit_price": "4.25", "total_price": "8.50", "net_weight_kg": "0.2",
             "origin_country": "CN"},
            {"description": "USB cable", "hs_code": "8544420000", "quantity": "3",
             "unit": "PCE", "unit_price": "1.99", "total_price": "5.97",
             "net_weight_kg": "0.3", "origin_country": "cn"},
        ],
    }
    record.update(changes)
    return record


def problems(record: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(DeclarationInvalid) as caught:
        read_declaration(record)
    return {p.field: p.reason for p in caught.value.problems}


def test_a_b2c_export_declaration_is_read_whole() -> None:
    found = read_declaration(b2c())
    assert isinstance(found, Declaration)
    assert (found.regime, found.direction, found.currency) == (Regime("9610"), Direction.EXPORT,
                                                               "USD")
    assert found.goods_value == Decimal("14.47") and found.net_weight_kg == Decimal("0.5")
    assert [line.hs_code for line in found.lines] == ["392690", "8544420000"]
    assert [line.chapter for line in found.lines] == [39, 85]
    assert found.lines[1].origin_country == "CN"
    assert found.sender is not None and found.sender.identity is not None
    assert found.sender.identity.kind is IdKind.RESIDENT_ID


def test_every_problem_of_a_record_is_named_at_once() -> None:
    bad = b2c(currency="XYZ", gross_weight_kg="-1", lines=[
        {"description": "", "hs_code": "7701.00", "quantity": 0, "unit": "PCE",
         "unit_price": "abc", "total_price": "1", "net_weight_kg": "0.1",
         "origin_country": "ZZ"}])
    found = problems(bad)
    assert set(found) == {"currency", "gross_weight_kg", "lines[0].description",
                          "lines[0].hs_code", "lines[0].quantity", "lines[0].unit_price",
                          "lines[0].origin_country"}
    assert "ISO 4217" in found["currency"] and "77" in found["lines[0].hs_code"]


@pytest.mark.parametrize(("code", "ok"), [
    ("392690", True), ("39269000", True), ("3926900000", True), ("39269", False),
    ("3926900", False), ("39269a", False), ("000000", False), ("980000", False),
    ("770000", False), ("970100", True)])
def test_hs_code_structure_and_chapter(code: str, ok: bool) -> None:
    assert (hs_problem(code) is None) is ok


def test_a_line_total_is_quantity_times_price_to_the_cent() -> None:
    line = {**b2c()["lines"][0], "total_price": "8.52"}
    assert "4.25 = 8.50" in problems(b2c(lines=[line]))["lines[0].total_price"]
    within = {**b2c()["lines"][0], "quantity": 3, "unit_price": "0.333", "total_price": "1.00"}
    assert read_declaration(b2c(lines=[within])).goods_value == Decimal("1.00")


def test_net_weight_may_not_exceed_gross() -> None:
    assert "net weight, 0.5 kg" in problems(b2c(gross_weight_kg="0.4"))["gross_weight_kg"]


def test_the_senders_identity_is_checked_and_required_for_retail_export() -> None:
    wrong = b2c(sender={"name": "张伟", "identity": {"kind": "resident_id",
                                                   "number": RESIDENT[:-1] + "1"}})
    assert "GB 11643" in problems(wrong)["sender.identity.number"]
    passport = b2c(sender={"name": "Ivan P.", "identity": {"kind": "passport",
                                                          "number": "75 1234567"}})
    found = read_declaration(passport)
    assert found.sender is not None and found.sender.identity is not None
    assert found.sender.identity.number == "751234567"
    anonymous = b2c(sender={"name": "张伟"})
    assert "real-name" in problems(anonymous)["sender.identity"]


@pytest.mark.parametrize("regime", list(Regime))
def test_each_channel_names_what_it_lacks(regime: Regime) -> None:
    bare = {k: v for k, v in b2c(regime=regime.value).items()
            if k not in REQUIRED[regime] or k == "reference"}
    found = problems(bare)
    assert {f for f in found if f in REQUIRED[regime]} == set(REQUIRED[regime])
    assert all(regime.value in found[f] for f in REQUIRED[regime] if f in found
               and f not in ("sender", "consignee"))


def test_bonded_fields_belong_to_the_bonded_regime_only() -> None:
    found = problems(b2c(ems_no="T2900W000001", area_code="2900000001"))
    assert "1210 only" in found["ems_no"] and "1210 only" in found["area_code"]
    bonded = read_declaration(b2c(regime="1210", ems_no="T2900W000001",
                                  area_code="2900000001"))
    assert bonded.ems_no == "T2900W000001"


def test_inventory_numbers_follow_customs_pattern_and_direction() -> None:
    assert read_declaration(b2c(inventory_no="29002026E000000123")).inventory_no
    assert "this is an export" in problems(b2c(inventory_no="29002026I000000123"))[
        "inventory_no"]
    assert "customs area" in problems(b2c(inventory_no="2900-2026"))["inventory_no"]


def test_an_import_buyer_is_a_resident_within_the_yearly_limit() -> None:
    imported = b2c(direction="import", currency="CNY",
                   buyer={"name": "李娜", "identity": {"kind": "resident_id",
                                                     "number": RESIDENT}})
    found = read_declaration(imported)
    limits = ImportLimits()
    assert limit_problems(found, buyer_year_so_far=Decimal(0), limits=limits) == []
    over = limit_problems(found, buyer_year_so_far=Decimal("25990"), limits=limits)
    assert [p.field for p in over] == ["buyer"]
    foreigner = {**imported, "buyer": {"name": "J. Doe", "identity": {
        "kind": "passport", "number": "E1234567"}}}
    assert "resident identity card" in problems(foreigner)["buyer.identity.kind"]


def test_the_regime_type_is_the_regimes_table() -> None:
    assert {r.value for r in Regime} == set(customs_regimes())


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from([*sorted(b2c()), "x"]),
                       st.one_of(st.none(), st.text(max_size=20), st.integers(), st.floats(),
                                 st.lists(st.dictionaries(st.text(max_size=12),
                                                          st.text(max_size=12)),
                                          max_size=3)),
                       max_size=12))
def test_any_record_is_a_declaration_or_its_named_problems(changes: dict[str, Any]) -> None:
    """Hostile input: nothing but a declaration or DeclarationInvalid, each problem named."""
    record = b2c(**changes)
    try:
        read_declaration(record)
    except DeclarationInvalid as exc:
        problems = exc.problems
    else:
        problems = ()
    assert all(p.field and p.reason for p in problems)


def test_a_declaration_built_in_code_is_held_to_the_same_rules() -> None:
    """A Declaration that exists is a valid one, however it was built: construction checks
    the line's HS code and total, the weights and what the channel requires."""
    from dataclasses import replace

    good = read_declaration(b2c())
    line = good.lines[0]
    with pytest.raises(DeclarationInvalid) as caught:
        replace(line, total_price=Decimal("9.99"))
    assert caught.value.field == "lines[0].total_price"
    with pytest.raises(DeclarationInvalid) as caught:
        replace(line, hs_code="770100")
    assert caught.value.field == "lines[0].hs_code"
    with pytest.raises(DeclarationInvalid) as caught:
        replace(good, gross_weight_kg=Decimal("0.1"))
    assert caught.value.field == "gross_weight_kg"
    with pytest.raises(DeclarationInvalid) as caught:
        replace(good, waybill_no=None, ems_no="T2900W000001")
    assert {p.field for p in caught.value.problems} == {"waybill_no", "ems_no"}
    with pytest.raises(DeclarationInvalid) as caught:
        replace(good, lines=())
    assert caught.value.field == "lines"
    assert replace(good, freight=Decimal(0)) is not None  # and a valid change stands
