"""The SQL event log's appender: batches of validated events stored in order, one transaction
each, in this process or, for a large stream, by the writer process beside it.

A small stream (an API request, a small file) is stored in-line: starting the writer costs
~0.5 s of CPU, which it would not win back. From the batch that takes the stream past
``parallel_after`` events, batches go to the writer process (:mod:`silkpost.store.writer`),
which stores one while the caller validates the next: a large file takes about half the time
on two cores, and the simulator computes the next simulated hours meanwhile. What is stored is
always a run of whole batches from the start, whichever way they went.

While an appender is open, Python's cyclic garbage collector is off (and back as it was on
closing): the caller's validation and the rows of each batch allocate millions of short-lived
objects, which would set off collections scanning the caller's whole heap (half the time of
reading and validating a large file), and neither they nor the simulator's processes form
cycles to collect; reference counting frees them.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

from sqlalchemy import Engine

from silkpost.domain.events import TrackingEvent
from silkpost.store.engine import in_write_transaction
from silkpost.store.events import prepare, write
from silkpost.store.writer import WriterProcess

PARALLEL_AFTER = 50_000


class SqlAppender:
    """Stores batches on ``engine``; see the module docstring for where."""

    def __init__(self, engine: Engine, *, parallel_after: int | None = PARALLEL_AFTER) -> None:
        self._engine = engine
        self._parallel_after = parallel_after if self._can_run_writer() else None
        self._writer: WriterProcess | None = None
        self._appended = 0
        self._stored: list[tuple[int, int]] = []
        self._gc_was_on: bool | None = None  # None: the collector is not paused by us

    def _can_run_writer(self) -> bool:
        url = self._engine.url
        return not (url.get_backend_name() == "sqlite"
                    and url.database in (None, "", ":memory:"))

    def append(self, events: Sequence[TrackingEvent]) -> None:
        """Store a batch as one transaction, here or (past the threshold) in the writer."""
        if self._gc_was_on is None:
            self._gc_was_on = gc.isenabled()
            gc.disable()
        if (self._writer is None and self._parallel_after is not None
                and self._appended + len(events) > self._parallel_after):
            self._parallel_after = None  # asked once
            try:
                self._writer = WriterProcess(
                    self._engine.url.render_as_string(hide_password=False))
            except OSError:  # no process to be had: store in-line
                self._writer = None
        self._appended += len(events)
        if self._writer is not None:
            self._writer.submit(events)
            return
        if not events:
            self._stored.append((0, 0))
            return
        rows, summaries = prepare(events)
        with self._engine.connect() as conn:
            new = in_write_transaction(conn, lambda c: write(c, rows, summaries))
        self._stored.append((len(events), new))

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of each batch committed since last asked, in order; no wait."""
        done, self._stored = self._stored, []
        if self._writer is not None:
            done += self._writer.stored()
        return done

    def close(self) -> list[tuple[int, int]]:
        """Wait until every batch is committed; (events, new) of those not yet told."""
        done, self._stored = self._stored, []
        try:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                done += writer.close()
        finally:
            self._resume_gc()
        return done

    def abort(self) -> None:
        """Stop after the batches already handed over (each is whole or not stored)."""
        try:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                writer.abort()
        finally:
            self._resume_gc()

    def _resume_gc(self) -> None:
        if self._gc_was_on:
            gc.enable()
        self._gc_was_on = None
