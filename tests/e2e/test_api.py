"""The HTTP API end to end (real app, real SQLite store): events in, items out, problems."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from tests.factories import event
from tests.keys import admin_headers

PROBLEM = "application/problem+json"


@pytest.fixture
def client(sqlite_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as c:
        yield c


def ndjson(*records: dict[str, object]) -> bytes:
    return b"\n".join(orjson.dumps(r) for r in records)


def test_post_json_then_read_the_item(client: TestClient) -> None:
    """A JSON batch is stored; the item shows status, place, timeline in time order."""
    body = [event(code="EMB", at="2026-11-18T10:00:00+06:00", location="CNURM",
                  office="CNURCA"),
            event(code="EMA", at="2026-11-15T09:00:00+08:00", location="CNDGG",
                  payload={"destination": "KZALA"})]
    r = client.post("/api/v1/events", json=body, headers={"X-Silkpost-Source": "cainiao"})
    assert r.status_code == 200 and r.json()["accepted"] == 2
    item = client.get("/api/v1/items/CA000000014CN").json()
    assert item["status"] == "at_office_of_exchange"
    assert item["last_location"] == "CNURM" and item["destination"] == "KZALA"
    assert [e["code"] for e in item["timeline"]] == ["EMA", "EMB"]
    # The sender is the calling partner; the header only labels it.
    assert item["timeline"][0]["source"] == "OPERATOR/cainiao"
    assert item["timeline"][1]["occurred_at"].endswith("+06:00")


def test_ndjson_and_csv_bodies(client: TestClient) -> None:
    """NDJSON and CSV carry the same events; a resend is counted as duplicates."""
    r = client.post("/api/v1/events", content=ndjson(event()),
                    headers={"content-type": "application/x-ndjson"})
    assert r.json()["accepted"] == 1
    csv = b"object_id,code,occurred_at\nCA000000014CN,EMA,2026-11-20T10:00:00+08:00\n"
    r = client.post("/api/v1/events", content=csv, headers={"content-type": "text/csv"})
    assert r.json() == {"received": 1, "accepted": 0, "duplicates": 1, "rejected": 0,
                        "rejections": []}


def test_rejections_name_position_field_and_reason(client: TestClient) -> None:
    """The good record is stored; the bad one comes back with its position and field."""
    r = client.post("/api/v1/events", content=ndjson(event(), event(code="NOPE")),
                    headers={"content-type": "application/x-ndjson"})
    body = r.json()
    assert body["accepted"] == 1 and body["rejected"] == 1
    assert body["rejections"][0]["position"] == 2 and body["rejections"][0]["field"] == "code"


def test_unreadable_body_is_a_problem(client: TestClient) -> None:
    """Broken JSON is an RFC 9457 problem naming the file, and stores nothing."""
    r = client.post("/api/v1/events", content=b"[{", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "tracking.unreadable_file"
    r = client.post("/api/v1/events", content=b"x", headers={"content-type": "text/xml"})
    assert r.status_code == 400 and r.json()["field"] == "content-type"
    assert client.get("/healthz").json()["log_position"] == 0


def test_item_problems(client: TestClient) -> None:
    """Unknown id → 404; bad check digit → 400 naming 'id'; bad filter → 422 naming it."""
    r = client.get("/api/v1/items/CA000000028CN")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    r = client.get("/api/v1/items/CA000000029CN")
    assert r.status_code == 400 and r.json()["field"] == "id"
    r = client.get("/api/v1/items?status=lost")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "status"
    r = client.get("/api/v1/items?cursor=garbage")
    assert r.status_code == 400 and r.json()["field"] == "cursor"


def test_list_items_by_status_and_place(client: TestClient) -> None:
    """Filters select from the read model; the cursor walks the pages."""
    client.post("/api/v1/events", json=[
        event(object_id="CA000000014CN", code="EMC", location="CNURM"),
        event(object_id="CA000000028CN", code="EMB", location="CNURM"),
        event(object_id="CA000000031CN", code="EMB", location="KZALA"),
    ])
    r = client.get("/api/v1/items", params={"status": "at_office_of_exchange",
                                             "location": "cnurm"})
    assert [i["id"] for i in r.json()["items"]] == ["CA000000028CN"]
    first = client.get("/api/v1/items", params={"limit": 2}).json()
    second = client.get("/api/v1/items", params={"limit": 2,
                                                  "cursor": first["next_cursor"]}).json()
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(ids) == ["CA000000014CN", "CA000000028CN", "CA000000031CN"]


def test_languages_of_the_timeline(client: TestClient) -> None:
    """Descriptions and status texts come in zh, ru and kk too."""
    client.post("/api/v1/events", json=[event()])
    zh = client.get("/api/v1/items/CA000000014CN", params={"lang": "zh"}).json()
    kk = client.get("/api/v1/items/CA000000014CN", params={"lang": "kk"}).json()
    assert zh["status_text"] == "已收寄" and zh["timeline"][0]["description"] == "收寄"
    assert kk["status_text"] == "Қабылданды"


def test_openapi_documents_the_event_record(client: TestClient) -> None:
    """/openapi.json describes the event body and the problem shape."""
    spec = client.get("/openapi.json").json()
    assert "EventRecord" in spec["components"]["schemas"]
    assert "Problem" in spec["components"]["schemas"]
    assert "/api/v1/events" in spec["paths"] and client.get("/docs").status_code == 200
