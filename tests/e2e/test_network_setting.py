"""The network every command runs on: the packaged one by default, SILKPOST_NETWORK_FILE when
set, and a missing or broken file stops the start with one line and exit code 5."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.bootstrap import NetworkUnavailable, bootstrap
from silkpost.cli import app
from silkpost.network.corridor import default_network_path
from silkpost.settings import Settings

runner = CliRunner()

COMMANDS = [
    ["serve"],
    ["db", "upgrade"],
    ["track", "CA000000014CN"],
    ["kpi"],
    ["simulate", "--days", "1", "--parcels-per-day", "5"],
    ["demo", "--no-serve", "--days", "1", "--parcels-per-day", "5"],
    ["plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", "2026-11-24T09:00+06:00"],
    ["network", "draw"],
    ["network", "sortplan", "CNURCA"],
]


def test_the_default_network_is_package_data() -> None:
    """The shipped network is read from inside the silkpost package, not from a checkout's
    data/ folder, so an installed Silkpost has it too."""
    import silkpost

    path = default_network_path()
    assert path.is_file()
    assert Path(silkpost.__file__).parent in path.parents
    platform = bootstrap(Settings(), in_memory=True)
    assert platform.network.name == "xinjiang" and "CNURCA" in platform.network.nodes


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_a_missing_network_file_stops_every_command(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No command runs on without a network: each exits 5 with one line naming the setting
    and the file (before this, serve ran with no ETAs and demo ignored the setting)."""
    missing = tmp_path / "nowhere.toml"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SILKPOST_NETWORK_FILE", str(missing))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, *(["--db", str(tmp_path / "d.db")]
                                             if command[0] == "demo" else [])])
    assert result.exit_code == 5, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "SILKPOST_NETWORK_FILE" in lines[0] and str(missing) in lines[0]
    assert "no such file" in lines[0]


def test_a_broken_network_file_names_the_entry_and_field(tmp_path: Path) -> None:
    """A file that does not parse, or has a bad entry, is the same start error, with the
    loader's reason in it."""
    bad_syntax = tmp_path / "syntax.toml"
    bad_syntax.write_text("name = \n", encoding="utf-8")
    with pytest.raises(NetworkUnavailable, match=r"syntax\.toml") as caught:
        bootstrap(Settings(network_file=str(bad_syntax)), in_memory=True)
    assert caught.value.field == "SILKPOST_NETWORK_FILE"
    bad_entry = tmp_path / "entry.toml"
    bad_entry.write_text(default_network_path().read_text(encoding="utf-8").replace(
        'tz = "Asia/Shanghai"', 'tz = "Asia/Atlantis"', 1), encoding="utf-8")
    with pytest.raises(NetworkUnavailable, match=r"field 'tz'.*Asia/Atlantis"):
        bootstrap(Settings(network_file=str(bad_entry)), in_memory=True)


def test_demo_runs_on_the_network_of_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`silkpost demo` simulates on SILKPOST_NETWORK_FILE: a copy of the network whose lanes
    all promise 47.5 days shows that promise in the demo's report."""
    text = default_network_path().read_text(encoding="utf-8")
    head, sep, rest = text.partition("[[nodes]]")
    head = re.sub(r"^(\S+) = \d+(\.\d+)?$", r"\1 = 47.5", head, flags=re.MULTILINE)
    copy = tmp_path / "promises.toml"
    copy.write_text(head + sep + rest, encoding="utf-8")
    monkeypatch.setenv("SILKPOST_NETWORK_FILE", str(copy))
    result = runner.invoke(app, ["demo", "--no-serve", "--db", str(tmp_path / "demo.db"),
                                 "--days", "1", "--parcels-per-day", "60"])
    assert result.exit_code == 0, result.output
    assert "47.5" in result.output
    monkeypatch.delenv("SILKPOST_NETWORK_FILE")
    baseline = runner.invoke(app, ["demo", "--no-serve", "--db", str(tmp_path / "demo2.db"),
                                   "--days", "1", "--parcels-per-day", "60"])
    assert baseline.exit_code == 0, baseline.output
    assert "47.5" not in baseline.output
