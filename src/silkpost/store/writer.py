"""A writer process for large imports: it stores one batch while the caller prepares the next.

An import is two jobs of similar cost: validating records and building rows (Python, in the
caller), and inserting them (SQLite's B-trees, or a COPY and PostgreSQL's inserts). In one
process they take turns; with the writer in a second process they overlap, which on two cores
nearly halves a large import. Rows cross the pipe as plain tuples (pickling them costs 0.4 µs
an event; TrackingEvents would cost 6 µs).

Each batch is one transaction in the writer, committed in the order submitted. The writer
stops at the first failure and reports it, so what is stored is always a run of whole batches
from the start, as with the in-process path. The process is spawned, not forked: the caller
may be a threaded server holding open connections.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
from collections import deque
from collections.abc import Sequence
from multiprocessing.connection import Connection as Pipe
from typing import Any

from silkpost.domain.events import TrackingEvent
from silkpost.store.events import Rows, gc_paused, prepare, write

# Batches in flight: enough to hide the writer's start (~0.5 s of imports) behind the caller's
# first batches, few enough to bound memory (a batch of 20k events is ~4 MB of rows).
DEPTH = 8


class WriterFailed(RuntimeError):
    """The writer process could not store a batch (that batch and later ones are not stored)."""


class BackgroundWriter:
    """Stores batches of events in a child process, in order, one transaction each."""

    def __init__(self, url: str, depth: int = DEPTH) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._pipe, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(url, child), daemon=True,
                                    name="silkpost-writer")
        self._process.start()
        child.close()
        self._depth = depth
        self._sizes: deque[int] = deque()
        self._stored: list[tuple[int, int]] = []
        self._closed = False

    def submit(self, events: Sequence[TrackingEvent]) -> None:
        """Queue a batch: its rows are built here, stored there."""
        with gc_paused():
            rows, summaries = prepare(events)
        while len(self._sizes) >= self._depth:
            self._receive()
        try:
            self._pipe.send((rows, summaries))
        except OSError:  # the writer is gone: its reply, if any, says why
            while self._sizes:
                self._receive()
            self._stop()
            raise WriterFailed("the writer process ended unexpectedly") from None
        self._sizes.append(len(events))

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of each batch committed since last asked, in order; no wait."""
        while self._sizes and self._pipe.poll():
            self._receive()
        done, self._stored = self._stored, []
        return done

    def close(self) -> list[tuple[int, int]]:
        """Wait for every batch submitted, stop the writer; (events, new) of the last ones."""
        if self._closed:
            return []
        try:
            while self._sizes:
                self._receive()
        finally:
            self._stop()
        done, self._stored = self._stored, []
        return done

    def abort(self) -> None:
        """Stop the writer after the batches it already has (each commits whole or not at all)."""
        self._stop()

    def _receive(self) -> None:
        try:
            status, value = self._pipe.recv()
        except EOFError:
            self._stop()
            raise WriterFailed("the writer process ended unexpectedly") from None
        size = self._sizes.popleft()
        if status == "error":
            self._stop()
            if isinstance(value, BaseException):
                raise WriterFailed(f"storing a batch failed: {value}") from value
            raise WriterFailed(f"storing a batch failed: {value}")
        self._stored.append((size, int(value)))

    def _stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(OSError):  # already gone
            self._pipe.send(None)
        self._process.join(timeout=60)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._pipe.close()


def _serve(url: str, pipe: Pipe) -> None:
    """The writer's loop: one transaction per batch received, a reply per batch."""
    from silkpost.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            while (message := pipe.recv()) is not None:
                rows, summaries = message
                try:
                    with gc_paused(), conn.begin():
                        new = write(conn, rows, summaries)
                except Exception as exc:  # reported to the caller, which raises it
                    pipe.send(("error", _picklable(exc)))
                    return
                pipe.send(("ok", new))
    finally:
        engine.dispose()
        pipe.close()


def _picklable(exc: Exception) -> Any:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return f"{type(exc).__name__}: {exc}"
    return exc


__all__ = ["BackgroundWriter", "Rows", "WriterFailed"]
