"""How the CLI shows results and errors: Rich consoles and the exit codes of error kinds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from silkpost.errors import SilkpostError

console = Console()
err_console = Console(stderr=True)

EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "unavailable": 5}


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a Silkpost error into one readable line and its exit code."""
    try:
        yield
    except SilkpostError as exc:
        where = f" ({exc.field})" if exc.field else ""
        # One line whatever the terminal's width (soft_wrap), so logs and grep see it whole.
        err_console.print(f"[bold red]error[/] {exc.code}{where}: {escape(exc.detail)}",
                          soft_wrap=True)
        raise typer.Exit(EXIT_CODES[exc.kind]) from None

