"""Issue 16, point 2: the CLI finds the demo's data, says its version, and reads well in --help."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from silkpost import __version__
from silkpost.cli import app
from silkpost.cli.output import TIME_EXAMPLE

runner = CliRunner()


def _commands(group: Any = None, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    group = group or typer.main.get_command(app)
    if not isinstance(group, TyperGroup):
        return [path]
    found = [path]
    for name, command in sorted(group.commands.items()):
        found += _commands(command, (*path, name))
    return found


def test_track_finds_a_number_the_demo_printed(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The command the demo prints, run as printed, shows the parcel (exit 0, its id)."""
    monkeypatch.chdir(tmp_path)
    # The default store of this folder is another file: only --db leads to the demo's data.
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'default.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    demo = runner.invoke(app, ["demo", "--no-serve", "--days", "1", "--parcels-per-day", "20",
                               "--db", "demo/store.db"])
    assert demo.exit_code == 0, demo.output
    printed = re.search(r"^See one in the terminal: (silkpost .+)$", demo.output, re.M)
    assert printed, demo.output
    words = shlex.split(printed.group(1))
    assert words[:3] == ["silkpost", "--db", "demo/store.db"] and words[3] == "track"
    shown = runner.invoke(app, words[1:])
    assert shown.exit_code == 0, shown.output
    assert words[4] in shown.output
    # Without --db, the same number is not in the default store: the option is what finds it.
    assert runner.invoke(app, ["track", words[4]]).exit_code == 3


def test_version() -> None:
    """``silkpost --version`` prints the package's version and exits 0."""
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"silkpost {__version__}"


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "silkpost")
def test_no_help_shows_a_type_beside_a_flag(command: tuple[str, ...]) -> None:
    """``--json``, ``--publish``, ``--serve/--no-serve``, ``--help``: no ``<bool>`` after them."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--help" in result.output
    assert "<bool>" not in result.output


@pytest.mark.parametrize(("command", "option"), [
    (["plan"], "--ready"), (["network", "sortplan"], "--at"),
    (["notice", "create"], "--from"), (["notice", "create"], "--until")])
def test_time_options_show_an_example_with_an_offset(command: list[str], option: str) -> None:
    """Each option that takes a time shows one to copy, with its UTC offset."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "250"})
    line = next(x for x in result.output.splitlines() if f"{option} " in x)
    assert TIME_EXAMPLE in line and TIME_EXAMPLE.endswith("+06:00")
