"""The files around an export: the bag list (declaration reference → S9 receptacle id), the
companies' names (customs code → registered name), and messages written whole or not at all.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from silkpost.domain import s9
from silkpost.errors import InvalidRequest

MAX_TABLE_BYTES = 64 * 1024 * 1024


def _rows(data: bytes, columns: tuple[str, str], *, option: str) -> list[tuple[int, str, str]]:
    if len(data) > MAX_TABLE_BYTES:
        raise InvalidRequest(f"{len(data):,} bytes, more than the {MAX_TABLE_BYTES:,} read",
                             field=option)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(f"not UTF-8: byte 0x{data[exc.start]:02x} at {exc.start}",
                             field=option) from None
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if not set(columns) <= set(header):
        raise InvalidRequest(f"the header must name the columns {', '.join(columns)}; it has "
                             f"{', '.join(header) or 'none'}", field=option)
    at = [header.index(c) for c in columns]
    out = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise InvalidRequest(f"line {number}: {len(row)} cells, the header has "
                                 f"{len(header)}", field=option)
        out.append((number, row[at[0]].strip(), row[at[1]].strip()))
    return out


def read_bags(data: bytes, *, option: str = "--bags") -> dict[str, str]:
    """Each declaration's postal bag, from a CSV with ``reference`` and ``receptacle``
    columns; every receptacle id must be a valid S9 id."""
    bags: dict[str, str] = {}
    for number, reference, receptacle in _rows(data, ("reference", "receptacle"),
                                               option=option):
        try:
            bags[reference] = s9.validate(receptacle)
        except ValueError as exc:
            raise InvalidRequest(f"line {number}: {receptacle!r} is not an S9 receptacle id: "
                                 f"{exc}", field=option) from None
    return bags


def read_names(data: bytes, *, option: str = "--names") -> dict[str, str]:
    """Companies' registered names by customs code, from a CSV with ``code`` and ``name``."""
    names: dict[str, str] = {}
    for number, code, name in _rows(data, ("code", "name"), option=option):
        if not code or not name:
            raise InvalidRequest(f"line {number}: a code and a name are both needed",
                                 field=option)
        names[code] = name
    return names


def write_whole(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder/name`` under a temporary name first, then rename it: a
    reader never sees half a message, and a failure leaves nothing behind."""
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        target = folder / name
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
