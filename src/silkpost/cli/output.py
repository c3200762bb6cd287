"""How the CLI shows results and errors: Rich consoles, the exit codes of error kinds, and
:func:`plain`, through which every value that comes from data passes before it is printed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID

from silkpost.domain.text import strip_control
from silkpost.errors import InvalidRequest, SilkpostError
from silkpost.tracking.formats import (
    Format,
    UnreadableFile,
    delimiter_named,
    encoding_named,
    guess_format,
)

console = Console()
err_console = Console(stderr=True)

EXIT_CODES = {"invalid": 2, "not_found": 3, "conflict": 4, "unavailable": 5, "unauthenticated": 6,
              "forbidden": 7, "rate_limited": 8}
# Examples shown in the help of every option that takes a time.
TIME_EXAMPLE = "2026-11-20T14:05+06:00"


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


def aware_time(value: str, *, option: str) -> datetime:
    """An option's ISO 8601 time with its UTC offset, or the error naming the option."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidRequest(f"{value!r} is not an ISO 8601 time (e.g. {TIME_EXAMPLE})",
                             field=option) from None
    if moment.utcoffset() is None:
        raise InvalidRequest(f"{value!r} has no UTC offset (e.g. {TIME_EXAMPLE})",
                             field=option)
    return moment


def output_path(path: Path, *, option: str, create_folder: bool = False) -> Path:
    """``path`` if a file can be written there, else an error naming the option.

    Checked before the work, so a long simulation does not end in a failed write.
    """
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise InvalidRequest(f"{str(folder)!r} is a file, not a folder; choose another path",
                             field=option)
    if create_folder:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidRequest(f"cannot create the folder {str(folder)!r}: "
                                 f"{exc.strerror or exc}", field=option) from None
    elif not folder.is_dir():
        raise InvalidRequest(f"the folder {str(folder)!r} does not exist; create it or choose "
                             "another path", field=option)
    if path.is_dir():
        raise InvalidRequest(f"{str(path)!r} is a folder; give a file name", field=option)
    return path


def write_output(path: Path, text: str | bytes, *, option: str) -> None:
    """Write ``text`` (or a PDF's bytes) to ``path``; a failure is an error naming the
    option, not a traceback."""
    output_path(path, option=option)
    try:
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidRequest(f"cannot write {str(path)!r}: {exc.strerror or exc}",
                             field=option) from None


def file_chunks(path: Path, progress: Progress, task: TaskID) -> Iterator[bytes]:
    """A file's bytes in chunks, advancing a progress bar by bytes read. Chunks, not lines:
    a line of any length is then skipped by the reader, never held whole."""
    from silkpost.tracking.formats import READ_CHUNK

    read = 0
    with path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            read += len(chunk)
            progress.update(task, completed=read)
            yield chunk


def records_file(file: Path, fmt: str | None, encoding: str, delimiter: str | None = None
                 ) -> tuple[Format, str, str | None]:
    """A records file's format (by its extension unless ``--format`` says), encoding and CSV
    delimiter, each refused with the option it came from: what every command reading a JSON,
    NDJSON or CSV file of records asks first."""
    kind = fmt or guess_format(file.name)
    if kind not in ("json", "ndjson", "csv"):
        raise UnreadableFile(f"unknown format {kind!r}", field="--format")
    codec = encoding_named(encoding, field="--encoding")
    delim = None if delimiter is None else delimiter_named(delimiter, field="--delimiter")
    return kind, codec, delim  # type: ignore[return-value]
