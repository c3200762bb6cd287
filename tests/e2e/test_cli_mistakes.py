"""Every CLI command, given each kind of mistake a user makes: an exit code, never a traceback.

The commands are read from the Typer app, so a command added later is walked too. For each,
the mistakes that apply to its parameters are generated: an unknown option, a value of the
wrong type, a file in a folder that does not exist, a time that is not one (or has no UTC
offset), and a broken numeric setting in the environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pytest
import typer
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from silkpost.cli import app
from silkpost.settings import NUMERIC_LIMITS

runner = CliRunner()
# A path under a regular file: no folder can be made there, even by root (the demo makes its
# store's folder), so the path can neither be read nor written.
BLOCKER = "not-a-folder"
MISSING = f"{BLOCKER}/missing.file"
EXISTING = "events.ndjson"  # an empty events file, in the working folder of every case
TIME_WITHOUT_OFFSET = "2026-11-20T14:05"
BAD_SETTINGS = dict.fromkeys(NUMERIC_LIMITS, "not-a-number")


Command = Any  # Typer's own Click command classes, which it does not export by name


def _leaves(group: Command, path: tuple[str, ...] = ()
            ) -> Iterator[tuple[tuple[str, ...], Command]]:
    if isinstance(group, TyperGroup):
        for name, command in sorted(group.commands.items()):
            yield from _leaves(command, (*path, name))
    else:
        yield path, group


Param = TyperOption | TyperArgument


def _params(command: Command) -> list[Param]:
    return [p for p in command.params
            if isinstance(p, TyperOption | TyperArgument) and p.name != "help"]


def _is_flag(param: Param) -> bool:
    return isinstance(param, TyperOption) and param.is_flag


def _scalar(param: Param) -> object:
    annotation = param.type_descriptor.annotation
    return get_args(annotation)[0] if param.type_descriptor.is_list else annotation


def _is_file(param: Param) -> bool:
    return param.type_descriptor.is_path or "file" in (getattr(param, "help", "") or "")


def _is_time(param: Param) -> bool:
    help_text = (getattr(param, "help", "") or "").lower()
    return param.type_descriptor.is_datetime or " time" in f" {help_text}"


def _is_typed(param: Param) -> bool:
    """A parameter Typer parses itself (a number, a choice, a time), so a word is refused."""
    desc = param.type_descriptor
    return desc.is_choice or desc.is_datetime or _scalar(param) in (int, float)


def _good(param: Param) -> str:
    """A value of the right shape for a required parameter, so the mistake is the only one."""
    desc = param.type_descriptor
    if desc.choices:
        choice = desc.choices[0]
        return str(getattr(choice, "value", choice))
    if desc.is_path:
        return EXISTING
    if desc.is_datetime or _is_time(param):
        return "2026-11-20T14:05+06:00"
    if _scalar(param) in (int, float):
        return "1"
    return "CNURCA"


def _with(param: Param, value: str) -> list[str]:
    if isinstance(param, TyperOption):
        return [param.opts[0], value]
    return [value]


@dataclass(frozen=True)
class Mistake:
    command: tuple[str, ...]
    kind: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        env = (f"{k}={v}" for k, v in self.env)
        return " ".join((*self.command, f"({self.kind})", *self.args, *env))


def _mistakes() -> list[Mistake]:
    root = typer.main.get_command(app)
    cases: list[Mistake] = []
    for path, command in _leaves(root):
        params = _params(command)
        required = [p for p in params if p.required]

        def argv(mistaken: Param | None = None, value: str = "",
                 *, required: list[Param] = required) -> tuple[str, ...]:
            words: list[str] = []
            for p in required:
                words += _with(p, value if p is mistaken else _good(p))
            if mistaken is not None and not mistaken.required:
                words += _with(mistaken, value)
            return tuple(words)

        cases.append(Mistake(path, "unknown option", (*argv(), "--no-such-option")))
        for name, value in BAD_SETTINGS.items():
            cases.append(Mistake(path, "bad setting", argv(), ((name, value),)))
        for p in params:
            if _is_flag(p):
                continue
            if _is_typed(p):
                cases.append(Mistake(path, "bad value", argv(p, "not-a-value")))
            if _is_file(p):
                cases.append(Mistake(path, "missing file", argv(p, MISSING)))
            if _is_time(p):
                cases.append(Mistake(path, "bad time", argv(p, "yesterday")))
                if p.type_descriptor.is_datetime:
                    cases.append(Mistake(path, "bad time", argv(p, TIME_WITHOUT_OFFSET)))
    # The options every command shares (--db), given to a command that opens the store.
    cases.append(Mistake(("--db", MISSING, "track"), "missing file", ("RR123456785CN",)))
    return cases


MISTAKES = _mistakes()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with a store of its own, so no mistake touches the checkout."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / BLOCKER).write_text("a file, not a folder")
    (tmp_path / EXISTING).write_text("")
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'mistakes.db'}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    for name in NUMERIC_LIMITS:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_every_command_and_every_kind_of_mistake_is_walked() -> None:
    """Each command gets the mistakes that do not depend on its parameters; all kinds occur."""
    commands = {path for path, _ in _leaves(typer.main.get_command(app))}
    assert len(commands) >= 15
    for kind in ("unknown option", "bad setting"):
        assert {m.command for m in MISTAKES if m.kind == kind} == commands, kind
    assert {m.kind for m in MISTAKES} == {
        "unknown option", "bad setting", "bad value", "missing file", "bad time"}
    walked = {(m.command, m.kind) for m in MISTAKES}
    for expected in [(("network", "sortplan"), "bad time"), (("plan",), "bad time"),
                     (("network", "draw"), "missing file"), (("simulate",), "missing file"),
                     (("import",), "missing file"), (("demo",), "missing file"),
                     (("notice", "create"), "bad time"), (("serve",), "bad value")]:
        assert expected in walked, expected


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_a_mistake_gets_an_exit_code_not_a_traceback(mistake: Mistake, workdir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit code not 0, no "Traceback", and nothing escaped Typer but its own SystemExit."""
    for name, value in mistake.env:
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, [*mistake.command, *mistake.args])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code != 0, output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception), output)
    if mistake.kind == "bad setting":
        (name, _), = mistake.env
        assert name in output and result.exit_code == 2, output

