"""``silkpost customs declare FILE --broker CODE``: the API's service from the command line,
on a SQLite file: stored once, every refused or conflicting record listed, exit 1 for them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.bootstrap import bootstrap
from silkpost.cli import app
from silkpost.customs.declarations import get_declaration
from silkpost.settings import Settings
from tests.unit.customs.declaration_records import record

runner = CliRunner()


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'customs.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    added = runner.invoke(app, ["partner", "add", "BRK-A", "--name", "Broker A", "--kind",
                                "customs_broker"])
    assert added.exit_code == 0, added.output


def _json(tmp_path: Path, records: list[object], name: str = "d.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_file_is_stored_once_and_its_refusals_listed(tmp_path: Path) -> None:
    path = _json(tmp_path, [record("D-1"), record("D-2", currency="XYZ"), record("D-3")])
    first = runner.invoke(app, ["customs", "declare", str(path), "--broker", "brk-a",
                                "--json"])
    assert first.exit_code == 1, first.output
    out = json.loads(first.stdout)
    assert (out["received"], out["stored"], out["refused"]) == (3, 2, 1)
    [refused] = out["records"]
    assert (refused["position"], refused["reference"], refused["outcome"]) == (2, "D-2",
                                                                              "refused")
    assert refused["problems"][0]["field"] == "currency"
    again = json.loads(runner.invoke(app, ["customs", "declare", str(path), "--broker",
                                           "BRK-A", "--json"]).stdout)
    assert (again["stored"], again["duplicates"], again["refused"]) == (0, 2, 1)
    platform = bootstrap(Settings.from_env())
    stored = get_declaration("D-3", broker="BRK-A", uow=platform.declaration_reader())
    assert stored.record["reference"] == "D-3"
    platform.dispose()


def test_a_changed_declaration_under_a_used_reference_is_a_conflict(tmp_path: Path) -> None:
    lines = tmp_path / "d.ndjson"
    lines.write_text("\n".join(json.dumps(r) for r in (
        record("D-1"), record("D-1", gross_weight_kg="2"))) + "\n", encoding="utf-8")
    answer = runner.invoke(app, ["customs", "declare", str(lines), "--broker", "BRK-A"])
    assert answer.exit_code == 1
    assert "conflict" in answer.stdout and "reference" in answer.stdout
    clean = _json(tmp_path, [record("D-9")], "ok.json")
    ok = runner.invoke(app, ["customs", "declare", str(clean), "--broker", "BRK-A"])
    assert ok.exit_code == 0, ok.output
    assert "Not stored" not in ok.stdout


def test_only_a_registered_broker_declares(tmp_path: Path) -> None:
    path = _json(tmp_path, [record("D-1")])
    answer = runner.invoke(app, ["customs", "declare", str(path), "--broker", "NOBODY"])
    assert answer.exit_code == 2
    assert "customs.not_a_broker (broker)" in answer.stderr
