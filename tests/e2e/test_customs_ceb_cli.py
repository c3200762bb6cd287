"""``silkpost customs match`` and ``silkpost customs receipts`` through Typer's runner; the
receipts' events stored in a real SQLite file through the tracking intake."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from silkpost.bootstrap import bootstrap
from silkpost.cli import app
from silkpost.customs.declarations import get_declaration
from silkpost.domain.declarations import StoredDeclaration
from silkpost.settings import Settings
from tests.unit.customs.ceb_sets import (
    as_object,
    import_set,
    inventory_xml,
    order_xml,
    payment_xml,
    receipt_xml,
    waybill_xml,
)
from tests.unit.customs.declaration_records import record

runner = CliRunner()
ITEMS = ("CA000000014CN", "CA000000028CN", "CA000000031CN")


def report_of(output: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(output[output.index("{"):])
    return body


def write_sets(folder: Path, *, payment_off: bool = True) -> None:
    """Three sets as four messages; the second set's payment 10 % short when asked."""
    sets = [import_set(n, logistics_no=item) for n, item in enumerate(ITEMS, start=1)]
    orders, payments, waybills, inventories = (list(x) for x in zip(*sets, strict=True))
    if payment_off:
        payments[1] = replace(payments[1], amount_paid=Decimal("220.68"))
    folder.mkdir(exist_ok=True)
    (folder / "orders.xml").write_text(order_xml(*orders), encoding="utf-8")
    (folder / "payments.xml").write_text(payment_xml(*payments), encoding="utf-8")
    (folder / "waybills.xml").write_text(waybill_xml(*waybills), encoding="utf-8")
    (folder / "inventories.xml").write_text(inventory_xml(*inventories), encoding="utf-8")


def test_match_lists_the_mismatch_by_field_and_releases_the_matched(tmp_path: Path) -> None:
    write_sets(tmp_path / "in")
    released = tmp_path / "released.ndjson"
    result = runner.invoke(app, ["customs", "match", str(tmp_path / "in"), "--json",
                                 "--released", str(released)])
    assert result.exit_code == 1, result.output
    report = report_of(result.output)
    assert (report["messages"], report["inventories"], report["matched"],
            report["mismatched"]) == (4, 3, 2, 1)
    (bad,) = report["results"]
    assert bad["orderNo"] == "ORD-2" and bad["logisticsNo"] == ITEMS[1]
    assert [(m["field"], m["against"]) for m in bad["mismatches"]] == [
        ("payment.amountPaid", "order.acturalPaid")]
    assert report["by_field"] == {"payment.amountPaid": 1}
    lines = [json.loads(line) for line in released.read_text(encoding="utf-8").splitlines()]
    assert [(r["orderNo"], r["logisticsNo"]) for r in lines] == [("ORD-1", ITEMS[0]),
                                                                 ("ORD-3", ITEMS[2])]
    assert lines[0]["invtNo"] == "37002026I000000001"


def test_a_wider_tolerance_matches_all_and_exits_0(tmp_path: Path) -> None:
    write_sets(tmp_path / "in")
    result = runner.invoke(app, ["customs", "match", str(tmp_path / "in"),
                                 "--tolerance", "0.15"])
    assert result.exit_code == 0, result.output
    assert "Mismatched inventories" not in result.output and "三单对碰" in result.output


@pytest.mark.parametrize("value", ["abc", "1.5", "-0.1"])
def test_a_bad_tolerance_is_one_line_naming_the_option(tmp_path: Path, value: str) -> None:
    write_sets(tmp_path / "in")
    result = runner.invoke(app, ["customs", "match", str(tmp_path / "in"),
                                 "--tolerance", value])
    assert result.exit_code == 2 and "--tolerance" in result.output
    assert "Traceback" not in result.output


def test_a_broken_message_is_named_and_the_others_still_match(tmp_path: Path) -> None:
    write_sets(tmp_path / "in", payment_off=False)
    (tmp_path / "in" / "junk.xml").write_bytes(b"<ceb:CEB621Message xmlns:ceb='x'>")
    orders = (tmp_path / "in" / "orders.xml").read_text(encoding="utf-8")
    (tmp_path / "in" / "orders.xml").write_text(
        orders.replace("<ceb:taxTotal>19.20</ceb:taxTotal>", "<ceb:taxTotal>-1</ceb:taxTotal>",
                       1), encoding="utf-8")
    released = tmp_path / "released.ndjson"
    result = runner.invoke(app, ["customs", "match", str(tmp_path / "in"), "--json",
                                 "--released", str(released)])
    assert result.exit_code == 1, result.output
    report = report_of(result.output)
    assert (report["matched"], report["mismatched"], report["refused_records"]) == (2, 1, 1)
    problems = {(Path(p["file"]).name, p["field"]) for p in report["problems"]}
    assert problems == {("junk.xml", "(file)"),
                        ("orders.xml", "CEB311Message/Order[1]/OrderHead/taxTotal")}
    assert report["results"][0]["mismatches"][0]["field"] == "order"
    assert len(released.read_text(encoding="utf-8").splitlines()) == 2


def test_released_into_a_missing_folder_fails_before_any_work(tmp_path: Path) -> None:
    write_sets(tmp_path / "in")
    result = runner.invoke(app, ["customs", "match", str(tmp_path / "in"), "--released",
                                 str(tmp_path / "nowhere" / "r.ndjson")])
    assert result.exit_code == 2 and "--released" in result.output


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "receipts.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return db


def timeline(item: str) -> list[dict[str, Any]]:
    out = runner.invoke(app, ["track", item, "--json"])
    assert out.exit_code == 0, out.output
    events: list[dict[str, Any]] = json.loads(out.output)["timeline"]
    return events


def test_receipts_become_events_on_their_items(db_env: Path, tmp_path: Path) -> None:
    """A waybill receipt names its S10 item; an inventory receipt is linked to it through the
    CEB621 given with it; an order receipt with nothing to link it to is reported."""
    folder = tmp_path / "r"
    folder.mkdir()
    _, _, _, inventory = import_set(1)
    (folder / "inventory.xml").write_text(inventory_xml(inventory), encoding="utf-8")
    (folder / "512.xml").write_text(receipt_xml(
        "CEB512", {"logisticsNo": ITEMS[0], "returnStatus": "120",
                   "returnTime": "20261201080000000", "returnInfo": "海关入库"}),
        encoding="utf-8")
    (folder / "622.xml").write_text(receipt_xml(
        "CEB622",
        {"copNo": "COP1", "invtNo": inventory.invt_no, "returnStatus": "500",
         "returnTime": "20261201090000000", "returnInfo": "查验"},
        {"copNo": "COP1", "invtNo": inventory.invt_no, "returnStatus": "800",
         "returnTime": "20261201140000000", "returnInfo": "放行"}), encoding="utf-8")
    (folder / "312.xml").write_text(receipt_xml(
        "CEB312", {"orderNo": "ORD-404", "returnStatus": "100",
                   "returnTime": "20261201080000000", "returnInfo": "退单[-301010]"}),
        encoding="utf-8")
    result = runner.invoke(app, ["customs", "receipts", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # the order receipt was not recorded
    report = report_of(result.output)
    assert (report["receipts"], report["stored"], report["not_attributable"]) == (4, 3, 1)
    (lost,) = [line for line in report["lines"] if line["item_id"] is None]
    assert lost["reference"] == "orderNo ORD-404" and "not attributable" in lost["note"]
    events = timeline(ITEMS[0])
    assert [e["code"] for e in events] == ["EDB", "EME", "EDC"]
    assert events[0]["occurred_at"].startswith("2026-12-01T08:00:00")
    assert all(e["source"] == "customs" for e in events)
    again = runner.invoke(app, ["customs", "receipts", str(folder), "--json"])
    assert report_of(again.output)["duplicates"] == 3
    assert [e["code"] for e in timeline(ITEMS[0])] == ["EDB", "EME", "EDC"]


def test_a_rejection_carries_the_customs_error_in_its_payload(db_env: Path,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "506.xml"
    path.write_text(receipt_xml(
        "CEB506", {"logisticsNo": ITEMS[1], "returnStatus": "100",
                   "returnTime": "20261202101500000",
                   "returnInfo": "退单[-505001]\n\t运单重复\r\n"}),
        encoding="utf-8")
    result = runner.invoke(app, ["customs", "receipts", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (event,) = timeline(ITEMS[1])
    assert event["code"] == "SZR"
    assert event["payload"]["error_code"] == "-505001"
    assert event["payload"]["customs_status"] == 100
    assert event["payload"]["customs_message"] == "CEB506"
    assert event["payload"]["return_info"] == "退单[-505001] 运单重复"  # on one line


def test_a_hostile_receipt_stores_nothing(db_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">'
                     b']><ceb:CEB512Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">'
                     b"<ceb:LogisticsReturn><ceb:logisticsNo>CA000000014CN</ceb:logisticsNo>"
                     b"<ceb:returnStatus>800</ceb:returnStatus><ceb:returnTime>"
                     b"20261201080000000</ceb:returnTime><ceb:returnInfo>&x;</ceb:returnInfo>"
                     b"</ceb:LogisticsReturn></ceb:CEB512Message>")
    result = runner.invoke(app, ["customs", "receipts", str(path), "--json"])
    assert result.exit_code == 1
    report = report_of(result.output)
    assert report["receipts"] == 0 and "DOCTYPE" in report["problems"][0]["reason"]
    assert runner.invoke(app, ["track", "CA000000014CN"]).exit_code == 3


def test_ndjson_records_match_with_xml_messages(tmp_path: Path) -> None:
    """Orders and payments as NDJSON, waybills and inventories as CEB XML, in one run."""
    folder = tmp_path / "mixed"
    write_sets(folder, payment_off=False)
    sets = [import_set(n, logistics_no=item) for n, item in enumerate(ITEMS, start=1)]
    (folder / "orders.xml").unlink()
    (folder / "payments.xml").unlink()
    lines = [json.dumps(as_object(r), ensure_ascii=False) for s in sets for r in s[:2]]
    lines.insert(2, "{broken")
    (folder / "orders-and-payments.ndjson").write_text("\n".join(lines) + "\n",
                                                       encoding="utf-8")
    result = runner.invoke(app, ["customs", "match", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # the broken line
    report = report_of(result.output)
    assert (report["matched"], report["mismatched"], report["refused_records"]) == (3, 0, 1)
    (problem,) = report["problems"]
    assert problem["field"] == "line 3" and problem["file"].endswith(".ndjson")


def declared(tmp_path: Path, broker: str, *records: dict[str, Any]) -> None:
    """Declarations stored by ``broker`` (registered here) through ``customs declare``."""
    added = runner.invoke(app, ["partner", "add", broker, "--name", broker, "--kind",
                                "customs_broker"])
    assert added.exit_code == 0, added.output
    path = tmp_path / f"{broker}.json"
    path.write_text(json.dumps(list(records), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["customs", "declare", str(path), "--broker", broker])
    assert result.exit_code == 0, result.output


def stored_declaration(broker: str, reference: str) -> StoredDeclaration:
    platform = bootstrap(Settings.from_env())
    try:
        return get_declaration(reference, broker=broker, uow=platform.declaration_reader())
    finally:
        platform.dispose()


INVENTORY = "37002026E000000001"  # an export inventory number (customs area, year, serial)


def test_receipts_find_their_items_and_move_their_declarations(db_env: Path,
                                                               tmp_path: Path) -> None:
    """Receipts whose only link is an inventory number, an order number or a waybill number
    that is no S10 id reach the item of the stored declaration carrying it, and put that
    declaration in the status they mean (the latest receipt deciding); an order number no
    declaration carries is still not attributable. Read again: nothing changes."""
    declared(tmp_path, "BRK-A",
             record("D-1", item_id=ITEMS[0], waybill_no="WB-1", inventory_no=INVENTORY),
             record("D-2", item_id=ITEMS[1], waybill_no="WB-2", order_no="ORD-78"),
             record("D-3", item_id=ITEMS[2], waybill_no="WB-3", order_no="ORD-79"))
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "604.xml").write_text(receipt_xml(  # released after it was held
        "CEB604",
        {"copNo": "COP9", "invtNo": INVENTORY, "returnStatus": "800",
         "returnTime": "20261201140000000", "returnInfo": "放行"},
        {"copNo": "COP9", "invtNo": INVENTORY, "returnStatus": "500",
         "returnTime": "20261201090000000", "returnInfo": "查验"}), encoding="utf-8")
    (folder / "304.xml").write_text(receipt_xml(
        "CEB304",
        {"orderNo": "ORD-78", "returnStatus": "100", "returnTime": "20261201080000000",
         "returnInfo": "退单[-301010]"},
        {"orderNo": "ORD-404", "returnStatus": "100", "returnTime": "20261201080000000",
         "returnInfo": "退单[-301010]"}), encoding="utf-8")
    (folder / "506.xml").write_text(receipt_xml(
        "CEB506", {"logisticsNo": "WB-3", "returnStatus": "500",
                   "returnTime": "20261201100000000", "returnInfo": "查验"}),
        encoding="utf-8")
    result = runner.invoke(app, ["customs", "receipts", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # ORD-404 was not recorded
    report = report_of(result.output)
    assert (report["receipts"], report["stored"], report["not_attributable"],
            report["declarations_updated"]) == (5, 4, 1, 3)
    (lost,) = [line for line in report["lines"] if line["item_id"] is None]
    assert lost["reference"] == "orderNo ORD-404" and "not attributable" in lost["note"]
    assert lost["declaration"] is None
    by_reference = {line["reference"]: line for line in report["lines"]}
    assert by_reference["orderNo ORD-78"]["declaration"] == "BRK-A/D-2"
    assert [e["code"] for e in timeline(ITEMS[0])] == ["EXB", "EXC"]
    assert [e["code"] for e in timeline(ITEMS[1])] == ["SZR"]
    assert [e["code"] for e in timeline(ITEMS[2])] == ["EXB"]
    statuses = {ref: stored_declaration("BRK-A", ref) for ref in ("D-1", "D-2", "D-3")}
    assert {ref: d.status.value for ref, d in statuses.items()} == {
        "D-1": "released", "D-2": "rejected", "D-3": "held"}
    assert all(d.updated_at > d.received_at for d in statuses.values())

    again = runner.invoke(app, ["customs", "receipts", str(folder), "--json"])
    report = report_of(again.output)
    assert (report["stored"], report["duplicates"], report["declarations_updated"]) == (
        0, 4, 0)
    assert [e["code"] for e in timeline(ITEMS[0])] == ["EXB", "EXC"]
    assert {ref: stored_declaration("BRK-A", ref) for ref in statuses} == statuses


def test_a_receipt_on_its_item_moves_the_declaration_of_that_item(db_env: Path,
                                                                  tmp_path: Path) -> None:
    """An S10 logisticsNo finds the item the old way, and the declaration by its item_id;
    the table says how many declarations moved."""
    declared(tmp_path, "BRK-A", record("D-1", item_id=ITEMS[0], waybill_no="WB-1"))
    path = tmp_path / "506.xml"
    path.write_text(receipt_xml(
        "CEB506", {"logisticsNo": ITEMS[0], "returnStatus": "800",
                   "returnTime": "20261201100000000", "returnInfo": "放行"}),
        encoding="utf-8")
    result = runner.invoke(app, ["customs", "receipts", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = report_of(result.output)
    assert report["declarations_updated"] == 1
    assert report["lines"][0]["declaration"] == "BRK-A/D-1"
    assert report["lines"][0]["note"] == ("item from its logisticsNo; declaration BRK-A/D-1 by "
                                          f"its item {ITEMS[0]}")
    assert stored_declaration("BRK-A", "D-1").status.value == "released"
    table = runner.invoke(app, ["customs", "receipts", str(path)], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "declarations updated" in table.output


def test_a_number_two_brokers_declared_names_neither(db_env: Path, tmp_path: Path) -> None:
    """Two brokers' declarations with one order number: the receipt is not attributable and
    neither declaration moves (guessing would move another broker's)."""
    declared(tmp_path, "BRK-A", record("D-1", item_id=ITEMS[0], order_no="ORD-5"))
    declared(tmp_path, "BRK-B", record("D-1", item_id=ITEMS[1], order_no="ORD-5"))
    path = tmp_path / "304.xml"
    path.write_text(receipt_xml(
        "CEB304", {"orderNo": "ORD-5", "returnStatus": "800",
                   "returnTime": "20261201100000000", "returnInfo": "放行"}),
        encoding="utf-8")
    result = runner.invoke(app, ["customs", "receipts", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = report_of(result.output)
    assert (report["not_attributable"], report["declarations_updated"]) == (1, 0)
    (line,) = report["lines"]
    assert line["note"] == ("not attributable: 2 stored declarations carry orderNo ORD-5 "
                            "(BRK-B/D-1, BRK-A/D-1): none is taken")  # newest first
    assert {stored_declaration(b, "D-1").status.value for b in ("BRK-A", "BRK-B")} == {
        "received"}
    assert runner.invoke(app, ["track", ITEMS[0]]).exit_code == 3
