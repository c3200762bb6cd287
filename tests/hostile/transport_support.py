"""Helpers of the transport tests: poison bodies between good records, a real uvicorn server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import uvicorn
from fastapi import FastAPI

from tests.factories import event

CSV_HEADER = b"object_id,code,occurred_at,source\n"


def good_ndjson(start: int, count: int) -> bytes:
    """``count`` valid NDJSON lines, each a different object (none is a duplicate of another)."""
    return b"".join(orjson.dumps(event(object_id=f"TST{i:08d}")) + b"\n"
                    for i in range(start, start + count))


def good_csv_rows(start: int, count: int) -> bytes:
    """``count`` valid CSV rows for :data:`CSV_HEADER`, each a different object."""
    return b"".join(f"TST{i:08d},EMA,2026-11-20T10:00:00+08:00,partner\n".encode()
                    for i in range(start, start + count))


def sandwich(fmt: str, poison: bytes) -> bytes:
    """6,000 good records, the poison line, 6,000 good records (the issue's reproduction)."""
    if fmt == "csv":
        return CSV_HEADER + good_csv_rows(0, 6000) + poison + b"\n" + good_csv_rows(6000, 6000)
    return good_ndjson(0, 6000) + poison + b"\n" + good_ndjson(6000, 6000)


# The poison line is line 6,001 of an NDJSON body and line 6,002 of a CSV body (header first).
POISON_LINE = {"ndjson": 6001, "csv": 6002}
POISONS = {
    # one byte that is not UTF-8 in an otherwise good record
    "csv-bad-utf8": ("csv", b"TST99999999,EMA,2026-11-20T10:00:00+08:00,part\xffner"),
    "ndjson-bad-utf8": ("ndjson", orjson.dumps(event(object_id="TST99999999", source="p"))
                        .replace(b'"p"', b'"p\xff"')),
    # one cell over the csv module's 128 KiB field limit
    "csv-huge-cell": ("csv", b"TST99999999,EMA,2026-11-20T10:00:00+08:00," + b"x" * 140_000),
    # one line over the record limit
    "ndjson-huge-line": ("ndjson", orjson.dumps(event(object_id="TST99999999",
                                                      payload={"note": "x" * 140_000}))),
}


@contextmanager
def served(app: FastAPI) -> Iterator[int]:
    """Run ``app`` in a real uvicorn server on a free local port; yield the port.

    The socket listens before the server starts, so a client may connect at once: the kernel
    holds the connection until the server accepts it (no waiting for start-up).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
