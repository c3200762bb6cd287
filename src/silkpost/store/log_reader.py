"""Reading stretches of the event log as Arrow columns for the analytics copy.

Turning rows into Python values is most of what copying the log costs, and it holds the
interpreter lock. So a large refresh of a SQLite store reads the newer half of what is new in
a second process (``python -m silkpost.store.log_reader``, Python's own sqlite3 there too: one
SQLite library per process keeps SQLite's file locking sound), which streams it back in
Arrow's IPC format, while this process reads the older half.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from silkpost.store.analytics_sql import KIND_NUMBER

# What the copy reads of each event. The driver makes a Python object of every value, the
# bulk of a refresh's cost: the kind comes as its small number (Python keeps those, so they
# cost no object), and the place code, which no KPI reads, stays behind.
COLUMNS = ("seq", "object_kind", "object_id", "code", "occurred_us", "utc_offset_min",
           "office", "payload")
SELECT = ", ".join(KIND_NUMBER if c == "object_kind" else c for c in COLUMNS)
TYPES = (pa.int64(), pa.int8(), pa.string(), pa.string(), pa.int64(), pa.int32(),
         pa.string(), pa.string())


def arrow_rows(rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """DB-API rows of :data:`SELECT` as an Arrow table."""
    columns = list(zip(*rows, strict=True))
    if not columns:
        columns = [() for _ in COLUMNS]
    return pa.table([pa.array(c, type=t) for c, t in zip(columns, TYPES, strict=True)],
                    names=list(COLUMNS))


def read_stretch(database: str, lower: int, upper: int) -> pa.Table:
    """The events with ``lower < seq <= upper`` of the SQLite file ``database``."""
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute(f"SELECT {SELECT} FROM events WHERE seq > ? AND seq <= ? "
                            "ORDER BY seq", (lower, upper)).fetchall()
    finally:
        conn.close()
    return arrow_rows(rows)


class StretchInAnotherProcess:
    """:func:`read_stretch` run by a second Python process, started at once."""

    def __init__(self, database: str, lower: int, upper: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "silkpost.store.log_reader", database, str(lower),
             str(upper)], stdout=subprocess.PIPE)

    def result(self) -> pa.Table:
        """The stretch, once the other process has read it; its failure raises here."""
        assert self._process.stdout is not None
        try:
            table = pa.ipc.open_stream(self._process.stdout).read_all()
        finally:
            code = self._process.wait()
            self._process.stdout.close()
        if code:
            raise RuntimeError(f"the log reader process failed (exit code {code})")
        return table


    def cancel(self) -> None:
        """Stop the other process (the refresh failed before it asked for the result)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def main(argv: Sequence[str]) -> None:
    """Write the stretch ``DATABASE LOWER UPPER`` to standard output as an Arrow stream."""
    database, lower, upper = argv
    table = read_stretch(database, int(lower), int(upper))
    with pa.ipc.new_stream(sys.stdout.buffer, table.schema) as writer:
        writer.write_table(table)


if __name__ == "__main__":
    main(sys.argv[1:])
