"""CEB import messages and receipts read into records; every malformed element a problem
named by its path; hostile documents refused without being expanded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.customs.ceb.schemas import MAX_MESSAGE_BYTES
from silkpost.customs.ceb_import import read_message, read_records
from silkpost.domain.customs_matching import match_all
from silkpost.tracking import formats
from tests.unit.customs.ceb_sets import (
    as_object,
    import_set,
    inventory_xml,
    order_xml,
    payment_xml,
    receipt_xml,
    waybill_xml,
)

SAMPLES = Path("/work/shared/data/ceb/2018-113/samples")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="the official samples are "
                                                                "not on this machine")


def test_the_four_messages_read_back_the_records_they_were_written_from() -> None:
    order, payment, waybill, inventory = import_set()
    assert read_message(order_xml(order).encode()).orders == [order]
    assert read_message(payment_xml(payment).encode()).payments == [payment]
    assert read_message(waybill_xml(waybill).encode()).waybills == [waybill]
    read = read_message(inventory_xml(inventory).encode())
    assert read.inventories == [inventory] and read.problems == [] and read.kind == "CEB621"


@needs_samples
def test_the_official_2018_samples_read_and_their_mismatches_are_found() -> None:
    """The samples are valid against their XSD but refer to no one else and break the
    documented rules: the matching says so, by field."""
    read = {name: read_message((SAMPLES / "import" / f"{name}Message.xml").read_bytes())
            for name in ("CEB311", "CEB411", "CEB511", "CEB621")}
    assert all(m.problems == [] for m in read.values())
    assert (len(read["CEB311"].orders), len(read["CEB411"].payments),
            len(read["CEB511"].waybills), len(read["CEB621"].inventories)) == (6, 10, 6, 10)
    order = read["CEB311"].orders[0]
    assert (order.order_no, order.actural_paid, order.buyer.id_number) == (
        "order20160321116421002", Decimal(19050), "130681136250023332")
    results = list(match_all(read["CEB621"].inventories, read["CEB311"].orders,
                             read["CEB411"].payments, read["CEB511"].waybills))
    assert len(results) == 10 and not any(r.matched for r in results)
    fields = {m.field for r in results for m in r.mismatches}
    # No order of the inventories' numbers; five payments of one; import packNo 6000;
    # the first line's total 20 for 100 × 20.
    assert {"order", "payment", "payment.orderNo", "waybill", "inventory.packNo",
            "inventory.orderNo",
            "inventory.InventoryList[gnum=1].totalPrice"} <= fields


@needs_samples
@pytest.mark.parametrize("name", ["import/CEB312", "import/CEB412", "import/CEB512",
                                  "import/CEB622", "export/CEB304", "export/CEB506",
                                  "export/CEB604", "export/CEB702"])
def test_the_official_receipt_samples_read(name: str) -> None:
    read = read_message((SAMPLES / f"{name}Message.xml").read_bytes())
    assert read.problems == [] and len(read.receipts) == 10
    receipt = read.receipts[0]
    assert receipt.message == name.split("/")[1] and receipt.time.utcoffset() is not None


def test_a_receipt_reads_status_time_and_references() -> None:
    xml = receipt_xml("CEB622", {"guid": "G", "copNo": "COP1", "preNo": "P" * 18,
                                 "invtNo": "370020261000000001", "returnStatus": "800",
                                 "returnTime": "20261201093015123", "returnInfo": "放行"})
    (receipt,) = read_message(xml.encode()).receipts
    assert (receipt.status, receipt.invt_no, receipt.cop_no, receipt.info) == (
        800, "370020261000000001", "COP1", "放行")
    assert receipt.time.astimezone(UTC) == datetime(2026, 12, 1, 1, 30, 15, 123000, tzinfo=UTC)
    assert (receipt.answers, receipt.direction) == ("inventory", "import")


def test_each_bad_element_is_named_by_its_path_and_the_others_are_read() -> None:
    good, _, _, _ = import_set(1)
    other, _, _, _ = import_set(2)
    xml = order_xml(good, other).replace(
        "<ceb:acturalPaid>245.20</ceb:acturalPaid>", "<ceb:acturalPaid>2x</ceb:acturalPaid>", 1
    ).replace("<ceb:consignee>李小宝</ceb:consignee>", "", 1)
    read = read_message(xml.encode())
    assert [o.order_no for o in read.orders] == ["ORD-2"] and read.refused_records == 1
    assert {(p.field, p.reason.split(":")[0]) for p in read.problems} == {
        ("CEB311Message/Order[1]/OrderHead/acturalPaid", "'2x' is not an amount"),
        ("CEB311Message/Order[1]/OrderHead/consignee", "is required"),
    }


def test_a_line_without_its_quantity_and_a_bad_time_are_named() -> None:
    _, _, _, inventory = import_set()
    xml = inventory_xml(inventory).replace("<ceb:qty>1</ceb:qty>", "")
    (problem,) = read_message(xml.encode()).problems
    assert problem.field == "CEB621Message/Inventory[1]/InventoryList[2]/qty"
    receipt = receipt_xml("CEB512", {"logisticsNo": "L1", "returnStatus": "2",
                                     "returnTime": "20261399000000000", "returnInfo": "x"})
    (bad,) = read_message(receipt.encode()).problems
    assert bad.field == "CEB512Message/LogisticsReturn[1]/returnTime"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "not well-formed"),
    (b"<ceb:CEB311Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'>", "not well-formed"),
    (b"<Order/>", "not a CEB message"),
    (b"<ceb:CEB999Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'/>", "not a message read"),
    (b"<ceb:CEB311Message xmlns:ceb='http://www.chinaport.gov.cn/ceb'/>", "holds no Order"),
])
def test_what_is_no_message_is_one_problem(data: bytes, reason: str) -> None:
    read = read_message(data)
    assert len(read.problems) == 1 and reason in read.problems[0].reason
    assert read.orders == [] and read.receipts == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<ceb:CEB622Message xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:InventoryReturn>
<ceb:returnStatus>800</ceb:returnStatus><ceb:returnTime>20261201093015123</ceb:returnTime>
<ceb:returnInfo>&lol9;</ceb:returnInfo></ceb:InventoryReturn></ceb:CEB622Message>"""


def test_a_billion_laughs_document_is_refused_unexpanded() -> None:
    read = read_message(BILLION_LAUGHS)
    assert read.receipts == [] and "DOCTYPE" in read.problems[0].reason
    # In UTF-16 the bytes hide the DOCTYPE from the first look; the parser still refuses.
    wide = BILLION_LAUGHS.replace(b'version="1.0"?>', b'version="1.0" encoding="UTF-16"?>')
    read = read_message(wide.decode().encode("utf-16"))
    assert read.receipts == [] and len(read.problems) == 1
    assert read.problems[0].field == "(file)"


def test_an_external_entity_is_neither_read_nor_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    for target in (secret.as_uri(), "http://127.0.0.1:9/x"):
        xxe = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{target}">]>'
               '<ceb:CEB622Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">'
               "<ceb:InventoryReturn><ceb:returnStatus>800</ceb:returnStatus>"
               "<ceb:returnTime>20261201093015123</ceb:returnTime><ceb:returnInfo>&x;"
               "</ceb:returnInfo></ceb:InventoryReturn></ceb:CEB622Message>").encode()
        read = read_message(xxe)
        assert read.receipts == [] and "DOCTYPE" in read.problems[0].reason
        assert "TOP-SECRET" not in repr(read)


def test_a_message_over_the_size_bound_is_not_parsed() -> None:
    read = read_message(b" " * (MAX_MESSAGE_BYTES + 1))
    assert read.problems[0].field == "(file)" and "over the" in read.problems[0].reason



HEAD_FIELDS = ("orderNo", "ebpCode", "goodsValue", "freight", "discount", "taxTotal",
               "acturalPaid", "currency", "buyerName", "buyerIdType", "buyerIdNumber",
               "consignee", "consigneeTelephone", "consigneeAddress")


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(HEAD_FIELDS),
       st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                             blacklist_characters="\ufffe\uffff"), max_size=1200))
def test_any_text_in_any_field_is_read_or_named(name: str, text: str) -> None:
    """Property: whatever text a head field holds, reading never raises; the order is read
    with that text, or refused with a problem naming exactly that element."""
    order, *_ = import_set()
    xml = order_xml(order)
    start = xml.index(f"<ceb:{name}>") + len(f"<ceb:{name}>")
    end = xml.index(f"</ceb:{name}>", start)
    try:
        data = (xml[:start] + escape(text) + xml[end:]).encode()
    except UnicodeEncodeError:
        return
    read = read_message(data)
    if read.orders:
        assert read.problems == []
    else:
        assert [p.field for p in read.problems] == [f"CEB311Message/Order[1]/OrderHead/{name}"]


def ndjson(*objects: Any) -> list[bytes]:
    return [json.dumps(o, ensure_ascii=False).encode() if not isinstance(o, bytes) else o
            for o in objects]


def test_ndjson_records_read_as_their_xml_twins() -> None:
    records = import_set()
    read = read_records(formats.read_ndjson(ndjson(*(as_object(r) for r in records))))
    assert read.problems == [] and (read.orders, read.payments, read.waybills,
                                    read.inventories) == tuple([r] for r in records)


def test_a_bad_ndjson_line_is_named_by_its_number_and_the_others_are_read() -> None:
    order, payment, waybill, inventory = import_set()
    nested = {**as_object(order), "acturalPaid": {"value": 1}}
    no_lines = {**as_object(inventory), "lines": "none"}
    read = read_records(formats.read_ndjson(ndjson(
        as_object(payment), b"{not json", {"kind": "invoice"}, nested, no_lines,
        as_object(waybill))))
    assert (read.payments, read.waybills, read.orders, read.inventories) == (
        [payment], [waybill], [], [])
    fields = [p.field for p in read.problems]
    assert fields == ["line 2", "line 3/kind", "line 4/acturalPaid",
                      "line 5/lines"]
    assert "must be text or a number, not dict" in read.problems[2].reason
    bare = {k: v for k, v in as_object(order).items() if k != "lines"}
    (problem,) = read_records(formats.read_ndjson(ndjson(bare))).problems
    assert (problem.field, problem.reason) == ("line 1/lines", "at least one line of goods "
                                                               "is required")
