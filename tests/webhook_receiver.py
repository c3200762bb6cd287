"""A real HTTP receiver for webhook tests: it listens on a local port, checks each delivery's
Standard Webhooks signature, and answers what the test tells it to."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from silkpost.domain.webhooks import WebhookSecret


@dataclass
class Received:
    """One request as the receiver saw it."""

    msg_id: str
    timestamp: int
    signature: str
    body: bytes
    path: str

    def verifies(self, secret: str, *, now: int | None = None) -> bool:
        """Whether the signature is right, checked as a receiver would at ``now``."""
        at = int(time.time()) if now is None else now
        return WebhookSecret.parse(secret).verify(self.msg_id, self.timestamp, self.body,
                                                  self.signature, now=at)

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What came in, and the answers still to give (then 204)."""

    port: int
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Event = field(default_factory=threading.Event)
    # While set, each request is held unanswered until it is cleared (a receiver that hangs).
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/silkpost"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.msg_id for r in self.received]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with receiver.lock:
                receiver.received.append(Received(
                    self.headers.get("webhook-id", ""),
                    int(self.headers.get("webhook-timestamp", "0")),
                    self.headers.get("webhook-signature", ""), body, self.path))
                status, extra = receiver.answers.pop(0) if receiver.answers else (204, {})
            receiver.arrived.set()
            if receiver.holding.is_set():
                receiver.released.wait(30)
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def receiving(port: int = 0, receiver: Receiver | None = None) -> Iterator[Receiver]:
    """A receiver listening on ``port`` (any free one when 0) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver or Receiver(0)))
    server.daemon_threads = True
    got = receiver or Receiver(0)
    got.port = server.server_address[1]
    server.RequestHandlerClass = _handler(got)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield got
    finally:
        server.shutdown()
        server.server_close()
