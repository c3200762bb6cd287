"""``silkpost notice`` through Typer's runner, on a real SQLite file and the shipped network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    return db


def create(*extra: str) -> dict[str, object]:
    result = runner.invoke(app, [
        "notice", "create", "--title-en", "Khorgos closed", "--title-ru", "Хоргос закрыт",
        "--body-en", "Holiday", "--severity", "disruption", "--node", "CNHRS-XS",
        "--from", "2020-01-01T00:00:00+06:00", "--json", *extra])
    assert result.exit_code == 0, result.output
    body: dict[str, object] = json.loads(result.output)
    return body


def test_create_publish_list_withdraw() -> None:
    """The CLI walks a notice through draft, active and withdrawn; list filters by state."""
    made = create()
    assert made["id"] and made["state"] == "draft" and made["title"] == {
        "en": "Khorgos closed", "ru": "Хоргос закрыт"}
    nid = str(made["id"])
    listed = runner.invoke(app, ["notice", "list", "--state", "active"])
    assert listed.exit_code == 0 and nid not in listed.output

    published = runner.invoke(app, ["notice", "publish", nid])
    assert published.exit_code == 0 and "active" in published.output
    listed = runner.invoke(app, ["notice", "list", "--state", "active"])
    assert nid in listed.output and "active" in listed.output
    as_json = runner.invoke(app, ["notice", "list", "--state", "active", "--node", "CNHRS-XS",
                                  "--json"])
    assert [n["id"] for n in json.loads(as_json.output)] == [nid]
    elsewhere = runner.invoke(app, ["notice", "list", "--node", "KZALAA", "--json"])
    assert json.loads(elsewhere.output) == []

    withdrawn = runner.invoke(app, ["notice", "withdraw", nid, "--json"])
    assert json.loads(withdrawn.output)["state"] == "withdrawn"
    listed = runner.invoke(app, ["notice", "list", "--state", "active"])
    assert nid not in listed.output


def test_publish_at_once() -> None:
    """--publish creates the notice active in one step."""
    assert create("--publish")["state"] == "active"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--until", "2019-01-01T00:00:00+06:00"], 2, "(valid_until)"),
    (["--node", "XXNOPE"], 2, "(nodes)"),
    (["--until", "tomorrow"], 2, "(valid_until)"),
])
def test_bad_input_exits_2_naming_the_field(args: list[str], code: int, words: str) -> None:
    """A refused notice is one readable line naming the field, and exit code 2."""
    result = runner.invoke(app, [
        "notice", "create", "--title-en", "x", "--severity", "info",
        "--from", "2020-01-01T00:00:00+06:00", *args])
    assert result.exit_code == code, result.output
    assert words in result.output


def test_unknown_notice_exits_3() -> None:
    """Publishing an id nobody created is 'not found' (exit 3)."""
    result = runner.invoke(app, ["notice", "publish", "N-2026-0404"])
    assert result.exit_code == 3 and "notices.not_found" in result.output
