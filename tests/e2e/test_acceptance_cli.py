"""``silkpost office acceptance``: the controls recorded, a blacklisted sender held, the
decision, and mistakes as one clear line, through Typer's runner on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.domain import s10
from tests.unit.customs.test_declarations import RESIDENT

runner = CliRunner()
OFFICE = "CNURCA"
ITEMS = [s10.build("CA", n, "CN") for n in range(201, 204)]


@pytest.fixture(autouse=True)
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'accept.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")


def test_controls_recorded_a_barred_sender_held_then_returned() -> None:
    sender = ["--sender-kind", "resident_id", "--sender-number", RESIDENT]
    clear = runner.invoke(app, ["office", "acceptance", "record", OFFICE, *ITEMS[:2],
                                "--operator", "Aizhan", "--content", "clear", "--xray",
                                "clear", *sender])
    assert clear.exit_code == 0, clear.output
    assert clear.output.count("clear") >= 2
    barred = runner.invoke(app, ["customs", "blacklist", "add", "resident_id", RESIDENT,
                                 "--reason", "fireworks as toys", "--source", "case 7",
                                 "--by", "Li"])
    assert barred.exit_code == 0, barred.output
    held = runner.invoke(app, ["office", "acceptance", "record", OFFICE, ITEMS[2],
                               "--operator", "Aizhan", "--content", "clear", *sender])
    assert held.exit_code == 1 and "held" in held.output and "fireworks" in held.output
    wrong = runner.invoke(app, ["office", "acceptance", "decide", OFFICE, ITEMS[0],
                                "--decision", "released", "--operator", "Wang"])
    assert wrong.exit_code == 4 and "not held by acceptance security" in wrong.output
    done = runner.invoke(app, ["office", "acceptance", "decide", OFFICE, ITEMS[2],
                               "--decision", "returned", "--operator", "Wang"])
    assert done.exit_code == 0 and ITEMS[2] in done.output
    timeline = runner.invoke(app, ["track", ITEMS[2], "--json"])
    assert "SKH" in timeline.output and "SKT" in timeline.output


@pytest.mark.parametrize(("args", "said"), [
    (["--operator", "A", "--content", "maybe"], "(--content)"),
    (["--operator", "A"], "no control"),
    (["--operator", " ", "--xray", "clear"], "(operator)"),
    (["--operator", "A", "--xray", "clear", "--sender-kind", "passport"], "together"),
    (["--operator", "A", "--xray", "clear", "--sender-kind", "resident_id",
      "--sender-number", "110105194912310021"], "GB 11643"),
])
def test_a_mistake_is_one_clear_line_and_nothing_is_written(args: list[str], said: str
                                                           ) -> None:
    result = runner.invoke(app, ["office", "acceptance", "record", OFFICE, ITEMS[0], *args])
    assert result.exit_code == 2, result.output
    assert said in result.output and "Traceback" not in result.output
    timeline = runner.invoke(app, ["track", ITEMS[0], "--json"])
    assert "SKC" not in timeline.output and "SKX" not in timeline.output
