"""``silkpost customs check`` shows what screening found: refused and flagged records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from tests.unit.customs.test_declarations import b2c
from tests.unit.customs.test_screening import line

runner = CliRunner()


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check reads the stored blacklist: a database of the test's own."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'customs.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")


def test_check_lists_prohibited_goods_as_refused_and_batteries_as_flagged(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "decl.ndjson"
    records = [b2c(reference="D-OK"),
               b2c(reference="D-NARC", lines=[line("cannabis seeds", "120799")]),
               b2c(reference="D-BAT", lines=[line("Power bank 20000mAh")])]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert (report["valid"], report["refused"], report["flagged"]) == (2, 1, 1)
    [refused] = report["records"]
    assert refused["reference"] == "D-NARC"
    assert refused["problems"][0]["field"] == "lines[0].description"
    assert "narcotics" in refused["problems"][0]["reason"]
    [flagged] = report["flagged_records"]
    assert flagged["reference"] == "D-BAT"
    assert flagged["hits"][0] | {"reason": ""} == {
        "rule": "B01", "action": "exclude_mode", "field": "lines[0].description",
        "reason": "", "goods": "battery"}
    assert report["hits_by_rule"] == {"P03": 1, "B01": 1}
    table = runner.invoke(app, ["customs", "check", str(path)])
    assert table.exit_code == 1
    assert "D-NARC" in table.output and "D-BAT" in table.output and "B01" in table.output


def test_check_selects_for_inspection_by_risk_the_same_with_the_same_seed(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "decl.ndjson"
    records = [b2c(reference=f"D-{n}", item_id=f"ITEM{n}") for n in range(200)]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    args = ["customs", "check", str(path), "--select-rate", "0.2", "--seed", "s1", "--json"]
    first, again = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output[first.output.index("{"):])
    assert report == json.loads(again.output[again.output.index("{"):])
    assert 0 < report["selected"] < 200
    assert {r["score"] for r in report["selected_records"]} == {0}
    table = runner.invoke(app, args[:-1])
    assert "Selected for inspection" in table.output


def test_a_selection_rate_out_of_range_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "decl.json"
    path.write_text(json.dumps([b2c()]), encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(path), "--select-rate", "1.5"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--select-rate" in result.output and "between 0 and 1" in result.output


def test_blacklist_add_list_check_remove_through_the_cli(tmp_path: Path) -> None:
    """A shipper barred is refused at check with field sender.identity and the reason; the
    bar lifted, the same file passes; a mistake is one clear line and nothing is written."""
    path = tmp_path / "decl.json"
    path.write_text(json.dumps([b2c()]), encoding="utf-8")
    number = b2c()["sender"]["identity"]["number"]
    wrong = runner.invoke(app, ["customs", "blacklist", "add", "resident_id",
                                "110105194912310021",
                                "--reason", "x", "--source", "y", "--by", "z"])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output
    assert "number" in wrong.output and "GB 11643" in wrong.output
    late = runner.invoke(app, ["customs", "blacklist", "add", "resident_id", number, "--reason",
                               "x", "--source", "y", "--by", "z", "--expires", "yesterday"])
    assert late.exit_code == 2 and "--expires" in late.output
    listed = runner.invoke(app, ["customs", "blacklist", "list", "--all", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    added = runner.invoke(app, ["customs", "blacklist", "add", "resident_id", number,
                                "--reason", "dangerous goods declared as toys", "--source",
                                "Urumqi customs notice 12", "--by", "inspector Li", "--json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["entry"] == 1
    again = runner.invoke(app, ["customs", "blacklist", "add", "resident_id", number,
                                "--reason", "r", "--source", "s", "--by", "b"])
    assert again.exit_code == 4 and "already" in again.output
    result = runner.invoke(app, ["customs", "check", str(path), "--json"])
    assert result.exit_code == 1
    [record] = json.loads(result.output[result.output.index("{"):])["records"]
    [problem] = record["problems"]
    assert problem["field"] == "sender.identity"
    assert "dangerous goods declared as toys" in problem["reason"]
    assert runner.invoke(app, ["customs", "check", str(path), "--no-blacklist"]).exit_code == 0
    table = runner.invoke(app, ["customs", "blacklist", "list"])
    assert "inspector" in table.output and "Urumqi" in table.output  # wrapped in cells
    lifted = runner.invoke(app, ["customs", "blacklist", "remove", "resident_id", number,
                                 "--reason", "appeal upheld", "--by", "chief Wang"])
    assert lifted.exit_code == 0 and "entry 1" in lifted.output
    assert runner.invoke(app, ["customs", "check", str(path)]).exit_code == 0
    history = json.loads(runner.invoke(app, ["customs", "blacklist", "list", "--all",
                                             "--json"]).output)
    assert [(e["entry"], e["removed_by"]) for e in history] == [(1, "chief Wang")]
    gone = runner.invoke(app, ["customs", "blacklist", "remove", "resident_id", number,
                               "--reason", "r", "--by", "b"])
    assert gone.exit_code == 3 and "not on the blacklist" in gone.output
