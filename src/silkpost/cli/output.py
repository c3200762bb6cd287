"""How the CLI shows results and errors: Rich consoles, the exit codes of error kinds, and
:func:`plain`, through which every value that comes from data passes before it is printed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from silkpost.domain.text import strip_control
from silkpost.errors import SilkpostError

console = Console()
err_console = Console(stderr=True)

EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "unavailable": 5}


def plain(value: object) -> str:
    """A value from data as text to print: Rich markup escaped, control characters dropped.

    Ids, sources, places, lanes, notice texts and rejection reasons come from partners and
    operators. Printed raw, ``[/x]`` stops the command with a MarkupError, ``[red]…[/red]``
    draws styled text that looks like the tool's own, and ESC or CSI sequences reach the
    operator's terminal. Every command prints data through here.

    >>> print(plain("[red]fake[/red]"), plain("\x1b]0;title\x07ok"), repr(plain(None)))
    \\[red]fake\\[/red] ]0;titleok ''
    """
    return "" if value is None else escape(strip_control(str(value)))


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a Silkpost error into one readable line and its exit code."""
    try:
        yield
    except SilkpostError as exc:
        where = f" ({exc.field})" if exc.field else ""
        # One line whatever the terminal's width (soft_wrap), so logs and grep see it whole.
        err_console.print(f"[bold red]error[/] {exc.code}{where}: {plain(exc.detail)}",
                          soft_wrap=True)
        raise typer.Exit(EXIT_CODES[exc.kind]) from None

