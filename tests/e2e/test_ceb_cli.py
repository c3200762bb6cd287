"""``silkpost customs validate`` and ``silkpost customs export`` through Typer's runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from silkpost.cli import app
from tests.unit.customs.test_ceb_export import BAG, ceb_record

runner = CliRunner()
SAMPLES = Path(__file__).parents[1] / "data" / "ceb" / "2018-113"
BASE = ["--cop-code", "1100110001", "--cop-name", "Silk Post", "--dxp-id", "DXPENT0000012345",
        "--customs-code", "6527", "--port-code", "6527", "--pod", "ALA"]


def report(output: str) -> Any:
    return json.loads(output[output.index("{"):])


def names(tmp_path: Path) -> Path:
    path = tmp_path / "names.csv"
    path.write_text("code,name\n3301964J31,Platform Co\n3301968E2U,Shop Co\n",
                    encoding="utf-8")
    return path


def test_validate_lists_every_problem_by_path_and_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["customs", "validate", str(SAMPLES / "CEB603Message.xml"),
                                 str(SAMPLES / "CEB621Message.xml"), "--json"])
    assert result.exit_code == 1, result.output
    found = report(result.output)
    assert (found["checked"], found["invalid"]) == (2, 2)
    first, second = found["files"]
    assert (first["message"], first["schema"], first["side"]) == ("CEB603Message",
                                                                   "2018-113", "export")
    paths = {p["path"] for p in second["problems"]}
    assert "/CEB621Message/Inventory[1]/InventoryHead/emsNo" in paths
    table = runner.invoke(app, ["customs", "validate", str(SAMPLES / "CEB603Message.xml")])
    assert table.exit_code == 1 and "2000.00" in table.output


def test_validate_hostile_files_each_one_line_no_traceback(tmp_path: Path) -> None:
    files = {"text.xml": b"hello", "other.xml": b"<a xmlns='urn:x' version='1.0'/>",
             "xxe.xml": b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    args = [str(tmp_path / n) for n in files] + [str(tmp_path / "missing.xml"), str(tmp_path)]
    result = runner.invoke(app, ["customs", "validate", *args, "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found = report(result.output)
    reasons = [f["problems"][0]["reason"] for f in found["files"]]
    assert [len(f["problems"]) for f in found["files"]] == [1] * 5
    assert "not well-formed" in reasons[0] and "urn:x" in reasons[1]
    assert "DOCTYPE" in reasons[2] and "root:" not in result.output
    assert reasons[3:] == ["no such file", "is a folder, not a file"]


def test_validate_an_unknown_schema_name_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["customs", "validate", str(SAMPLES / "CEB303Message.xml"),
                                 "--schema", "2030"])
    assert result.exit_code == 2 and "--schema" in result.output


def test_export_writes_one_valid_file_per_message_and_validate_agrees(tmp_path: Path) -> None:
    decl = tmp_path / "d.json"
    decl.write_text(json.dumps([ceb_record(1), ceb_record(2)]), encoding="utf-8")
    bags = tmp_path / "bags.csv"
    bags.write_text(f"reference,receptacle\nD-0001,{BAG}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["customs", "export", str(decl), "--to", str(out),
                                 "--bags", str(bags), "--names", str(names(tmp_path)),
                                 *BASE, "--json"])
    assert result.exit_code == 0, result.output
    found = report(result.output)
    assert (found["read"], found["refused"]) == (2, 0)
    assert found["messages"] == {"CEB303": 1, "CEB505": 1, "CEB603": 1, "CEB701": 1}
    written = sorted(out.iterdir())
    assert [p.name for p in written] == sorted(found["files"])  # no temporary left behind
    assert b"<ceb:totalPackageNo>" + BAG.encode() in next(
        p for p in written if p.name.startswith("CEB603")).read_bytes()
    check = runner.invoke(app, ["customs", "validate", *map(str, written), "--json"])
    assert check.exit_code == 0, check.output
    assert {f["schema"] for f in report(check.output)["files"]} == {"202205"}


def test_export_lists_refused_declarations_and_exits_1(tmp_path: Path) -> None:
    bad = ceb_record(2, currency="KZT")
    decl = tmp_path / "d.json"
    decl.write_text(json.dumps([ceb_record(1), bad, {"reference": "X"}]), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["customs", "export", str(decl), "--to", str(out),
                                 "--messages", "303,505", "--names", str(names(tmp_path)),
                                 *BASE, "--json"])
    assert result.exit_code == 1, result.output
    found = report(result.output)
    assert (found["read"], found["refused"]) == (3, 2)
    assert found["messages"] == {"CEB303": 1, "CEB505": 1}
    refused = {r["reference"]: {p["field"] for p in r["problems"]} for r in found["records"]}
    assert refused["D-0002"] == {"currency"}
    assert "lines" in refused["X"]
    table = runner.invoke(app, ["customs", "export", str(decl), "--to", str(out),
                                "--messages", "303", "--names", str(names(tmp_path)), *BASE])
    assert table.exit_code == 1 and "KZT" in table.output


def test_export_mistakes_in_options_are_one_line_each(tmp_path: Path) -> None:
    decl = tmp_path / "d.json"
    decl.write_text(json.dumps([ceb_record(1)]), encoding="utf-8")
    out = str(tmp_path / "out")
    cases = [
        (["--messages", "303,999"], "--messages"),
        (["--customs-code", "65"], "--customs-code"),
        (["--bags", str(decl)], "--bags"),  # not a CSV with reference, receptacle
    ]
    for extra, option in cases:
        result = runner.invoke(app, ["customs", "export", str(decl), "--to", out,
                                     *BASE, *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert option in result.output
    bad_bag = tmp_path / "bags.csv"
    bad_bag.write_text("reference,receptacle\nD-0001,NOTABAG\n", encoding="utf-8")
    result = runner.invoke(app, ["customs", "export", str(decl), "--to", out, *BASE,
                                 "--bags", str(bad_bag)])
    assert result.exit_code == 2 and "S9" in result.output
    lacking = runner.invoke(app, ["customs", "export", str(decl), "--to", out,
                                  "--cop-code", "1", "--cop-name", "x", "--dxp-id", "d"])
    assert lacking.exit_code == 2 and "customs-code" in lacking.output
    shutil.rmtree(out, ignore_errors=True)


def test_customs_check_reads_a_declaration_in_china_customs_xml(tmp_path: Path) -> None:
    """``customs check`` given a CEB message (by its extension or --format xml) checks it as
    ``customs validate`` does: the same problems, the same exit code."""
    sample = str(SAMPLES / "CEB603Message.xml")
    checked = runner.invoke(app, ["customs", "check", sample, "--json", "--no-blacklist"])
    validated = runner.invoke(app, ["customs", "validate", sample, "--json"])
    assert checked.exit_code == validated.exit_code == 1
    assert report(checked.output) == report(validated.output)
    renamed = tmp_path / "declaration.txt"
    shutil.copy(sample, renamed)
    forced = runner.invoke(app, ["customs", "check", str(renamed), "--format", "xml", "--json",
                                 "--no-blacklist"])
    assert forced.exit_code == 1
    assert report(forced.output)["files"][0]["problems"] == report(
        validated.output)["files"][0]["problems"]
