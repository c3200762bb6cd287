"""``silkpost customs check`` shows what screening found: refused and flagged records."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from silkpost.cli import app
from tests.unit.customs.test_declarations import b2c
from tests.unit.customs.test_screening import line

runner = CliRunner()


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
