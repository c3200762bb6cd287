"""Documentation does not drift: codes, settings and commands are all documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from silkpost.cli import app
from silkpost.domain.codes import markdown
from silkpost.settings import SETTING_NAMES

ROOT = Path(__file__).resolve().parents[1]


def test_event_code_doc_is_the_table() -> None:
    """docs/event-codes.md is exactly what the code tables generate."""
    assert (ROOT / "docs" / "event-codes.md").read_text(encoding="utf-8") == markdown()


def test_every_setting_is_documented() -> None:
    """Each SILKPOST_* setting the code reads appears in docs/settings.md."""
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in SETTING_NAMES if f"`{name}`" not in text]
    assert missing == []


def _commands(group: Any, prefix: str = "") -> list[str]:
    out = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            out += _commands(cmd, full + " ")
        else:
            out.append(full)
    return out


def test_every_cli_command_is_in_the_readme() -> None:
    """Each `silkpost ...` command is listed in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    missing = [c for c in _commands(group) if f"`silkpost {c}" not in readme]
    assert missing == []
