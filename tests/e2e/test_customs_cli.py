"""``silkpost customs check`` on files as brokers send them: JSON, NDJSON, CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.customs.files import CSV_COLUMNS, read_declarations
from silkpost.customs.service import check
from tests.unit.customs.test_declarations import b2c

runner = CliRunner()


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check reads the stored blacklist: a database of the test's own."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'customs.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")


def csv_rows(record: dict[str, Any]) -> list[dict[str, str]]:
    """A declaration as CSV rows: one per line of goods, its own fields on each."""
    head = {k: str(v) for k, v in record.items() if isinstance(v, (str, int))}
    for who in ("sender", "consignee"):
        for part, value in record[who].items():
            if part == "identity":
                head.update({f"{who}.identity.{k}": v for k, v in value.items()})
            else:
                head[f"{who}.{part}"] = value
    return [{**head, **{f"line.{k}": str(v) for k, v in line.items()}}
            for line in record["lines"]]


def write_csv(path: Path, records: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS))
        out.writeheader()
        for record in records:
            out.writerows(csv_rows(record))


def test_a_csv_declaration_reads_as_its_json_twin(tmp_path: Path) -> None:
    """Two declarations of two lines each, as CSV rows: the same records as the JSON form."""
    records = [b2c(), b2c(reference="D-0002")]
    path = tmp_path / "d.csv"
    write_csv(path, records)
    read = list(read_declarations([path.read_bytes()], "csv"))
    assert [position for position, _ in read] == [2, 4]
    report = check(read)
    assert (report.checked, report.valid, report.refused_count) == (2, 2, 0)


def test_check_lists_every_problem_of_each_refused_record_and_exits_1(tmp_path: Path) -> None:
    good, bad = b2c(), b2c(reference="D-BAD", currency="ZZZ", gross_weight_kg="0.1")
    path = tmp_path / "decl.ndjson"
    path.write_text("\n".join([json.dumps(good), "{not json", json.dumps(bad), "[1]"]) + "\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert (report["checked"], report["valid"], report["refused"]) == (4, 1, 3)
    listed = {r["position"]: {p["field"]: p["reason"] for p in r["problems"]}
              for r in report["records"]}
    assert "not valid JSON" in listed[2]["(record)"]
    assert set(listed[3]) == {"currency", "gross_weight_kg"}
    assert [r["reference"] for r in report["records"]] == [None, "D-BAD", None]
    assert "a declaration is a JSON object" in listed[4]["(record)"]
    table = runner.invoke(app, ["customs", "check", str(path)])
    assert table.exit_code == 1 and "D-BAD" in table.output and "currency" in table.output


def test_a_clean_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "decl.json"
    path.write_text(json.dumps({"declarations": [b2c(), b2c(reference="D-2")]}),
                    encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert (report["checked"], report["valid"], report["refused"]) == (2, 2, 0)


def test_an_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "decl.csv"
    path.write_text("reference,colour\nD-1,red\n", encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "colour" in result.output
    other = tmp_path / "decl.txt"
    other.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["customs", "check", str(other)])
    assert result.exit_code != 0 and "format" in result.output


def test_a_file_not_in_its_encoding_is_one_clear_error(tmp_path: Path) -> None:
    """A UTF-8 file said to be GB18030 whose bytes GB18030 cannot read: exit code, no
    traceback, the byte named."""
    path = tmp_path / "decl.json"
    path.write_bytes(b'[{"reference": "' + b"\x80\xff" + b'"}]')
    result = runner.invoke(app, ["customs", "check", str(path), "--encoding", "gb18030"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "GB18030" in result.output and "0x80" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
