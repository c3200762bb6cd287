"""Reading stretches of the event log as Arrow columns for the analytics copy.

Turning rows into Python values is most of what copying the log costs, and it holds the
interpreter lock. So a large refresh of a SQLite store reads the newer half of what is new in
a second process (``python -m silkpost.store.log_reader``, Python's own sqlite3 there too: one
SQLite library per process keeps SQLite's file locking sound), which streams it back in
Arrow's IPC format as it goes, while this process reads the older half.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
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


CHUNK = 200_000  # rows the other process converts and sends at a time


def arrow_rows(rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    """DB-API rows of :data:`SELECT` as an Arrow table."""
    columns = list(zip(*rows, strict=True))
    if not columns:
        columns = [() for _ in COLUMNS]
    return pa.table([pa.array(c, type=t) for c, t in zip(columns, TYPES, strict=True)],
                    names=list(COLUMNS))


class StretchInAnotherProcess:
    """:func:`read_stretch` run by a second Python process, started at once.

    The other process sends its stretch in chunks as it reads them, and a thread here keeps
    them (as Arrow, a tenth of the rows' size in Python), so both processes read all along.
    """

    def __init__(self, database: str, lower: int, upper: int) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "silkpost.store.log_reader", database, str(lower),
             str(upper)], stdout=subprocess.PIPE)
        self._batches: list[pa.RecordBatch] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        assert self._process.stdout is not None
        try:
            with pa.ipc.open_stream(self._process.stdout) as reader:
                for batch in reader:
                    self._batches.append(batch)
        except BaseException as exc:  # reported by result()
            self._failure = exc

    def result(self) -> pa.Table:
        """The stretch, once the other process has read it; its failure raises here."""
        self._thread.join()
        code = self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        if code or self._failure is not None:
            raise RuntimeError(f"the log reader process failed (exit code {code})"
                               ) from self._failure
        return pa.Table.from_batches(self._batches, schema=arrow_rows([]).schema)

    def cancel(self) -> None:
        """Stop the other process (the refresh failed before it asked for the result)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._thread.join()
        if self._process.stdout is not None:
            self._process.stdout.close()


def main(argv: Sequence[str]) -> None:
    """Write the stretch ``DATABASE LOWER UPPER`` to standard output as an Arrow stream."""
    database, lower, upper = argv
    conn = sqlite3.connect(database)
    try:
        cursor = conn.execute(f"SELECT {SELECT} FROM events WHERE seq > ? AND seq <= ? "
                              "ORDER BY seq", (int(lower), int(upper)))
        with pa.ipc.new_stream(sys.stdout.buffer, arrow_rows([]).schema) as writer:
            while rows := cursor.fetchmany(CHUNK):
                writer.write_table(arrow_rows(rows))
    finally:
        conn.close()


if __name__ == "__main__":
    main(sys.argv[1:])
