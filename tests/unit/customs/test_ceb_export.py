"""CEB export messages written from declarations: each one valid against the 202205 XSD and
the rules (checked here by the validator, from the written bytes), declarations the messages
cannot carry refused whole with every reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from silkpost.customs.ceb.export import (
    KINDS,
    ExportSettings,
    ExportSettingsInvalid,
    export_messages,
)
from silkpost.customs.ceb.schemas import CEB_NS, Side, Version
from silkpost.customs.ceb.validate import validate_message
from silkpost.domain.customs import Declaration, read_declaration
from tests.unit.customs.test_declarations import b2c

NS = {"ceb": CEB_NS}
NOW = datetime(2026, 12, 5, 4, 30, tzinfo=UTC)  # 12:30 in Beijing
BAG = "CNURCAKZALAAAUN61001001110012"
SETTINGS = ExportSettings(
    cop_code="1100110001", cop_name="丝路邮政物流有限公司", dxp_id="DXPENT0000012345",
    customs_code="6527", port_code="6527", destination_port="ALA",
    names={"3301964J31": "Platform Co", "3301968E2U": "Shop Co", "3301968E3V": "Other Shop"})


def ceb_record(n: int = 1, **changes: Any) -> dict[str, Any]:
    """A 9610 export declaration every CEB export message can carry."""
    record = b2c(reference=f"D-{n:04d}", order_no=f"ORD-{n}", waybill_no=f"WB{n:08d}",
                 inventory_no=f"65272026E{n:09d}")
    record["lines"][0]["hs_code"] = "3926909000"
    record.update(changes)
    return record


def declaration(n: int = 1, **changes: Any) -> Declaration:
    return read_declaration(ceb_record(n, **changes))


def guids() -> Any:
    counter = iter(range(1, 10**6))
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def roots(messages: list[Any]) -> list[etree._Element]:
    return [etree.fromstring(m.data) for m in messages]


def test_each_message_is_valid_against_the_202205_xsd_and_the_rules() -> None:
    result = export_messages([declaration(1), declaration(2)], kinds=KINDS,
                             settings=SETTINGS, now=NOW, bags={"D-0001": BAG}, guid=guids())
    assert result.refused == []
    assert [m.kind for m in result.messages] == list(KINDS)
    for message in result.messages:
        report = validate_message(message.data, source=message.file_name)
        assert report.ok, report.problems
        assert (report.version, report.side) == (Version.V202205, Side.EXPORT)
        assert report.message == f"CEB{message.kind}Message"
        assert message.file_name == f"CEB{message.kind}Message_{message.guid}.xml"


def test_the_order_carries_the_declaration_in_customs_codes() -> None:
    result = export_messages([declaration()], kinds=("303",), settings=SETTINGS, now=NOW)
    order = roots(result.messages)[0]
    head = order.find("ceb:Order/ceb:OrderHead", NS)
    assert head is not None
    assert head.findtext("ceb:appTime", namespaces=NS) == "20261205123000"
    assert head.findtext("ceb:currency", namespaces=NS) == "502"  # USD
    assert head.findtext("ceb:goodsValue", namespaces=NS) == "14.47"
    assert head.findtext("ceb:ebpName", namespaces=NS) == "Platform Co"
    lines = order.findall("ceb:Order/ceb:OrderList", NS)
    assert [x.findtext("ceb:unit", namespaces=NS) for x in lines] == ["011", "011"]
    transfer = order.find("ceb:BaseTransfer", NS)
    assert transfer is not None
    assert [transfer.findtext(f"ceb:{n}", namespaces=NS) for n in (
        "copCode", "copName", "dxpMode", "dxpId")] == [
        "1100110001", "丝路邮政物流有限公司", "DXP", "DXPENT0000012345"]


def test_the_bag_goes_where_the_inventory_asks_for_the_mail_bag_number() -> None:
    result = export_messages([declaration(1), declaration(2)], kinds=("603",),
                             settings=SETTINGS, now=NOW, bags={"D-0002": BAG})
    heads = roots(result.messages)[0].findall("ceb:Inventory/ceb:InventoryHead", NS)
    assert [h.findtext("ceb:totalPackageNo", namespaces=NS) for h in heads] == [None, BAG]
    assert heads[0].findtext("ceb:country", namespaces=NS) == "145"  # Kazakhstan
    assert heads[0].findtext("ceb:ieDate", namespaces=NS) == "20261205"


def test_a_summary_per_company_lists_its_inventory_numbers() -> None:
    ds = [declaration(1), declaration(2, ebc_code="3301968E3V"), declaration(3)]
    result = export_messages(ds, kinds=("701",), settings=SETTINGS, now=NOW)
    summaries = roots(result.messages)[0].findall("ceb:SummaryApply", NS)
    listed = {s.findtext("ceb:SummaryApplyHead/ceb:ebcCode", namespaces=NS):
              [x.text for x in s.iterfind("ceb:SummaryApplyList/ceb:invtNo", NS)]
              for s in summaries}
    assert listed == {"3301968E2U": ["65272026E000000001", "65272026E000000003"],
                      "3301968E3V": ["65272026E000000002"]}
    assert result.messages[0].references == ("D-0001", "D-0003", "D-0002")


def test_more_than_100_declarations_make_more_messages() -> None:
    ds = [declaration(n) for n in range(1, 206)]
    result = export_messages(ds, kinds=("505",), settings=SETTINGS, now=NOW)
    assert [len(m.references) for m in result.messages] == [100, 100, 5]
    assert all(validate_message(m.data).ok for m in result.messages)


def refusal(record: dict[str, Any], kinds: tuple[Any, ...] = KINDS) -> dict[str, str]:
    result = export_messages([read_declaration(record)], kinds=kinds, settings=SETTINGS,
                             now=NOW)
    assert result.messages == []  # nothing written for a refused declaration
    (refused,) = result.refused
    return {p.field: p.reason for p in refused.problems}


def test_what_the_messages_cannot_carry_is_refused_whole_with_every_reason() -> None:
    record = ceb_record(currency="KZT", ebp_code="9999999999")
    record["lines"][1]["unit"] = "BOX"
    record["lines"][1]["hs_code"] = "854442"
    found = refusal(record)
    assert "KZT has no customs currency code" in found["currency"]
    assert "'BOX' has no customs unit code" in found["lines[1].unit"]
    assert "10-digit tariff code; '854442' has 6 digits" in found["lines[1].hs_code"]
    assert "no registered name for company 9999999999" in found["ebp_code"]


def test_another_regime_or_no_inventory_number_is_refused() -> None:
    record = ceb_record(regime="9710")
    del record["ebp_code"]
    assert "9710 is not built" in refusal(record, ("303", "505"))["regime"]
    found = refusal(ceb_record(inventory_no=None), ("701",))
    assert "inventory number customs gave" in found["inventory_no"]
    found = refusal(ceb_record(consignee={"name": "A. S."}), ("603",))
    assert "country of arrival" in found["consignee.country"]


def test_an_amount_beyond_five_decimals_is_refused_not_rounded() -> None:
    record = ceb_record(gross_weight_kg="1.2000001")
    assert "more than 5 decimals" in refusal(record)["gross_weight_kg"]


def test_settings_are_checked_when_made() -> None:
    with pytest.raises(ExportSettingsInvalid) as caught:
        ExportSettings(cop_code="", cop_name="x", dxp_id="d", customs_code="65",
                       statistics_flag="C")
    assert {p.field for p in caught.value.problems} == {"cop_code", "customs_code",
                                                        "statistics_flag"}
    bare = ExportSettings(cop_code="1", cop_name="x", dxp_id="d")
    assert {p.field for p in bare.needs(("603",))} == {"customs_code", "port_code",
                                                        "destination_port"}
    assert bare.needs(("303", "505")) == []


AMOUNT = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2)


@settings(max_examples=60, deadline=None)
@given(quantities=st.lists(st.integers(1, 50), min_size=1, max_size=5), prices=st.data(),
       description=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1,
                           max_size=60).filter(lambda s: s.strip() != ""))
def test_any_declaration_makes_valid_messages_or_is_refused_for_its_text(
        quantities: list[int], prices: Any, description: str) -> None:
    """Whatever the lines (count, amounts, text in any script, markup and control
    characters), a declaration makes messages that pass the XSD and the rules, or is refused
    because its text holds characters XML cannot carry — never an exception."""
    lines = []
    for q in quantities:
        price = prices.draw(AMOUNT)
        lines.append({"description": description, "hs_code": "6109100000", "quantity": q,
                      "unit": "PCE", "unit_price": str(price), "total_price": str(q * price),
                      "net_weight_kg": "0.1", "origin_country": "CN"})
    record = ceb_record(lines=lines, gross_weight_kg=str(Decimal("0.1") * len(lines) + 1))
    result = export_messages([read_declaration(record)], kinds=KINDS, settings=SETTINGS,
                             now=NOW)
    if result.refused:
        (refused,) = result.refused
        assert {p.reason for p in refused.problems} == {
            "has characters XML cannot carry (control characters)"}
        assert any(ord(c) < 0x20 or c in "\ufffe\uffff" for c in description.strip())
        return
    assert len(result.messages) == len(KINDS)
    for message in result.messages:
        assert validate_message(message.data).ok, message.data
