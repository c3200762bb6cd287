"""``silkpost office`` through Typer's runner, on a real SQLite file and the shipped network: a
dispatch announced to Urumqi, its bag received and an item scanned out of it, the note."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.domain import s10

runner = CliRunner()
OFFICE = "CNURCA"
DISPATCH = "CNDGGACNURCADCC60007"
BAG = f"{DISPATCH}001010120"  # receptacle 001, registered, 12.0 kg
ITEMS = [s10.build("CA", n, "CN") for n in range(101, 104)]


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    return db


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def as_json(*args: str) -> Any:
    return json.loads(run(*args, "--json").output)


@pytest.fixture
def advice_file(tmp_path: Path) -> Path:
    """China Post's items posted in Dongguan for Almaty, and the pre-advice of their bag."""
    events = tmp_path / "posted.ndjson"
    events.write_text("".join(json.dumps({
        "object_id": i, "code": "EMA", "occurred_at": "2026-11-20T10:00:00+08:00",
        "office": "CNDGGA", "payload": {"destination": "KZALAA"}}) + "\n" for i in ITEMS))
    run("import", str(events))
    run("partner", "add", "CNPOST", "--name", "China Post", "--kind", "post",
        "--node", "CNDGGA", "--node", OFFICE)
    file = tmp_path / "predes.json"
    file.write_text(json.dumps({"dispatch_id": DISPATCH, "year": 2026, "receptacles": [
        {"receptacle_id": BAG, "items": ITEMS[:2]},
        {"receptacle_id": f"{DISPATCH}002010080", "items": ITEMS[2:]}]}))
    return file


def test_advise_receive_scan_and_the_note(advice_file: Path, tmp_path: Path) -> None:
    """The day's work at Urumqi from the terminal, each step's answer as the API gives it."""
    advised = run("office", "advise", str(advice_file), "--sender", "cnpost")
    assert "stored" in advised.output and DISPATCH in advised.output
    assert "2 receptacles, 3 items" in advised.output
    assert "unchanged" in run("office", "advise", str(advice_file), "--sender",
                              "CNPOST").output

    received = run("office", "receive", OFFICE, BAG, "--weight", "12.6", "--seal", "S-1",
                   "--at", "2026-11-24T09:00+08:00")
    assert "ANNOUNCED" in received.output and "(+0.6 kg)" in received.output
    assert "weight finding" in received.output
    again = as_json("office", "receive", OFFICE, BAG)
    assert again["outcome"] == "already_received" and again["weighed_kg"] == 12.6

    opened = as_json("office", "open", OFFICE, BAG)
    assert opened["still_expected"] == ITEMS[:2]
    scan = run("office", "scan", OFFICE, ITEMS[0], "--bag", BAG, "--at",
               "2026-11-24T09:30+08:00")
    assert "SORTED" in scan.output and "CNHRS-XS" in scan.output
    surplus = as_json("office", "scan", OFFICE, ITEMS[2], "--bag", BAG, "--damaged")
    assert surplus["surplus"] and surplus["damaged"] and surplus["sort"]["destination"] == \
        "KZALAA"
    finished = as_json("office", "finish", OFFICE, BAG)
    assert sorted(f["kind"] for f in finished["findings"]) == [
        "damaged", "missing_item", "surplus_item", "weight"]

    track = run("track", ITEMS[0])
    assert "office:CNURCA" in track.output  # the default source of the office's events

    note = run("office", "note", DISPATCH)
    assert "4 findings, 1 missing" in note.output and f"{DISPATCH}002010080" in note.output
    exported = tmp_path / "note.csv"
    closed = as_json("office", "note", DISPATCH.lower(), "--close", "--csv", str(exported))
    assert closed["advised_by"] == "CNPOST" and not closed["in_order"]
    assert [x["receptacle_id"] for x in closed["received"]] == [BAG]
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert sorted(r["kind"] for r in rows) == ["damaged", "missing_item", "missing_receptacle",
                                               "surplus_item", "weight"]


def test_hold_release_and_the_hold_area(advice_file: Path) -> None:
    """Held for customs, listed with its reason, released and sorted again."""
    run("office", "scan", OFFICE, ITEMS[1])
    held = run("office", "hold", OFFICE, ITEMS[1], "--reason", "customs", "--note", "CN 23")
    assert "held" in held.output and "customs" in held.output
    listed = as_json("office", "held", OFFICE, "--reason", "customs")
    assert [(x["item_id"], x["hold_reason"]) for x in listed["items"]] == [(ITEMS[1],
                                                                            "customs")]
    assert as_json("office", "held", OFFICE, "--reason", "address")["items"] == []
    assert as_json("office", "release", OFFICE, ITEMS[1])["outcome"] == "sorted"
    result = runner.invoke(app, ["office", "release", OFFICE, ITEMS[1]])
    assert result.exit_code == 4 and "office.conflict" in result.output


@pytest.mark.parametrize(("args", "code", "words"), [
    (["receive", OFFICE, BAG[:-1] + "X"], 2, "(receptacle_id)"),
    (["receive", "XXNOPE", BAG], 3, "office.unknown_office (office)"),
    (["receive", OFFICE, BAG, "--at", "2026-11-24T09:00"], 2, "(--at)"),
    (["scan", OFFICE, ITEMS[0], "--bag", "BAG-1"], 2, "(--bag)"),
    (["note", "CNDGGA"], 2, "(dispatch_id)"),
    (["note", DISPATCH], 3, "office.dispatch_not_found"),
    (["open", OFFICE, BAG], 3, "office.receptacle_not_received"),
])
def test_a_mistake_is_one_line_and_an_exit_code(args: list[str], code: int,
                                                words: str) -> None:
    result = runner.invoke(app, ["office", *args])
    assert result.exit_code == code, result.output
    assert words in result.output and "Traceback" not in result.output


def test_advise_refuses_a_bad_file_and_an_unknown_sender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"dispatch_id": DISPATCH, "year": 2026, "receptacles": "none"}))
    result = runner.invoke(app, ["office", "advise", str(bad), "--sender", "CNPOST"])
    assert result.exit_code == 2 and "(receptacles)" in result.output
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"dispatch_id": DISPATCH, "year": 2026,
                                "receptacles": [{"receptacle_id": BAG}]}))
    result = runner.invoke(app, ["office", "advise", str(good), "--sender", "NOBODY"])
    assert result.exit_code == 3 and "no partner NOBODY" in result.output


def test_bags_closed_into_a_dispatch_its_papers_and_the_handover(advice_file: Path,
                                                                  tmp_path: Path) -> None:
    """Outbound at Urumqi from the terminal: two items sorted, bagged, the bag closed as the
    dispatch's last with its label, the bill as PDF and CSV, the truck, the deadlines."""
    for item in ITEMS[:2]:
        run("office", "scan", OFFICE, item)
    opened = run("office", "bag", OFFICE, "KZALAA", "--json")
    bag_id = str(json.loads(opened.output)["bag_id"])
    assert "holds 2 items" in run("office", "bag-items", OFFICE, bag_id, *ITEMS[:2]).output
    refused = runner.invoke(app, ["office", "bag-items", OFFICE, bag_id, ITEMS[2]])
    assert refused.exit_code == 1 and "not been scanned" in refused.output
    label = tmp_path / "label.pdf"
    closed = run("office", "close-bag", OFFICE, bag_id, "--weight", "2.4", "--seal", "S-9",
                 "--last", "--label", str(label))
    dispatch = "CNURCAKZALAACCC60001"
    assert f"{dispatch}001" in closed.output and "dispatch closed" in closed.output
    assert label.read_bytes().startswith(b"%PDF")
    pdf, bill = tmp_path / "bill.pdf", tmp_path / "bill.csv"
    shown = run("office", "close-dispatch", OFFICE, dispatch, "--pdf", str(pdf), "--csv",
                str(bill))
    assert "CN 37" in shown.output and "1 bags, 2.4 kg, 2 items" in shown.output
    assert pdf.read_bytes().startswith(b"%PDF")
    rows = list(csv.DictReader(bill.open(encoding="utf-8")))
    assert [(r["receptacle"], r["weight_kg"], r["items"], r["last"]) for r in rows] == [
        ("001", "2.4", "2", "1")]
    waiting = json.loads(run("office", "deadlines", OFFICE, "--json").output)
    assert sorted(i["item_id"] for s in waiting for i in s["items"]) == ITEMS[:2]
    handed = run("office", "handover", OFFICE, dispatch, "--mode", "truck", "--reference",
                 "XJ A1234")
    assert "2 items announced to KZALAA" in handed.output
    assert json.loads(run("office", "deadlines", OFFICE, "--json").output) == []
    bad = runner.invoke(app, ["office", "handover", OFFICE, dispatch, "--mode", "boat",
                              "--reference", "X1"])
    assert bad.exit_code != 0 and "mode" in bad.output
