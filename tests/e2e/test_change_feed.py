"""The change feed: every event once, in the order stored, resumable; a partner's own only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners.service import issue_key, operator_key, register_partner
from tests.hostile.records_cases import good


def _records(prefix: int, n: int) -> list[dict[str, object]]:
    return good(n, start=prefix * 1000)


def test_the_feed_pages_through_every_event_once(any_platform: Platform) -> None:
    admin = {"Authorization": "Bearer " + operator_key(
        uow=any_platform.partner_uow, clock=any_platform.clock).text}
    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, nodes=("CNURCA",),
                     uow=any_platform.partner_uow(), clock=any_platform.clock,
                     known_nodes=any_platform.known_nodes(), known_services=set())
    kazpost = {"Authorization": "Bearer " + issue_key(
        "KAZPOST", Role.PARTNER, uow=any_platform.partner_uow(), clock=any_platform.clock).text}
    with TestClient(create_app(any_platform)) as client:
        assert client.post("/api/v1/events", json=_records(1, 7), headers=admin).status_code == 200
        mine = client.post("/api/v1/events", json=_records(2, 5),
                           headers={**kazpost, "X-Silkpost-Source": "scanner-3"})
        assert mine.json()["accepted"] == 5
        seen, after, pages = [], 0, 0
        while True:
            page = client.get("/api/v1/events", params={"after": after, "limit": 4},
                              headers=admin).json()
            if not page["events"]:
                assert page["after"] == after  # nothing new: ask again from the same place
                break
            seen += page["events"]
            after, pages = page["after"], pages + 1
        own = client.get("/api/v1/events", params={"limit": 100}, headers=kazpost).json()
        again = client.get("/api/v1/events", params={"after": 0, "limit": 100},
                           headers=admin).json()
        assert client.get("/api/v1/events", params={"limit": 0},
                          headers=admin).status_code == 422
    assert pages == 3 and len(seen) == 12
    positions = [e["position"] for e in seen]
    assert positions == sorted(positions) and len(set(positions)) == 12
    assert [e["position"] for e in again["events"]] == positions  # stable
    # Kazpost operates CNURCA, where every one of these events was scanned: it sees them all,
    # its own and the admin's.
    assert {e["source"] for e in own["events"]} == {"KAZPOST/scanner-3", "OPERATOR"}
    assert len(own["events"]) == 12


def test_the_feed_leaves_out_the_items_a_partner_does_not_see(any_platform: Platform) -> None:
    admin = {"Authorization": "Bearer " + operator_key(
        uow=any_platform.partner_uow, clock=any_platform.clock).text}
    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, nodes=("KZALAA",),
                     uow=any_platform.partner_uow(), clock=any_platform.clock,
                     known_nodes=any_platform.known_nodes(), known_services=set())
    kazpost = {"Authorization": "Bearer " + issue_key(
        "KAZPOST", Role.PARTNER, uow=any_platform.partner_uow(), clock=any_platform.clock).text}
    urumqi = _records(3, 4)  # scanned at CNURCA: not Kazpost's
    almaty = [{**r, "office": "KZALAA", "location": "KZALA"} for r in _records(4, 3)]
    later = [{**r, "code": "EMD", "occurred_at": "2026-11-21T10:00:00+05:00",
              "office": "KZALAA", "location": "KZALA"} for r in urumqi[:1]]
    with TestClient(create_app(any_platform)) as client:
        assert client.post("/api/v1/events", json=urumqi + almaty,
                           headers=admin).json()["accepted"] == 7
        first = client.get("/api/v1/events", params={"limit": 100}, headers=kazpost).json()
        assert {e["object_id"] for e in first["events"]} == {r["object_id"] for r in almaty}
        assert client.post("/api/v1/events", json=later, headers=kazpost).json()["accepted"] == 1
        again = client.get("/api/v1/events", params={"limit": 100}, headers=kazpost).json()
    # Once the parcel reaches Almaty, Kazpost sees its whole history, the Urumqi scan included.
    seen = [e for e in again["events"] if e["object_id"] == urumqi[0]["object_id"]]
    assert [e["code"] for e in seen] == ["EMA", "EMD"]
