"""The writer process of large imports: it stores one batch while the caller prepares the next.

An import is two jobs of similar cost: validating records and building rows (Python, in the
caller), and inserting them (SQLite's B-trees, or a COPY and PostgreSQL's inserts). In one
process they take turns; with the writer in a second process they overlap, which on two cores
nearly halves a large import. Rows go over as plain tuples (pickling them costs 0.4 µs an
event; TrackingEvents would cost 6 µs), pickled into a spool file in a private temporary
folder; the pipe carries only the file's name. The caller thus never waits for the writer to
read (a pipe holds 64 KiB, and the writer reads only between transactions): it goes on with
the next batch as long as the batches waiting stay under ``IN_FLIGHT`` events.

Batches are committed in the order submitted; the ones waiting together when the writer
takes the next (up to ``MERGED`` batches and ``MERGED_ROWS`` events) share one transaction,
which writes the pages they all touch once. The writer stops at the first failure and
reports it, storing the batches before the failing one each on its own, so what is stored
is always a run of whole batches from the start, as with the in-process path. The writer is
a fresh interpreter (``python -m silkpost.store.writer``), not a fork: the caller may be a
threaded server holding open connections, and unlike multiprocessing's spawn it does not
re-run the caller's script.
The database URL goes through the pipe, not the command line, where ``ps`` would show it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection as PipeConnection
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from silkpost.domain.events import TrackingEvent
from silkpost.store.events import Rows, prepare, write

# Events waiting for the writer beside the batch it is storing: enough to hide the writer's
# start (~0.5 s of imports) behind the caller's first batches, few enough to bound the spool
# (20k events are ~3 MB). A larger batch (the simulator's 1M) may wait alone, so that the
# writer has the next batch at hand when it commits one while the caller computes the next.
IN_FLIGHT = 200_000
WRITER_CACHE_KIB = 1 << 20
COLLECT_EVERY = 50
MERGED = 4  # batches stored in one transaction when they wait together
MERGED_ROWS = 100_000  # ...while they hold fewer events than this


class WriterFailed(RuntimeError):
    """The writer process could not store a batch (that batch and later ones are not stored)."""


class WriterProcess:
    """Stores batches of events in a child process, in order, one transaction each."""

    def __init__(self, url: str, in_flight: int = IN_FLIGHT) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root,
                                                          env.get("PYTHONPATH")]))
        self._spool = tempfile.TemporaryDirectory(prefix="silkpost-writer-")
        self._spooled = 0
        self._process = subprocess.Popen(
            [sys.executable, "-m", "silkpost.store.writer", str(to_child), str(from_child)],
            pass_fds=(to_child, from_child), env=env, stdin=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._out = PipeConnection(from_parent, readable=False)
        self._in = PipeConnection(to_parent, writable=False)
        self._in_flight = in_flight
        self._sizes: deque[int] = deque()
        self._stored: list[tuple[int, int]] = []
        self._closed = False
        self._out.send(url)

    @property
    def spool(self) -> Path:
        """The folder where batches wait for the writer (removed when the writer stops)."""
        return Path(self._spool.name)

    def submit(self, events: Sequence[TrackingEvent]) -> None:
        """Queue a batch: its rows are built here, stored there."""
        rows, summaries = prepare(events)  # the appender keeps the GC paused meanwhile
        # The first batch in ``_sizes`` is the one being stored; the others wait for it.
        while (len(self._sizes) > 1
               and sum(self._sizes) - self._sizes[0] + len(events) > self._in_flight):
            self._receive()
        self._spooled += 1
        path = self.spool / f"{self._spooled}.batch"
        path.write_bytes(pickle.dumps((rows, summaries), protocol=pickle.HIGHEST_PROTOCOL))
        del rows, summaries
        try:
            self._out.send(str(path))
        except OSError:  # the writer is gone: its reply, if any, says why
            while self._sizes:
                self._receive()
            self._stop()
            raise WriterFailed("the writer process ended unexpectedly") from None
        self._sizes.append(len(events))

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of each batch committed since last asked, in order; no wait."""
        while self._sizes and self._in.poll():
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
            status, value = self._in.recv()
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
            self._out.send(None)
        self._out.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._in.close()
        self._spool.cleanup()  # batches a failed or stopped writer did not take


def _serve(inbox: PipeConnection, outbox: PipeConnection) -> None:
    """The writer's loop: one transaction per batch received, a reply per batch.

    The cyclic GC is off in the writer but for a collection every ``COLLECT_EVERY`` batches:
    unpickling a batch makes a million tuples, which would otherwise set off collections
    over all of them, and the writer makes next to no cyclic garbage.
    """
    from silkpost.store.engine import make_engine

    gc.disable()
    batches = 0

    engine = make_engine(inbox.recv())
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # The writer's one connection gets a page cache that holds the pages a large
                # batch touches (the log's hot tail and the read model): 1 GiB, not 64 MiB.
                conn.exec_driver_sql(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
                conn.commit()
            while (message := _next(inbox)) is not None:
                # The batches waiting go into one transaction (at most MERGED of them and
                # MERGED_ROWS events, so memory stays that of a few batches): pages that
                # consecutive batches both touch (the log's tail, the read model's indexes)
                # are written to the journal once, not once per batch. Each batch still gets
                # its own reply, after the commit that stored it.
                ended = False
                try:
                    loaded = [_unspool(message)]
                    rows = len(loaded[0][0])
                    while len(loaded) < MERGED and rows < MERGED_ROWS and inbox.poll(0):
                        more = _next(inbox)
                        if more is None:
                            ended = True
                            break
                        loaded.append(_unspool(more))
                        rows += len(loaded[-1][0])
                    counts = _store(conn, loaded, outbox)
                except Exception as exc:  # reported to the caller, which raises it
                    outbox.send(("error", _picklable(exc)))
                    return
                del loaded, message
                batches += len(counts)
                if batches % COLLECT_EVERY < len(counts):
                    gc.collect()
                if ended:
                    break
    finally:
        engine.dispose()


def _store(conn: Connection, batches: list[tuple[Rows, Rows]], outbox: PipeConnection
           ) -> list[int]:
    """Store the batches in one transaction and reply for each; if that fails, store them
    one transaction each, so that the batches before the one that fails are stored and
    acknowledged, as without merging (the failure is raised for the caller)."""
    from silkpost.store.engine import in_write_transaction

    counts: list[int]
    try:
        counts = in_write_transaction(conn, _writing(batches))
    except Exception:
        if len(batches) == 1:
            raise
        counts = []
        for batch in batches:
            counts += in_write_transaction(conn, _writing([batch]))
            outbox.send(("ok", counts[-1]))
        return counts
    for new in counts:
        outbox.send(("ok", new))
    return counts


def _writing(batches: list[tuple[Rows, Rows]]) -> Callable[[Connection], list[int]]:
    return lambda conn: [write(conn, rows, summaries) for rows, summaries in batches]


def _next(inbox: PipeConnection) -> Any:
    """The next message; None at the end (also when the caller is gone)."""
    try:
        return inbox.recv()
    except EOFError:
        return None


def _unspool(path: str) -> tuple[Rows, Rows]:
    """The rows of a spooled batch; its file goes."""
    spooled = Path(path)
    data = spooled.read_bytes()
    spooled.unlink()
    rows, summaries = pickle.loads(data)
    return rows, summaries


def _picklable(exc: Exception) -> Any:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return f"{type(exc).__name__}: {exc}"
    return exc


__all__ = ["WriterFailed", "WriterProcess"]

if __name__ == "__main__":
    # Ctrl-C reaches the whole process group: the caller decides (it aborts, and the writer
    # finishes the batches it has, each whole), so the writer does not die mid-batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _serve(PipeConnection(int(sys.argv[1]), writable=False),
           PipeConnection(int(sys.argv[2]), readable=False))
