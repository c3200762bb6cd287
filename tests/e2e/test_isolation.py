"""Isolation: a partner reads only what it sees; anything else answers as if it did not exist.

Every read route of the application is either probed here with another partner's key, or
named as holding no partner's items (with the reason); a new read route that is neither
fails the first test.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from silkpost.api.access import access_of, routes_of
from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners.service import issue_key, operator_key, register_partner
from silkpost.tracking.service import ingest
from tests.factories import event, numbered

HIDDEN = "CA000000014CN"  # posted and delivered at Urumqi by CNPOST: no route ahead
UNKNOWN = "CA000000028CN"  # never seen by anyone

Probe = Callable[[TestClient, dict[str, str]], bool]  # True when the caller sees HIDDEN


def _item(client: TestClient, auth: dict[str, str]) -> bool:
    answer = client.get(f"/api/v1/items/{HIDDEN}", headers=auth)
    unknown = client.get(f"/api/v1/items/{UNKNOWN}", headers=auth)
    if answer.status_code == 404:
        # Exactly as an unknown id: the same status, code and wording.
        same = unknown.json()
        assert answer.json()["code"] == same["code"]
        assert answer.json()["detail"] == same["detail"].replace(UNKNOWN, HIDDEN)
        return False
    assert answer.status_code == 200
    return True


def _object(client: TestClient, auth: dict[str, str]) -> bool:
    answer = client.get(f"/api/v1/objects/item/{HIDDEN}", headers=auth)
    assert answer.status_code in (200, 404)
    return answer.status_code == 200


def _listing(client: TestClient, auth: dict[str, str]) -> bool:
    items = client.get("/api/v1/items", params={"limit": 1000}, headers=auth).json()["items"]
    return HIDDEN in {i["id"] for i in items}


def _feed(client: TestClient, auth: dict[str, str]) -> bool:
    events = client.get("/api/v1/events", params={"limit": 1000}, headers=auth).json()
    return HIDDEN in {e["object_id"] for e in events["events"]}


PROBES: dict[str, Probe] = {
    "/api/v1/items/{item_id}": _item,
    "/api/v1/objects/{kind}/{object_id}": _object,
    "/api/v1/items": _listing,
    "/api/v1/events": _feed,
}
# Read routes that hold no partner's items, and why.
NOT_PARTNER_DATA = {
    "/api/v1/network": "the network file: shared by every partner",
    "/api/v1/network.svg": "the network file, drawn",
    "/api/v1/offices/{code}/sort-plan": "the network's timetables",
    "/api/v1/notices": "notices are published to all partners",
    "/api/v1/notices/{notice_id}": "notices are published to all partners",
    "/api/v1/audit": "admins only",
    "/api/v1/customs/blacklist": "the shipper blacklist: admins only",
    "/dashboard": "viewers and operators of the platform only, not partner keys",
    "/dashboard/stuck.csv": "the dashboard's list: viewers and operators only",
    "/dashboard/overdue.csv": "the dashboard's list: viewers and operators only",
    "/": "a redirect to the dashboard",
}


# Read routes of partner data whose probe is its own test (below), by path.
PROBED_BELOW = {
    "/api/v1/webhooks": "test_another_partner_does_not_see_the_subscriptions",
    "/api/v1/webhooks/{subscription_id}/deliveries":
        "test_another_partner_does_not_see_the_subscriptions",
    "/api/v1/offices/pre-advices/{dispatch_id}": "test_a_dispatch_is_its_offices_own",
    "/api/v1/offices/dispatches/{dispatch_id}/verification":
        "test_a_dispatch_is_its_offices_own",
    "/api/v1/offices/dispatches/{dispatch_id}/verification.csv":
        "test_a_dispatch_is_its_offices_own",
    "/api/v1/offices/{office}/held": "test_a_dispatch_is_its_offices_own",
    "/api/v1/offices/{office}/dispatches/{dispatch_id}": "test_an_offices_outbound_is_its_own",
    "/api/v1/offices/{office}/dispatches/{dispatch_id}/bill.pdf":
        "test_an_offices_outbound_is_its_own",
    "/api/v1/offices/{office}/dispatches/{dispatch_id}/bill.csv":
        "test_an_offices_outbound_is_its_own",
    "/api/v1/offices/{office}/receptacles/{receptacle_id}/label.pdf":
        "test_an_offices_outbound_is_its_own",
    "/api/v1/offices/{office}/deadlines": "test_an_offices_outbound_is_its_own",
    "/office/{code}/scan": "test_an_offices_outbound_is_its_own",
    "/office/{code}": "test_an_offices_outbound_is_its_own",
    # A broker's declarations: probed in their own file, with the other routes' rules.
    "/api/v1/declarations":
        "test_declarations_api.py::test_another_brokers_reference_is_as_one_nobody_used",
    "/api/v1/declarations/{reference:path}":
        "test_declarations_api.py::test_another_brokers_reference_is_as_one_nobody_used",
}


def _read_routes(platform: Platform) -> set[str]:
    return {r.path for r in routes_of(create_app(platform))
            if "GET" in r.methods and access_of(r) != ["public"]
            and not r.path.startswith("/api/v1/analytics")}


def test_every_read_route_is_probed_or_named(sqlite_platform: Platform) -> None:
    unaccounted = (_read_routes(sqlite_platform) - set(PROBES) - set(NOT_PARTNER_DATA)
                   - set(PROBED_BELOW))
    assert unaccounted == set(), "a read route needs an isolation probe in this file"


@pytest.fixture
def keys(any_platform: Platform) -> dict[str, dict[str, str]]:
    p = any_platform
    for code, node in (("CNPOST", "CNURCA"), ("KAZPOST", "KZALAA")):
        register_partner(code, code.title(), PartnerKind.POST, nodes=(node,),
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())

    def auth(text: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {text}"}

    found = {"admin": auth(operator_key(uow=p.partner_uow, clock=p.clock).text)}
    for code in ("CNPOST", "KAZPOST"):
        for role in (Role.PARTNER, Role.OPERATOR, Role.VIEWER):
            found[f"{code}-{role.value}"] = auth(issue_key(code, role, uow=p.partner_uow(),
                                                           clock=p.clock).text)
    return found


@pytest.mark.parametrize("route", sorted(PROBES))
def test_another_partner_does_not_see_the_item(any_platform: Platform, route: str,
                                               keys: dict[str, dict[str, str]]) -> None:
    scans = [{"object_id": HIDDEN, "code": code, "occurred_at": at, "location": "CNURC",
              "office": "CNURCA"}
             for code, at in (("EMA", "2026-11-20T10:00:00+08:00"),
                              ("EMI", "2026-11-21T10:00:00+08:00"))]
    with TestClient(create_app(any_platform)) as client:
        posted = client.post("/api/v1/events", json=scans, headers=keys["CNPOST-partner"])
        assert posted.json()["accepted"] == 2
        probe = PROBES[route]
        assert probe(client, keys["admin"])
        assert probe(client, keys["CNPOST-partner"])
        assert probe(client, keys["CNPOST-viewer"])  # same partner: its events
        for other in ("KAZPOST-partner", "KAZPOST-operator", "KAZPOST-viewer"):
            assert not probe(client, keys[other]), other


def test_an_item_routed_through_a_partners_node_is_seen_by_it(
    any_platform: Platform, keys: dict[str, dict[str, str]]
) -> None:
    """Posted in Urumqi for Almaty, still in China: Kazpost will deliver it, so it sees it."""
    scan = {"object_id": HIDDEN, "code": "EMA", "occurred_at": "2026-11-20T10:00:00+08:00",
            "location": "CNURC", "office": "CNURCA",
            "payload": {"destination": "KZALAA", "weight_kg": 1.2}}
    with TestClient(create_app(any_platform)) as client:
        assert client.post("/api/v1/events", json=[scan],
                           headers=keys["CNPOST-partner"]).json()["accepted"] == 1
        assert _item(client, keys["KAZPOST-partner"])


def test_a_partner_records_events_only_at_its_own_nodes(
    any_platform: Platform, keys: dict[str, dict[str, str]]
) -> None:
    """Kazpost operates Almaty (KZALAA, UN/LOCODE KZALA): a record there is stored, one at
    Urumqi is rejected alone, naming the office and Kazpost's own nodes; an admin writes
    anywhere."""
    def scan(n: int, **where: str) -> dict[str, str]:
        return {"object_id": f"CA3200{n:05d}0CN", "code": "EMD",
                "occurred_at": "2026-11-21T09:15:00+05:00", **where}

    from silkpost.domain import s10

    ids = [s10.build("CA", 32_000_500 + n, "CN") for n in range(4)]
    body = [{**scan(0, office="kzalaa"), "object_id": ids[0]},
            {**scan(1, office="CNURCA"), "object_id": ids[1]},
            {**scan(2, location="KZALA"), "object_id": ids[2]},
            {**scan(3, location="CNURC"), "object_id": ids[3]}]
    with TestClient(create_app(any_platform)) as client:
        answer = client.post("/api/v1/events", json=body,
                             headers=keys["KAZPOST-operator"]).json()
        by_admin = client.post("/api/v1/events", json=body, headers=keys["admin"]).json()
    assert (answer["accepted"], answer["rejected"]) == (2, 2)
    assert [(r["position"], r["field"]) for r in answer["rejections"]] == [
        (2, "office"), (4, "office")]  # positions count from 1
    assert "does not operate CNURCA" in answer["rejections"][0]["reason"]
    assert "KZALAA" in answer["rejections"][0]["reason"]
    assert (by_admin["accepted"], by_admin["duplicates"]) == (2, 2)


def test_another_partner_does_not_see_the_subscriptions(
    any_platform: Platform, keys: dict[str, dict[str, str]]
) -> None:
    """A partner's webhook subscriptions, their deliveries and replays are its own: another
    partner's key gets them as if they did not exist; an admin sees every partner's."""
    with TestClient(create_app(any_platform)) as client:
        made = client.post("/api/v1/webhooks", headers=keys["CNPOST-partner"], json={
            "url": "https://hooks.cnpost.example/silkpost", "types": ["notice.published"]})
        assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
        sub = made.json()["id"]
        mine = client.get("/api/v1/webhooks", headers=keys["CNPOST-operator"]).json()
        assert [x["id"] for x in mine] == [sub] and mine[0]["secret"] is None
        assert client.get("/api/v1/webhooks", headers=keys["KAZPOST-partner"]).json() == []
        for method, path in (("GET", f"/api/v1/webhooks/{sub}/deliveries"),
                             ("POST", f"/api/v1/webhooks/{sub}/replay"
                                      "?since=2026-11-01T00:00:00%2B00:00")):
            other = client.request(method, path, headers=keys["KAZPOST-partner"])
            unknown = client.request(method, path.replace(sub, "wh_0000000000000000"),
                                     headers=keys["KAZPOST-partner"])
            assert other.status_code == unknown.status_code == 404
            assert client.request(method, path, headers=keys["CNPOST-partner"]).status_code \
                == 200
        everyone = client.get("/api/v1/webhooks", headers=keys["admin"]).json()
        assert sub in {x["id"] for x in everyone}
        wrong = client.post("/api/v1/webhooks", headers=keys["KAZPOST-partner"], json={
            "url": "https://x.example/", "types": ["notice.published"], "partner": "CNPOST"})
        assert wrong.status_code == 400 and wrong.json()["field"] == "partner"


def test_a_dispatch_is_its_offices_own(any_platform: Platform,
                                       keys: dict[str, dict[str, str]]) -> None:
    """A dispatch from Dongguan to Urumqi: China Post (Urumqi) reads its pre-advice and note,
    and its staff the hold area; Kazpost gets the dispatch as if nobody had announced it, and
    is refused Urumqi's hold area."""
    dispatch, unknown = "CNDGGACNURCADCC60007", "CNDGGACNURCADCC60009"
    with TestClient(create_app(any_platform)) as client:
        made = client.post("/api/v1/offices/pre-advices", headers=keys["admin"], json={
            "dispatch_id": dispatch, "year": 2026,
            "receptacles": [{"receptacle_id": f"{dispatch}001010120", "items": [HIDDEN]}]})
        assert made.status_code == 201, made.text
        held = client.post(f"/api/v1/offices/CNURCA/items/{HIDDEN}/hold",
                           headers=keys["CNPOST-operator"], json={"reason": "customs"})
        assert held.status_code == 200, held.text
        for path in ("pre-advices/{}", "dispatches/{}/verification",
                     "dispatches/{}/verification.csv"):
            url = f"/api/v1/offices/{path}"
            assert client.get(url.format(dispatch),
                              headers=keys["CNPOST-partner"]).status_code == 200, path
            for other in ("KAZPOST-partner", "KAZPOST-operator"):
                hidden = client.get(url.format(dispatch), headers=keys[other])
                nobody = client.get(url.format(unknown), headers=keys[other])
                assert hidden.status_code == nobody.status_code == 404, (path, other)
                assert hidden.json()["detail"] == nobody.json()["detail"].replace(unknown,
                                                                                  dispatch)
        area = "/api/v1/offices/CNURCA/held"
        mine = client.get(area, headers=keys["CNPOST-operator"]).json()["items"]
        assert [x["item_id"] for x in mine] == [HIDDEN]
        for other in ("KAZPOST-operator", "KAZPOST-partner", "KAZPOST-viewer"):
            assert client.get(area, headers=keys[other]).status_code == 403, other


def test_an_offices_outbound_is_its_own(any_platform: Platform,
                                        keys: dict[str, dict[str, str]]) -> None:
    """Urumqi's staff make a dispatch: they read its bill, label and deadlines and open the
    scanner screen; Kazpost's keys are refused all of them (a 403 naming the office)."""
    p = any_platform
    ingest(numbered([event(HIDDEN, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
                           payload={"destination": "KZALAA"})]),
           uow=p.uow(), clock=p.clock, source="CAINIAO")
    staff = keys["CNPOST-operator"]
    with TestClient(create_app(p)) as client:
        assert client.post("/api/v1/offices/CNURCA/items", headers=staff,
                           json={"item_id": HIDDEN}).status_code == 200
        bag = client.post("/api/v1/offices/CNURCA/bags", headers=staff,
                          json={"destination": "KZALAA"}).json()["bag_id"]
        assert client.post(f"/api/v1/offices/CNURCA/bags/{bag}/items", headers=staff,
                           json={"item_id": HIDDEN}).status_code == 200
        closed = client.post(f"/api/v1/offices/CNURCA/bags/{bag}/close", headers=staff,
                             json={"weight_kg": 1.2, "last": True}).json()
        dispatch = closed["dispatch_id"]
        paths = [f"/api/v1/offices/CNURCA/dispatches/{dispatch}",
                 f"/api/v1/offices/CNURCA/dispatches/{dispatch}/bill.pdf",
                 f"/api/v1/offices/CNURCA/dispatches/{dispatch}/bill.csv",
                 closed["label_pdf"], "/api/v1/offices/CNURCA/deadlines",
                 "/office/CNURCA/scan", "/office/CNURCA"]
        for path in paths:
            assert client.get(path, headers=staff).status_code == 200, path
            for other in ("KAZPOST-operator", "KAZPOST-partner", "KAZPOST-viewer"):
                refused = client.get(path, headers=keys[other])
                assert refused.status_code == 403, (path, other)
