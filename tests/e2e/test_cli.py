"""The CLI through Typer's runner, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.store.migrate import head_revision
from tests.factories import event

runner = CliRunner()


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    return db


def test_db_upgrade_creates_the_schema(db_env: Path) -> None:
    """`db upgrade` migrates an empty file to head."""
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    head = head_revision()  # one head: Alembic refuses to name one when the chain forks
    assert head is not None
    assert "empty" in result.output and head in result.output and db_env.exists()
    with sqlite3.connect(db_env) as db:
        (stored,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert stored == head
    # The newest parts' tables: the offices, the shipper blacklist, the declarations.
    assert {"office_bags", "customs_declarations"} <= tables


def test_import_then_track(db_env: Path, tmp_path: Path) -> None:
    """An NDJSON import stores the events; `track --json` shows them in time order."""
    f = tmp_path / "events.ndjson"
    f.write_text("\n".join(json.dumps(e) for e in [
        event(code="EMB", at="2026-11-18T10:00:00+06:00", location="CNURM"),
        event(code="EMA", at="2026-11-15T09:00:00+08:00", location="CNDGG"),
    ]))
    result = runner.invoke(app, ["import", str(f)])
    assert result.exit_code == 0, result.output
    out = runner.invoke(app, ["track", "CA000000014CN", "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert [e["code"] for e in body["timeline"]] == ["EMA", "EMB"]
    table = runner.invoke(app, ["track", "CA 00000001 4 CN"])
    assert "At office of exchange" in table.output


def test_import_with_rejections_exits_non_zero(db_env: Path, tmp_path: Path) -> None:
    """A rejected record makes the import fail (exit 1) after storing the good ones."""
    f = tmp_path / "events.csv"
    f.write_text("object_id,code,occurred_at\n"
                 "CA000000014CN,EMA,2026-11-20T10:00:00+08:00\n"
                 "RR123456789CN,EMA,2026-11-20T10:00:00+08:00\n")
    result = runner.invoke(app, ["import", str(f)])
    assert result.exit_code == 1
    assert "object_id" in result.output and "check digit" in result.output
    assert runner.invoke(app, ["track", "CA000000014CN"]).exit_code == 0


def test_track_unknown_id_exits_3(db_env: Path) -> None:
    """Not found maps to exit code 3 with a readable line."""
    result = runner.invoke(app, ["track", "CA000000028CN"])
    assert result.exit_code == 3 and "tracking.not_found" in result.output


def test_id_check_and_new() -> None:
    """`id check` explains each id; `id new` issues valid consecutive ids."""
    ok = runner.invoke(app, ["id", "check", "EE123456785CN", "CNURCAKZALAACCC60042001010153"])
    assert ok.exit_code == 0 and "ems" in ok.output and "15.3 kg" in ok.output
    bad = runner.invoke(app, ["id", "check", "RR123456789CN"])
    assert bad.exit_code == 1 and "should be 5" in bad.output
    new = runner.invoke(app, ["id", "new", "--indicator", "EE", "--country", "KZ",
                              "--first", "41", "--count", "3"])
    ids = new.output.split()
    assert new.exit_code == 0 and [i[2:10] for i in ids] == ["00000041", "00000042", "00000043"]
    ok_again = runner.invoke(app, ["id", "check", *ids])
    assert ok_again.exit_code == 0
