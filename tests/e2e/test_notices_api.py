"""The notices API end to end (real app, SQLite, the shipped network): lifecycle, feed, problems."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from tests.conftest import NOW
from tests.keys import admin_headers

PROBLEM = "application/problem+json"
A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def client(sqlite_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as c:
        yield c


def body(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": {"en": "Khorgos gate closed", "ru": "Хоргос закрыт", "zh": "霍尔果斯口岸关闭"},
        "body": {"en": "Closed for the holiday; trucks wait at Urumqi."},
        "severity": "disruption", "nodes": ["CNHRS-XS"], "services": ["T-HRS-ALA"],
        "valid_from": (NOW - timedelta(hours=1)).isoformat(),
        "valid_until": (NOW + timedelta(days=2)).isoformat(),
    }
    base.update(changes)
    return base


def ids(client: TestClient, **params: str) -> list[str]:
    r = client.get("/api/v1/notices", params=params)
    assert r.status_code == 200, r.text
    return [n["id"] for n in r.json()["items"]]


def test_create_publish_list_withdraw(client: TestClient) -> None:
    """A draft is listed only as a draft; published it is active on its node; withdrawn, gone."""
    r = client.post("/api/v1/notices", json=body())
    assert r.status_code == 201, r.text
    created = r.json()
    nid = created["id"]
    assert nid == "N-2026-0001" and created["state"] == "draft"
    assert created["published_at"] is None
    assert ids(client, state="active") == [] and ids(client, state="draft") == [nid]

    published = client.post(f"/api/v1/notices/{nid}/publish").json()
    assert published["state"] == "active" and published["published_at"] is not None
    assert ids(client, state="active", node="cnhrs-xs") == [nid]
    assert ids(client, state="active", node="KZALAA") == []
    assert client.get(f"/api/v1/notices/{nid}").json()["title"]["zh"] == "霍尔果斯口岸关闭"

    withdrawn = client.post(f"/api/v1/notices/{nid}/withdraw").json()
    assert withdrawn["state"] == "withdrawn" and withdrawn["withdrawn_at"] is not None
    assert ids(client, state="active") == [] and ids(client, state="withdrawn") == [nid]
    again = client.post(f"/api/v1/notices/{nid}/publish")
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert again.json()["code"] == "notices.conflict"


def test_publish_at_once_and_scheduled(client: TestClient) -> None:
    """publish: true publishes in the same request; a future window reads as scheduled."""
    now = client.post("/api/v1/notices", json=body(publish=True)).json()
    later = client.post("/api/v1/notices", json=body(
        publish=True, valid_from=(NOW + timedelta(days=1)).isoformat())).json()
    assert (now["state"], later["state"]) == ("active", "scheduled")
    assert ids(client, state="scheduled") == [later["id"]]


@pytest.mark.parametrize(("changes", "status", "field"), [
    ({"valid_until": (NOW - timedelta(days=1)).isoformat()}, 400, "valid_until"),
    ({"title": {}}, 400, "title"),
    ({"title": {"de": "Gesperrt"}}, 400, "title"),
    ({"nodes": ["XXNOPE"]}, 400, "nodes"),
    ({"services": ["T-NOPE"]}, 400, "services"),
    ({"severity": "urgent"}, 422, "severity"),
    ({"valid_from": "2026-12-01T08:00:00"}, 422, "valid_from"),
])
def test_invalid_notices_are_problems_naming_the_field(client: TestClient,
                                                       changes: dict[str, object], status: int,
                                                       field: str) -> None:
    """Every refusal is problem+json whose field says what to fix; nothing is stored."""
    r = client.post("/api/v1/notices", json=body(**changes))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["field"] == field
    assert ids(client) == []


def test_unknown_notice_is_404_problem(client: TestClient) -> None:
    """Reading or publishing an unknown id is a 404 problem naming notice_id."""
    for r in (client.get("/api/v1/notices/N-2026-0404"),
              client.post("/api/v1/notices/nonsense/withdraw")):
        assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
        assert r.json()["field"] == "notice_id"
    assert client.get("/api/v1/notices", params={"state": "live"}).status_code == 422


def test_atom_feed_carries_published_notices_only(client: TestClient,
                                                  sqlite_platform: Platform) -> None:
    """The feed parses as Atom; drafts and withdrawn notices are absent; texts follow lang."""
    shown = client.post("/api/v1/notices", json=body(publish=True)).json()["id"]
    draft = client.post("/api/v1/notices", json=body()).json()["id"]
    gone = client.post("/api/v1/notices", json=body(publish=True, nodes=[])).json()["id"]
    assert isinstance(sqlite_platform.clock, FixedClock)
    sqlite_platform.clock.moment = NOW + timedelta(minutes=5)
    client.post(f"/api/v1/notices/{gone}/withdraw")
    everywhere = client.post("/api/v1/notices", json=body(
        publish=True, nodes=[], services=[], severity="info",
        title={"en": "New prohibited items"})).json()["id"]

    r = client.get("/notices.atom", params={"lang": "kk"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    assert root.tag == f"{A}feed"
    assert root.findtext(f"{A}id") == "urn:silkpost:notices"
    assert root.findtext(f"{A}updated") == "2026-11-24T12:05:00Z"
    entries = {e.findtext(f"{A}id"): e for e in root.findall(f"{A}entry")}
    assert set(entries) == {f"urn:silkpost:notice:{shown}",
                            f"urn:silkpost:notice:{everywhere}"}
    assert draft not in r.text and gone not in r.text
    entry = entries[f"urn:silkpost:notice:{shown}"]
    assert entry.findtext(f"{A}title") == "Хоргос закрыт"  # Kazakh falls back to Russian
    assert entry.findtext(f"{A}updated") == "2026-11-24T12:00:00Z"
    terms = {(c.get("scheme"), c.get("term")) for c in entry.findall(f"{A}category")}
    assert terms == {("urn:silkpost:node", "CNHRS-XS"), ("urn:silkpost:service", "T-HRS-ALA"),
                     ("urn:silkpost:severity", "disruption")}
    assert entries[f"urn:silkpost:notice:{everywhere}"].findtext(f"{A}title") \
        == "New prohibited items"


def test_empty_feed_is_still_a_valid_feed(client: TestClient) -> None:
    """With nothing published the feed is an Atom document with no entries."""
    root = ET.fromstring(client.get("/notices.atom").content)
    assert root.tag == f"{A}feed" and root.findall(f"{A}entry") == []
    assert root.findtext(f"{A}title") == "Silkpost notices"
    assert client.get("/notices.atom", params={"lang": "de"}).status_code == 422
