"""Issue 15, point 5: a request has a size limit, a body is stored as a stream in batches, and
the item view can leave payloads out.

The limit is checked while the body is read: with a Content-Length over it the request is
refused before anything is read; a chunked body is cut where it passes the limit. Both answer
413 problem+json naming the limit. These run on a real uvicorn server, as partners see it.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from silkpost.tracking.service import log_position
from tests.factories import event
from tests.hostile.transport_support import good_ndjson, served
from tests.keys import admin_headers

LIMIT = 200_000


@pytest.fixture
def small_platform(tmp_path: Path, clock: FixedClock) -> Iterator[Platform]:
    """A SQLite platform taking bodies up to 200 kB, stored 100 records per transaction."""
    p = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'limits.db'}",
                           max_body_bytes=LIMIT, ingest_batch_size=100), clock=clock)
    yield p
    p.dispose()


def _problem(response: http.client.HTTPResponse) -> dict[str, object]:
    assert response.getheader("content-type") == "application/problem+json"
    body = orjson.loads(response.read())
    assert isinstance(body, dict)
    return body


def test_content_length_over_the_limit_is_413_and_nothing_is_stored(
    small_platform: Platform,
) -> None:
    """A declared length over the limit is refused at once, naming the limit."""
    body = good_ndjson(0, 3000)
    assert len(body) > LIMIT
    with served(create_app(small_platform)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/v1/events", body=body,
                     headers={"content-type": "application/x-ndjson"})
        response = conn.getresponse()
        assert response.status == 413
        problem = _problem(response)
        conn.close()
    assert problem["code"] == "request.too_large" and f"{LIMIT:,}" in str(problem["detail"])
    assert problem["field"] == "(body)"
    assert log_position(uow=small_platform.uow()) == 0


def test_chunked_body_over_the_limit_is_cut_there_with_413(small_platform: Platform) -> None:
    """Without a Content-Length the limit still holds: the body is cut at the limit and
    answered 413; the whole batches read before the cut were stored, nothing after it."""
    body = good_ndjson(0, 3000)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 8192):
            yield body[start:start + 8192]

    with served(create_app(small_platform)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/v1/events", body=chunks(), encode_chunked=True,
                     headers={"content-type": "application/x-ndjson",
                              "transfer-encoding": "chunked", **admin_headers(small_platform)})
        response = conn.getresponse()
        assert response.status == 413
        problem = _problem(response)
        conn.close()
    assert f"{LIMIT:,}" in str(problem["detail"])
    stored = log_position(uow=small_platform.uow())
    lines_within_limit = body[:LIMIT].count(b"\n")
    assert 0 < stored <= lines_within_limit and stored % 100 == 0


def test_a_body_is_stored_in_batches_of_the_setting(small_platform: Platform) -> None:
    """A body of 1,000 records with a poison record in its last batch: the nine batches
    before it are stored and the one with it too (the poison record alone rejected); the
    batch size is the setting's, not the body's length."""
    lines = good_ndjson(0, 950) + b'{"object_id": "TST99999999", "code": "NOPE"}\n' + \
        good_ndjson(950, 49)
    with TestClient(create_app(small_platform), headers=admin_headers(small_platform)) as client:
        r = client.post("/api/v1/events", content=lines,
                        headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200
    assert (r.json()["accepted"], r.json()["rejected"]) == (999, 1)
    assert small_platform.settings.ingest_batch_size == 100


def test_json_bodies_have_their_own_smaller_limit(sqlite_platform: Platform) -> None:
    """A JSON document is parsed whole, so it has a smaller limit than NDJSON and CSV; past
    it the answer is 413 naming that limit and pointing to NDJSON."""
    from silkpost.tracking.formats import MAX_JSON_BYTES

    body = orjson.dumps([event(object_id=f"TST{i:08d}") for i in range(MAX_JSON_BYTES // 60)])
    assert len(body) > MAX_JSON_BYTES
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as client:
        r = client.post("/api/v1/events", content=body,
                        headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert f"{MAX_JSON_BYTES:,}" in r.json()["detail"] and "NDJSON" in r.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/items/CA000000014CN",
                                  "/api/v1/objects/item/CA000000014CN"])
def test_item_view_can_leave_payloads_out(sqlite_platform: Platform, path: str) -> None:
    """`payloads=false` drops each event's payload; by default they are there."""
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as client:
        client.post("/api/v1/events", json=[event(payload={"destination": "KZALA"})])
        full = client.get(path).json()
        bare = client.get(path, params={"payloads": "false"}).json()
    assert full["timeline"][0]["payload"] == {"destination": "KZALA"}
    assert bare["timeline"][0]["payload"] is None
    assert bare["destination"] == "KZALA"


def test_the_limit_holds_for_every_route_whoever_reads_the_body(
    small_platform: Platform,
) -> None:
    """A chunked body over the limit to a route whose body FastAPI parses (route planning)
    is a 413 naming the limit too, not FastAPI's "error parsing the body" 400."""
    filler = b'{"origin": "CNURM", "destination": "KZALA", "pad": "' + b"x" * (LIMIT + 10) + b'"}'

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(filler), 8192):
            yield filler[start:start + 8192]

    with served(create_app(small_platform)) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/api/v1/routes/plan", body=chunks(), encode_chunked=True,
                     headers={"content-type": "application/json",
                              "transfer-encoding": "chunked"})
        response = conn.getresponse()
        assert response.status == 413
        problem = _problem(response)
        conn.close()
    assert problem["code"] == "request.too_large" and f"{LIMIT:,}" in str(problem["detail"])
