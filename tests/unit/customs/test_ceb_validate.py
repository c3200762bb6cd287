"""The CEB validator on the official 2018 samples (their known errors found, each by its element
path), on the same messages once corrected (clean), and on hostile documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from silkpost.customs.ceb import schemas
from silkpost.customs.ceb.export import export_messages
from silkpost.customs.ceb.schemas import CEB_NS, Side, Version
from silkpost.customs.ceb.schemas import MAX_MESSAGE_BYTES as MAX_BYTES
from silkpost.customs.ceb.validate import MessageReport, validate_message
from tests.unit.customs.test_ceb_export import NOW, SETTINGS, declaration
from tests.unit.customs.test_declarations import RESIDENT

SAMPLES = Path(__file__).parents[2] / "data" / "ceb" / "2018-113"
NS = {"ceb": CEB_NS}


def sample(name: str) -> bytes:
    return (SAMPLES / f"{name}Message.xml").read_bytes()


def report(name: str) -> MessageReport:
    return validate_message(sample(name), source=name)


def reasons(found: MessageReport) -> dict[str, str]:
    return {p.field: p.reason for p in found.problems}


def corrected(name: str, fix: Callable[[etree._Element], None]) -> bytes:
    """A sample with its known errors mended by ``fix`` (and its guids in upper case)."""
    root = etree.fromstring(sample(name))
    root.set("guid", root.get("guid", "").upper())
    for guid in root.iterfind(".//ceb:guid", NS):
        guid.text = (guid.text or "").upper()
    fix(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def set_all(root: etree._Element, path: str, value: str) -> None:
    for element in root.iterfind(path, NS):
        element.text = value


# -- schemas --------------------------------------------------------------------------------

def test_every_schema_loads_offline_once_and_knows_its_messages() -> None:
    for version in Version:
        for side in Side:
            assert schemas.schema(version, side) is schemas.schema(version, side)
        # The DXP envelope includes its terminal part by a Chinese file name: served from
        # the package, as xmldsig is for every schema.
        assert schemas.envelope_schema(version) is not None
    assert schemas.messages(Version.V202205)["CEB603Message"] is Side.EXPORT
    assert schemas.messages(Version.V202205)["CEB621Message"] is Side.IMPORT
    assert "CEB213Message" in schemas.messages(Version.V202205)  # new in 202205
    assert "CEB213Message" not in schemas.messages(Version.V2018)


def test_a_signed_sample_validates_against_xmldsig_from_the_package() -> None:
    """The 2018 samples carry a ds:Signature: the imported xmldsig schema checks it."""
    root = etree.fromstring(sample("CEB303"))
    schema = schemas.schema(Version.V2018, Side.EXPORT)
    assert schema.validate(root.getroottree())
    signature = root.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    assert signature is not None
    signature.append(etree.Element("{http://www.w3.org/2000/09/xmldsig#}Bogus"))
    assert not schema.validate(root.getroottree())


# -- the samples' known errors -------------------------------------------------------------

def test_the_2018_samples_are_told_by_their_version_and_side() -> None:
    for name, side in (("CEB303", Side.EXPORT), ("CEB621", Side.IMPORT)):
        found = report(name)
        assert (found.message, found.version, found.side) == (f"{name}Message", Version.V2018,
                                                              side)


def test_order_sample_lower_case_guids_and_letters_for_codes() -> None:
    found = reasons(report("CEB303"))
    assert "lower-case" in found["/CEB303Message/@guid"]
    assert "lower-case" in found["/CEB303Message/Order[1]/OrderHead/guid"]
    assert "3 digits" in found["/CEB303Message/Order[10]/OrderList/currency"]
    assert "3 digits" in found["/CEB303Message/Order[2]/OrderList/unit"]


def test_inventory_sample_line_total_is_not_qty_times_price() -> None:
    found = reasons(report("CEB603"))
    why = found["/CEB603Message/Inventory[1]/InventoryList/totalPrice"]
    assert why == "200 is not quantity × unit price (100 × 20 = 2000.00)"


def test_summary_sample_guid_and_inventory_numbers() -> None:
    found = reasons(report("CEB701"))
    assert "not a UUID" in found["/CEB701Message/SummaryApply[1]/SummaryApplyHead/guid"]
    why = found["/CEB701Message/SummaryApply[3]/SummaryApplyList[2]/invtNo"]
    assert why.startswith("'Invt20180507000002' is not an inventory number")


def test_import_order_sample_identity_and_line_total() -> None:
    found = reasons(report("CEB311"))
    assert "GB 11643" in found["/CEB311Message/Order[1]/OrderHead/buyerIdNumber"]
    assert found["/CEB311Message/Order[1]/OrderList[2]/totalPrice"] == (
        "12000 is not quantity × unit price (200 × 10 = 2000.00)")


def test_import_payment_sample_payer_identity() -> None:
    found = reasons(report("CEB411"))
    assert "GB 11643" in found["/CEB411Message/Payment[1]/PaymentHead/payerIdNumber"]


def test_import_waybill_sample_more_than_one_package() -> None:
    found = reasons(report("CEB511"))
    assert "one package" in found["/CEB511Message/Logistics[1]/LogisticsHead/packNo"]


def test_import_inventory_sample_bonded_fields_under_9610_and_more() -> None:
    found = reasons(report("CEB621"))
    head = "/CEB621Message/Inventory[1]/InventoryHead"
    for name in ("emsNo", "areaCode", "areaName"):
        assert found[f"{head}/{name}"] == "belongs to bonded regime 1210 only, not 9610"
    assert "bonded" in found["/CEB621Message/Inventory[1]/InventoryList[1]/itemRecordNo"]
    assert "one package" in found[f"{head}/packNo"]
    assert "GB 11643" in found[f"{head}/buyerIdNumber"]
    assert "(200 × 60 = 12000.00)" in found["/CEB621Message/Inventory[1]/InventoryList[2]/"
                                            "totalPrice"]


def test_the_samples_are_otherwise_clean_so_each_report_is_complete() -> None:
    """Every problem of the order sample is one of the kinds named above: nothing extra."""
    found = report("CEB303")
    kinds = {p.field.rsplit("/", 1)[-1] for p in found.problems}
    assert kinds == {"@guid", "guid", "currency", "unit"}
    assert len(found.problems) == 1 + 10 * 3  # the message's guid; per order: guid, 2 codes


# -- clean messages pass -----------------------------------------------------------------------

def _clean_order(root: etree._Element) -> None:
    set_all(root, ".//ceb:OrderList/ceb:currency", "142")
    set_all(root, ".//ceb:OrderList/ceb:unit", "011")


def _clean_import_order(root: etree._Element) -> None:
    set_all(root, ".//ceb:buyerIdNumber", RESIDENT)
    for line in root.iterfind(".//ceb:OrderList", NS):
        qty, price = (line.findtext(f"ceb:{n}", namespaces=NS) for n in ("qty", "price"))
        total = line.find("ceb:totalPrice", NS)
        assert qty and price and total is not None
        total.text = str(int(qty) * int(price))


def _clean_import_inventory(root: etree._Element) -> None:
    _clean_import_order(root)
    for line in root.iterfind(".//ceb:InventoryList", NS):
        qty, price = (line.findtext(f"ceb:{n}", namespaces=NS) for n in ("qty", "price"))
        total = line.find("ceb:totalPrice", NS)
        assert qty and price and total is not None
        total.text = str(int(qty) * int(price))
    for name in ("emsNo", "areaCode", "areaName", "itemRecordNo"):
        set_all(root, f".//ceb:{name}", "")
    set_all(root, ".//ceb:packNo", "1")


def _clean_line_totals(root: etree._Element) -> None:
    for line in root.iterfind(".//ceb:InventoryList", NS):
        qty, price = (line.findtext(f"ceb:{n}", namespaces=NS) for n in ("qty", "price"))
        total = line.find("ceb:totalPrice", NS)
        assert qty and price and total is not None
        total.text = str(int(qty) * int(price))


def _clean_summary(root: etree._Element) -> None:
    set_all(root, ".//ceb:SummaryApplyHead/ceb:guid", "123E4567-E89B-42D3-A456-426614174000")
    for n, invt in enumerate(root.iterfind(".//ceb:invtNo", NS), start=1):
        invt.text = f"15012018E{n:09d}"


@pytest.mark.parametrize(("name", "fix"), [
    ("CEB303", _clean_order),
    ("CEB505", lambda root: None),  # its only error: the lower-case guid
    ("CEB603", _clean_line_totals),
    ("CEB701", _clean_summary),
    ("CEB311", _clean_import_order),
    ("CEB411", lambda root: set_all(root, ".//ceb:payerIdNumber", RESIDENT)),
    ("CEB511", lambda root: set_all(root, ".//ceb:packNo", "1")),
    ("CEB621", _clean_import_inventory),
])
def test_a_corrected_sample_passes(name: str, fix: Callable[[etree._Element], None]) -> None:
    found = validate_message(corrected(name, fix))
    assert found.ok, found.problems


def test_an_import_paid_total_that_does_not_add_up_is_named() -> None:
    def spoil(root: etree._Element) -> None:
        _clean_import_order(root)
        set_all(root, ".//ceb:acturalPaid", "19000")

    found = reasons(validate_message(corrected("CEB311", spoil)))
    assert found["/CEB311Message/Order[1]/OrderHead/acturalPaid"] == (
        "19000 is not goods value + freight + tax − discount (14000 + 5000 + 50 − 0 = "
        "19050.00)")


def test_an_import_in_another_currency_or_identity_kind_is_named() -> None:
    def spoil(root: etree._Element) -> None:
        _clean_import_order(root)
        set_all(root, ".//ceb:OrderHead/ceb:currency", "502")
        set_all(root, ".//ceb:buyerIdType", "2")

    found = reasons(validate_message(corrected("CEB311", spoil)))
    assert "currency 142" in found["/CEB311Message/Order[1]/OrderHead/currency"]
    assert "resident identity card" in found["/CEB311Message/Order[1]/OrderHead/buyerIdType"]


def test_an_app_time_that_is_no_time_is_named() -> None:
    def spoil(root: etree._Element) -> None:
        _clean_order(root)
        set_all(root, ".//ceb:appTime", "20181332250000")

    found = reasons(validate_message(corrected("CEB303", spoil)))
    assert "not a real time" in found["/CEB303Message/Order[1]/OrderHead/appTime"]


def test_a_schema_error_names_the_element_path_without_namespaces() -> None:
    def spoil(root: etree._Element) -> None:
        _clean_order(root)
        set_all(root, ".//ceb:OrderHead/ceb:appType", "12")

    found = validate_message(corrected("CEB303", spoil))
    assert not found.ok
    first = found.problems[0]
    assert first.field == "/CEB303Message/Order[1]/OrderHead/appType"
    assert "length" in first.reason and "{" not in first.reason


def test_the_schema_can_be_named_instead_of_read_from_the_version() -> None:
    data = corrected("CEB303", _clean_order).replace(b'version="1.0"', b'version="9.9"')
    refused = validate_message(data)
    assert [p.field for p in refused.problems] == ["/CEB303Message/@version"]
    assert "no version Silkpost knows" in refused.problems[0].reason
    forced = validate_message(data, version=Version.V2018)
    assert forced.ok and forced.version is Version.V2018


# -- hostile documents --------------------------------------------------------------------------

def only(found: MessageReport) -> tuple[str, str]:
    assert len(found.problems) == 1, found.problems
    return found.problems[0].field, found.problems[0].reason


def test_not_xml() -> None:
    assert only(validate_message(b"\x00\xffnot xml at all"))[0] == "(file)"
    assert "not well-formed" in only(validate_message(b"<a><b></a>"))[1]
    assert "not well-formed" in only(validate_message(b""))[1]


def test_wrong_root_and_another_namespace() -> None:
    field, why = only(validate_message(b"<CEB303Message version='1.0'/>"))
    assert field == "/CEB303Message" and "its namespace is none" in why
    field, why = only(validate_message(
        b"<x:CEB303Message xmlns:x='urn:other' version='1.0'/>"))
    assert "urn:other" in why
    field, why = only(validate_message(
        f"<ceb:Invoice xmlns:ceb='{CEB_NS}' version='1.0'/>".encode()))
    assert (field, why) == ("/Invoice", "Invoice is not a message of the 2018-113 schemas")


def test_an_unknown_message_and_a_missing_version() -> None:
    field, why = only(validate_message(
        f"<ceb:CEB999Message xmlns:ceb='{CEB_NS}' version='202205' guid='x'/>".encode()))
    assert why == "CEB999Message is not a message of the 202205 schemas"
    field, why = only(validate_message(f"<ceb:CEB303Message xmlns:ceb='{CEB_NS}'/>".encode()))
    assert field == "/CEB303Message/@version"


def test_a_dxp_envelope_is_named_as_such() -> None:
    data = b"<dxp:DxpMsg xmlns:dxp='http://www.chinaport.gov.cn/dxp' ver='1.0'/>"
    field, why = only(validate_message(data))
    assert field == "/DxpMsg" and "DXP transport envelope" in why


def test_xxe_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doctype = f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file://{secret}">]>'
    in_text = (f'{doctype}<ceb:CEB303Message xmlns:ceb="{CEB_NS}" version="1.0" guid="A">'
               '<ceb:Order>&x;</ceb:Order></ceb:CEB303Message>').encode()
    found = validate_message(in_text)
    assert only(found)[0] == "(file)" and "DOCTYPE" in only(found)[1]
    in_attribute = (f'{doctype}<ceb:CEB303Message xmlns:ceb="{CEB_NS}" version="1.0" '
                    'guid="&x;"/>').encode()
    also = validate_message(in_attribute)
    assert only(also)[0] == "(file)"
    assert "TOP-SECRET" not in repr(found) + repr(also)


def test_billion_laughs_is_refused_without_expansion() -> None:
    entities = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">'
                       for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY l0 "lol">{entities}]>'
            f'<ceb:CEB303Message xmlns:ceb="{CEB_NS}" version="1.0" guid="&l9;"/>').encode()
    field, why = only(validate_message(data))
    assert field == "(file)" and "entity amplification" in why and "xmlCtxt" not in why


def test_a_huge_file_is_refused_by_its_size() -> None:
    data = b"<a>" + b" " * MAX_BYTES + b"</a>"
    field, why = only(validate_message(data))
    assert field == "(file)" and "bytes" in why


def test_deep_nesting_is_refused_not_a_crash() -> None:
    data = b"<a>" * 100_000 + b"</a>" * 100_000
    field, why = only(validate_message(data))
    assert field == "(file)" and "depth" in why and "XML_PARSE_HUGE" not in why


# -- any mutation of a clean message is reported, never raised ---------------------------------

def _clean_202205() -> bytes:
    result = export_messages([declaration(1)], kinds=("603",), settings=SETTINGS, now=NOW)
    return result.messages[0].data


CLEAN_603 = _clean_202205()


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_mutated_message_gets_a_report_with_paths_never_an_exception(data: Any) -> None:
    """Replace an element's text, drop an element, or flip bytes: the validator answers
    with problems whose every path is the file or an element path, and no exception."""
    root = etree.fromstring(CLEAN_603)
    elements = list(root.iter())
    how = data.draw(st.sampled_from(["text", "drop", "bytes"]))
    if how == "bytes":
        raw = bytearray(CLEAN_603)
        for _ in range(data.draw(st.integers(1, 5))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        found = validate_message(bytes(raw))
    else:
        target = elements[data.draw(st.integers(1, len(elements) - 1))]
        if how == "text":
            target.text = data.draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")),
                                            max_size=40))
        else:
            parent = target.getparent()
            assert parent is not None
            parent.remove(target)
        found = validate_message(etree.tostring(root))
    for problem in found.problems:
        assert problem.field.startswith(("/", "(file)", "(line")), problem
        assert "{http" not in problem.field and problem.reason
