"""Issue 15, point 6: an unexpected error is a 500 problem+json with a request id, logged with
its traceback, and the keep-alive connection it came on keeps working."""

from __future__ import annotations

import http.client
import logging

import orjson
import pytest

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from tests.hostile.transport_support import served


def test_unexpected_error_is_a_problem_and_the_connection_survives(
    sqlite_platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A route that raises answers 500 problem+json carrying the request id (body and
    X-Request-Id); the log has the traceback with that id; the next request on the same
    connection is answered."""
    app = create_app(sqlite_platform)

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("the test route fails on purpose")

    caplog.set_level(logging.ERROR, logger="silkpost.api")
    with served(app) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/test-only/boom")
        first = conn.getresponse()
        body = orjson.loads(first.read())
        conn.request("GET", "/healthz")
        second = conn.getresponse()
        assert second.status == 200 and orjson.loads(second.read())["status"] == "ok"
        conn.close()
    assert first.status == 500
    assert first.getheader("content-type") == "application/problem+json"
    request_id = first.getheader("x-request-id")
    assert request_id and body["request_id"] == request_id
    assert body["code"] == "server.error" and "RuntimeError" not in body["detail"]
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_every_answer_carries_a_request_id(sqlite_platform: Platform) -> None:
    """Ordinary answers carry X-Request-Id too; a sender's own sane id is kept."""
    with served(create_app(sqlite_platform)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/healthz", headers={"X-Request-Id": "partner-42"})
        kept = conn.getresponse()
        kept.read()
        conn.request("GET", "/healthz", headers={"X-Request-Id": "bad id\x01" * 20})
        fresh = conn.getresponse()
        fresh.read()
        conn.close()
    assert kept.getheader("x-request-id") == "partner-42"
    replaced = fresh.getheader("x-request-id")
    assert replaced and replaced != "partner-42" and "bad" not in replaced
