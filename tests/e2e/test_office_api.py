"""The exchange office's API end to end (real app, SQLite, the shipped network): a dispatch from
Dongguan announced to Urumqi (CNURCA), its bags received, opened and verified, its items sorted
towards Almaty, held and released; who may do what; and the problems a scanner can cause."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners.service import issue_key, operator_key, register_partner
from tests.conftest import NOW

OFFICE = "CNURCA"
DISPATCH = "CNDGGACNURCADCC60007"  # Dongguan warehouse -> Urumqi, priority by surface, 2026
BASE = "/api/v1/offices"
PROBLEM = "application/problem+json"
ITEMS = tuple(s10.build("CA", n, "CN") for n in range(101, 106))
SURPLUS = s10.build("CA", 204, "CN")


def label(serial: int, tenths: int = 120) -> str:
    """The S9 label of receptacle ``serial`` of the dispatch (registered, ``tenths`` of kg)."""
    return f"{DISPATCH}{serial:03d}01{tenths:04d}"


def at(hours_before_now: float) -> str:
    return (NOW - timedelta(hours=hours_before_now)).isoformat()


def pre_advice(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dispatch_id": DISPATCH, "year": 2026,
        "receptacles": [{"receptacle_id": label(1), "items": list(ITEMS[:3])},
                        {"receptacle_id": label(2), "weight_kg": 8.0,
                         "items": list(ITEMS[3:])}],
    }
    body.update(changes)
    return body


Keys = dict[str, dict[str, str]]


@pytest.fixture
def keys(sqlite_platform: Platform) -> Keys:
    """Keys of China Post (operates Dongguan and Urumqi) and Kazpost (Almaty), and an admin's."""
    p = sqlite_platform
    for code, nodes in (("CNPOST", ("CNDGGA", OFFICE)), ("KAZPOST", ("KZALAA",))):
        register_partner(code, code.title(), PartnerKind.POST, nodes=nodes,
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())
    admin = operator_key(uow=p.partner_uow, clock=p.clock).text
    found = {"admin": {"Authorization": f"Bearer {admin}"}}
    for code in ("CNPOST", "KAZPOST"):
        for role in (Role.PARTNER, Role.OPERATOR, Role.VIEWER):
            text = issue_key(code, role, uow=p.partner_uow(), clock=p.clock).text
            found[f"{code}-{role.value}"] = {"Authorization": f"Bearer {text}"}
    # Urumqi's scanners label their events under China Post.
    found["urumqi"] = {**found["CNPOST-operator"], "X-Silkpost-Source": "urumqi"}
    return found


@pytest.fixture
def client(sqlite_platform: Platform, keys: Keys) -> Iterator[TestClient]:
    """A client of the app whose items were posted in Dongguan for Almaty."""
    with TestClient(create_app(sqlite_platform)) as c:
        posted = c.post("/api/v1/events", headers=keys["admin"], json=[
            {"object_id": i, "code": "EMA", "occurred_at": "2026-11-20T10:00:00+08:00",
             "office": "CNDGGA", "payload": {"destination": "KZALAA"}}
            for i in (*ITEMS, SURPLUS)])
        assert posted.json()["accepted"] == len(ITEMS) + 1, posted.text
        yield c


def codes(client: TestClient, keys: Keys, item: str) -> list[tuple[str, str]]:
    """(code, source) of the item's timeline, as its lookup shows it."""
    answer = client.get(f"/api/v1/items/{item}", headers=keys["admin"])
    assert answer.status_code == 200, answer.text
    return [(e["code"], e["source"]) for e in answer.json()["timeline"]]


def test_a_dispatch_from_pre_advice_to_verification_note(client: TestClient, keys: Keys,
                                                         sqlite_platform: Platform) -> None:
    """Announced, one bag received heavier than declared, opened, an advised item sorted
    towards Almaty, a surplus item found, the bag finished: the note lists the weight, the
    surplus and the missing items, then the bag never received, and exports them as CSV."""
    made = client.post(f"{BASE}/pre-advices", json=pre_advice(), headers=keys["CNPOST-partner"])
    assert made.status_code == 201, made.text
    advice = made.json()
    assert (advice["origin"], advice["destination"], advice["category"], advice["subclass"],
            advice["serial"]) == ("CNDGGA", OFFICE, "D", "CC", 7)
    assert (advice["receptacle_count"], advice["item_count"], advice["sender"]) == (2, 5,
                                                                                  "CNPOST")
    assert [r["weight_kg"] for r in advice["receptacles"]] == [12.0, 8.0]  # label's, stated
    again = client.post(f"{BASE}/pre-advices", json=pre_advice(),
                        headers=keys["CNPOST-partner"])
    assert again.status_code == 200 and again.json() == advice  # identical: nothing changed
    read = client.get(f"{BASE}/pre-advices/{DISPATCH.lower()}", headers=keys["CNPOST-operator"])
    assert read.status_code == 200 and read.json() == advice

    bag = label(1, 135)  # the same bag (serial 001) as the scale weighs it: 13.5 kg
    received = client.post(f"{BASE}/{OFFICE}/receptacles", headers=keys["urumqi"], json={
        "receptacle_id": bag, "weighed_kg": 13.5, "seal": "S-0001", "at": at(6)})
    assert received.status_code == 200, received.text
    r = received.json()
    assert (r["outcome"], r["dispatch_id"], r["declared_kg"], r["weighed_kg"],
            r["difference_kg"], r["seal"], r["advised_items"]) == (
        "announced", DISPATCH, 12.0, 13.5, 1.5, "S-0001", 3)
    assert r["received_at"].startswith("2026-11-24T06:00")
    assert r["weight_note"] == "declared 12.0 kg, weighed 13.5 kg (+1.5 kg)"

    opened = client.post(f"{BASE}/{OFFICE}/receptacles/{bag}/open", headers=keys["urumqi"],
                         json={"at": at(5.5)}).json()
    assert opened["advised"] == list(ITEMS[:3]) and opened["scanned"] == []
    assert opened["still_expected"] == list(ITEMS[:3])

    scan = client.post(f"{BASE}/{OFFICE}/items", headers=keys["urumqi"], json={
        "item_id": ITEMS[0], "receptacle_id": bag, "at": at(5)})
    assert scan.status_code == 200, scan.text
    s = scan.json()
    assert (s["outcome"], s["state"], s["surplus"], s["damaged"]) == ("sorted", "sorted",
                                                                     False, False)
    assert s["sort"]["destination"] == "KZALAA"
    service = next(x for x in sqlite_platform.network.services if x.id == s["sort"]["service_id"])
    assert service.origin == OFFICE and s["sort"]["next_node"] == service.destination
    assert codes(client, keys, ITEMS[0])[-2:] == [("EMB", "CNPOST/urumqi"),
                                                   ("SIS", "CNPOST/urumqi")]
    rescan = client.post(f"{BASE}/{OFFICE}/items", headers=keys["urumqi"],
                         json={"item_id": ITEMS[0], "receptacle_id": bag}).json()
    assert rescan["outcome"] == "already_scanned" and len(codes(client, keys, ITEMS[0])) == 3

    extra = client.post(f"{BASE}/{OFFICE}/items", headers=keys["urumqi"], json={
        "item_id": SURPLUS, "receptacle_id": bag, "at": at(4.9)}).json()
    assert extra["surplus"] and extra["outcome"] == "sorted"
    still = client.post(f"{BASE}/{OFFICE}/receptacles/{bag}/open",
                        headers=keys["urumqi"]).json()
    assert still["scanned"] == [ITEMS[0], SURPLUS] and still["still_expected"] == list(ITEMS[1:3])

    finished = client.post(f"{BASE}/{OFFICE}/receptacles/{bag}/finish", headers=keys["urumqi"],
                           json={"at": at(4)})
    assert finished.status_code == 200, finished.text
    found = sorted((f["kind"], f["item_id"]) for f in finished.json()["findings"])
    assert found == sorted([("weight", None), ("surplus_item", SURPLUS),
                            ("missing_item", ITEMS[1]), ("missing_item", ITEMS[2])])

    note = client.get(f"{BASE}/dispatches/{DISPATCH}/verification",
                      headers=keys["CNPOST-partner"])
    assert note.status_code == 200, note.text
    n = note.json()
    assert not n["in_order"] and n["advised_by"] == "CNPOST"
    assert [(x["receptacle_id"], x["declared_kg"], x["weighed_kg"], x["difference_kg"])
            for x in n["received"]] == [(bag, 12.0, 13.5, 1.5)]
    assert n["received"][0]["opened_at"] is not None and n["received"][0]["verified_at"]
    assert n["missing"] == [label(2)]
    assert {f["kind"] for f in n["findings"]} == {"weight", "surplus_item", "missing_item"}

    closed = client.post(f"{BASE}/dispatches/{DISPATCH}/verification/close",
                         headers=keys["urumqi"], json={"at": at(1)})
    assert closed.status_code == 200, closed.text
    assert [(f["kind"], f["receptacle_id"]) for f in closed.json()["findings"]
            if f["kind"] == "missing_receptacle"] == [("missing_receptacle", label(2))]

    exported = client.get(f"{BASE}/dispatches/{DISPATCH}/verification.csv",
                          headers=keys["CNPOST-partner"])
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert list(rows[0]) == ["dispatch", "kind", "receptacle", "item", "detail", "found_at"]
    assert sorted((x["kind"], x["receptacle"], x["item"]) for x in rows) == sorted([
        ("weight", bag, ""), ("surplus_item", bag, SURPLUS), ("missing_item", bag, ITEMS[1]),
        ("missing_item", bag, ITEMS[2]), ("missing_receptacle", label(2), "")])
    assert all(x["dispatch"] == DISPATCH and "+00:00" in x["found_at"] for x in rows)

    # Its bags have started arriving: the pre-advice can no longer change.
    late = client.post(f"{BASE}/pre-advices", headers=keys["CNPOST-partner"], json=pre_advice(
        receptacles=[{"receptacle_id": label(1), "items": list(ITEMS)}]))
    assert late.status_code == 409 and late.headers["content-type"] == PROBLEM
    assert (late.json()["code"], late.json()["field"]) == ("office.conflict", "dispatch_id")


def test_the_sender_of_a_pre_advice_follows_its_bags_in_its_feed(client: TestClient,
                                                                keys: Keys) -> None:
    """Kazpost announces a dispatch to Urumqi, which it does not operate. Its change feed
    shows the pre-advice taken and, as each bag is received, the receipt's answer on the
    dispatch (which bag, how many arrived and are missing: a RESDES), and none of the
    office's other work."""
    dispatch = "KZALAACNURCADCC60003"
    bags = [f"{dispatch}{n:03d}010050" for n in (1, 2)]
    body = {"dispatch_id": dispatch, "year": 2026, "receptacles": [
        {"receptacle_id": b, "items": [ITEMS[n]]} for n, b in enumerate(bags)]}
    assert client.post(f"{BASE}/pre-advices", json=body,
                       headers=keys["KAZPOST-partner"]).status_code == 201
    for bag, hours in ((bags[0], 3), (bags[0], 2.5)):  # the second scan: already received
        got = client.post(f"{BASE}/{OFFICE}/receptacles", headers=keys["urumqi"],
                          json={"receptacle_id": bag, "at": at(hours)})
        assert got.status_code == 200, got.text
    client.post(f"{BASE}/{OFFICE}/items", headers=keys["urumqi"],
                json={"item_id": ITEMS[0], "receptacle_id": bags[0], "at": at(2)})
    feed = client.get("/api/v1/events", headers=keys["KAZPOST-partner"])
    assert feed.status_code == 200, feed.text
    seen = [(e["object_kind"], e["object_id"], e["code"], e["source"], e["payload"])
            for e in feed.json()["events"]]
    assert seen == [
        ("dispatch", dispatch, "SYA", "KAZPOST", {"receptacles": 2, "items": 2}),
        ("dispatch", dispatch, "SYR", "CNPOST/urumqi",
         {"receptacle_id": bags[0], "outcome": "announced", "arrived": 1, "missing": 1})]
    everything = client.get("/api/v1/events", headers=keys["admin"]).json()["events"]
    assert {e["code"] for e in everything} > {"SYA", "SYR", "EMD", "SBO"}  # the rest hidden


def test_every_receipt_outcome_is_a_200(client: TestClient, keys: Keys) -> None:
    """Each scan of a label has one outcome; none is an error, and only the first two are
    received here."""
    assert client.post(f"{BASE}/pre-advices", json=pre_advice(),
                       headers=keys["admin"]).status_code == 201
    wrong = "CNDGGAKZALAACCC60007001010120"  # a bag of a dispatch to Almaty
    answers = []
    for scanned in (label(1), label(1), label(1, 999), label(3), wrong):
        answer = client.post(f"{BASE}/{OFFICE}/receptacles", headers=keys["urumqi"],
                             json={"receptacle_id": scanned})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
    assert [a["outcome"] for a in answers] == ["announced", "already_received", "duplicate",
                                               "unannounced", "wrong_office"]
    assert answers[1]["received_at"] == answers[0]["received_at"]
    assert answers[2]["receptacle_id"] == label(1, 999)
    assert answers[3]["advised_items"] == 0 and answers[3]["declared_kg"] == 12.0
    assert answers[4]["received_at"] is None and answers[4]["dispatch_id"] == wrong[:20]

    note = client.get(f"{BASE}/dispatches/{DISPATCH}/verification", headers=keys["admin"]).json()
    assert [x["receptacle_id"] for x in note["received"]] == [label(1), label(3)]
    assert [x["outcome"] for x in note["received"]] == ["announced", "unannounced"]
    assert {f["kind"] for f in note["findings"]} == {"duplicate_receptacle",
                                                     "surplus_receptacle"}
    elsewhere = client.get(f"{BASE}/dispatches/{wrong[:20]}/verification",
                           headers=keys["admin"])
    assert elsewhere.status_code == 404  # not received here, so nothing names it
    assert elsewhere.json()["code"] == "office.dispatch_not_found"


def test_hold_release_and_return_are_on_the_timeline(client: TestClient, keys: Keys) -> None:
    """Held for customs and for its address, listed per reason with its age, released (and
    sorted again), returned: each step an event of the item's timeline."""
    desk = keys["urumqi"]
    for item in ITEMS[:2]:
        scanned = client.post(f"{BASE}/{OFFICE}/items", headers=desk,
                              json={"item_id": item, "at": at(8)})
        assert scanned.json()["outcome"] == "sorted"
    held = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[0]}/hold", headers=desk,
                       json={"reason": "customs", "note": "CN 23 missing", "at": at(5)})
    assert held.status_code == 200, held.text
    h = held.json()
    assert (h["state"], h["hold_reason"], h["note"], h["sort"]) == ("held", "customs",
                                                                    "CN 23 missing", None)
    assert client.post(f"{BASE}/{OFFICE}/items/{ITEMS[1]}/hold", headers=desk,
                       json={"reason": "address", "at": at(2)}).status_code == 200

    def listed(**params: str) -> list[tuple[str, str, float]]:
        answer = client.get(f"{BASE}/{OFFICE}/held", headers=desk, params=params)
        assert answer.status_code == 200, answer.text
        return [(x["item_id"], x["hold_reason"], x["age_hours"]) for x in answer.json()["items"]]

    assert listed() == [(ITEMS[0], "customs", 5.0), (ITEMS[1], "address", 2.0)]  # oldest first
    assert listed(reason="customs") == [(ITEMS[0], "customs", 5.0)]
    assert listed(reason="security") == []

    presented = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[0]}/present", headers=desk,
                            json={"at": at(4)})
    assert presented.status_code == 200 and presented.json()["state"] == "held"
    released = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[0]}/release", headers=desk,
                           json={"at": at(3)})
    assert released.status_code == 200, released.text
    r = released.json()
    assert (r["outcome"], r["state"], r["sort"]["destination"]) == ("sorted", "sorted",
                                                                    "KZALAA")
    returned = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[1]}/return", headers=desk,
                           json={"note": "addressee unknown", "at": at(1)})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert listed() == []

    # China Post's own export codes at Urumqi: held EXB, presented EXA, released EXC and
    # sorted again (SIS) at the same moment.
    first = [c for c, _ in codes(client, keys, ITEMS[0])]
    assert first[:5] == ["EMA", "EMB", "SIS", "EXB", "EXA"] and sorted(first[5:]) == ["EXC",
                                                                                      "SIS"]
    assert [c for c, _ in codes(client, keys, ITEMS[1])] == ["EMA", "EMB", "SIS", "EXD", "SRT"]
    assert {s for c, s in codes(client, keys, ITEMS[1]) if c != "EMA"} == {"CNPOST/urumqi"}

    again = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[0]}/release", headers=desk)
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    assert (again.json()["code"], again.json()["field"]) == ("office.conflict", "item_id")
    never = client.post(f"{BASE}/{OFFICE}/items/{ITEMS[4]}/release", headers=desk)
    assert never.status_code == 409


def test_only_the_offices_staff_work_there(client: TestClient, keys: Keys) -> None:
    """Kazpost's staff cannot scan at Urumqi (403 naming the office); a partner or viewer key
    cannot work at an office at all; an admin can anywhere."""
    body = {"receptacle_id": label(1)}
    other = client.post(f"{BASE}/{OFFICE}/receptacles", json=body,
                        headers=keys["KAZPOST-operator"])
    assert other.status_code == 403 and other.headers["content-type"] == PROBLEM
    assert (other.json()["code"], other.json()["field"]) == ("auth.forbidden", "office")
    assert "KAZPOST does not operate CNURCA" in other.json()["detail"]
    for role in ("CNPOST-partner", "CNPOST-viewer"):
        refused = client.post(f"{BASE}/{OFFICE}/receptacles", json=body, headers=keys[role])
        assert refused.status_code == 403 and refused.json()["field"] == "authorization", role
    for path in (f"{BASE}/{OFFICE}/held", f"{BASE}/{OFFICE}/items/{ITEMS[0]}/hold"):
        method = "GET" if path.endswith("held") else "POST"
        answer = client.request(method, path, headers=keys["KAZPOST-operator"],
                                json={"reason": "customs"})
        assert answer.status_code == 403, path
    closing = client.post(f"{BASE}/dispatches/{DISPATCH}/verification/close",
                          headers=keys["KAZPOST-operator"])
    assert closing.status_code == 403 and closing.json()["field"] == "dispatch_id"
    mine = client.post(f"{BASE}/kzalaa/receptacles", headers=keys["KAZPOST-operator"],
                       json={"receptacle_id": "CNDGGAKZALAACCC60007001010120"})
    assert mine.status_code == 200 and mine.json()["outcome"] == "unannounced"
    anywhere = client.post(f"{BASE}/{OFFICE}/receptacles", json=body, headers=keys["admin"])
    assert anywhere.status_code == 200


def test_a_dispatch_is_read_only_by_its_offices_and_its_sender(client: TestClient,
                                                               keys: Keys) -> None:
    """Kazpost neither operates Dongguan nor Urumqi: it cannot announce their dispatch (403),
    and reading it answers exactly as for a dispatch nobody announced."""
    foreign = client.post(f"{BASE}/pre-advices", json=pre_advice(),
                          headers=keys["KAZPOST-partner"])
    assert foreign.status_code == 403 and foreign.json()["field"] == "dispatch_id"
    assert client.post(f"{BASE}/pre-advices", json=pre_advice(),
                       headers=keys["CNPOST-partner"]).status_code == 201
    unknown = DISPATCH[:-1] + "9"
    for path in ("pre-advices/{}", "dispatches/{}/verification",
                 "dispatches/{}/verification.csv"):
        hidden = client.get(f"{BASE}/{path.format(DISPATCH)}", headers=keys["KAZPOST-partner"])
        nobody = client.get(f"{BASE}/{path.format(unknown)}", headers=keys["KAZPOST-partner"])
        assert hidden.status_code == nobody.status_code == 404, path
        assert hidden.json()["code"] == nobody.json()["code"] == "office.dispatch_not_found"
        assert hidden.json()["detail"] == nobody.json()["detail"].replace(unknown, DISPATCH)
        seen = client.get(f"{BASE}/{path.format(DISPATCH)}", headers=keys["CNPOST-operator"])
        assert seen.status_code == 200, path
    viewer = client.get(f"{BASE}/pre-advices/{DISPATCH}", headers=keys["CNPOST-viewer"])
    assert viewer.status_code == 403


def test_an_unknown_office_is_404(client: TestClient, keys: Keys) -> None:
    """A code that is no office of exchange of the network names the offices there are;
    a node that is not an office of exchange (Dongguan's warehouse) is not one either."""
    for code in ("XXNOPE", "CNDGGA"):
        answer = client.post(f"{BASE}/{code}/receptacles", headers=keys["admin"],
                             json={"receptacle_id": label(1)})
        assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM
        assert (answer.json()["code"], answer.json()["field"]) == ("office.unknown_office",
                                                                   "office")
        assert "CNURCA" in answer.json()["detail"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("CNURCA/receptacles", {"receptacle_id": label(1)[:-1] + "X"}, "receptacle_id"),
    ("CNURCA/receptacles", {"receptacle_id": "CNDGGACNURCAXCC60007001010120"},
     "receptacle_id"),  # mail category X
    ("CNURCA/receptacles", {"receptacle_id": label(1), "weighed_kg": 1200}, "weighed_kg"),
    ("CNURCA/receptacles", {"receptacle_id": label(1), "seal": "S" * 40}, "seal"),
    ("CNURCA/receptacles", {"receptacle_id": label(1), "at": "2026-11-24T10:00:00"}, "at"),
    ("CNURCA/items", {"item_id": "CA000000015CN"}, "item_id"),  # wrong check digit
    ("CNURCA/items", {"item_id": ITEMS[0], "receptacle_id": "BAG-1"}, "receptacle_id"),
    ("CNURCA/items", {"item_id": ITEMS[0], "at": "2026-11-24T10:00:00"}, "at"),
    ("CNURCA/items", {"item_id": ITEMS[0], "goods": ["plutonium"]}, "goods"),
    (f"CNURCA/items/{ITEMS[0]}/hold", {"reason": "contraband"}, "reason"),
    (f"CNURCA/items/{ITEMS[0]}/hold", {"reason": "customs", "at": "2026-11-24 10:00"}, "at"),
    (f"CNURCA/items/{ITEMS[0]}/return", {"note": "x" * 501}, "note"),
    ("pre-advices", pre_advice(dispatch_id="CNDGGACNURCADCC6000"), "dispatch_id"),
    ("pre-advices", pre_advice(year=2025), "year"),
    ("pre-advices", pre_advice(receptacles=[{"receptacle_id": "CNURCAKZALAACCC60042001010153"}]),
     "receptacles"),
])
def test_a_bad_value_is_a_400_naming_its_field(client: TestClient, keys: Keys, path: str,
                                               body: dict[str, Any], field: str) -> None:
    answer = client.post(f"{BASE}/{path}", json=body, headers=keys["admin"])
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == PROBLEM and answer.json()["field"] == field


def test_bad_query_and_path_values_name_their_field(client: TestClient, keys: Keys) -> None:
    held = client.get(f"{BASE}/{OFFICE}/held", params={"reason": "lost"}, headers=keys["admin"])
    assert held.status_code == 400 and held.json()["field"] == "reason"
    note = client.get(f"{BASE}/dispatches/CNDGGA/verification", headers=keys["admin"])
    assert note.status_code == 400 and note.json()["field"] == "dispatch_id"
    too_many = client.get(f"{BASE}/{OFFICE}/held", params={"limit": 10_001},
                          headers=keys["admin"])
    assert too_many.status_code == 422 and too_many.json()["field"] == "limit"
    not_received = client.post(f"{BASE}/{OFFICE}/receptacles/{label(1)}/open",
                               headers=keys["admin"])
    assert not_received.status_code == 404
    assert not_received.json()["code"] == "office.receptacle_not_received"


def test_a_pre_advice_past_its_bounds_is_refused_cleanly(client: TestClient,
                                                         keys: Keys) -> None:
    """Over 16 MiB: 413 before it is parsed; 1,000 receptacles: 422 naming them; over 100,000
    items in all: 400 from the domain; not JSON: 422."""
    admin = keys["admin"]
    huge = client.post(f"{BASE}/pre-advices", headers={**admin, "Content-Type":
                                                       "application/json"},
                       content=b" " * (16 * 1024 * 1024 + 1))
    assert huge.status_code == 413 and huge.json()["code"] == "request.too_large"
    bags = [{"receptacle_id": f"{DISPATCH}{n:03d}010120"} for n in range(1, 1000)]
    thousand = client.post(f"{BASE}/pre-advices", headers=admin,
                           json=pre_advice(receptacles=[*bags, bags[0]]))
    assert thousand.status_code == 422 and thousand.json()["field"] == "receptacles"
    many = [{"receptacle_id": f"{DISPATCH}{n:03d}010120",
             "items": [s10.build("CB", n * 1000 + i, "CN") for i in range(1000)]}
            for n in range(1, 102)]
    too_many = client.post(f"{BASE}/pre-advices", headers=admin,
                           json=pre_advice(receptacles=many))
    assert too_many.status_code == 400 and "100,000 items" in too_many.json()["detail"]
    broken = client.post(f"{BASE}/pre-advices", headers=admin, content=b"{\"dispatch_id\":")
    assert broken.status_code == 422 and broken.json()["field"] == "(body)"
    assert client.get(f"{BASE}/pre-advices/{DISPATCH}", headers=admin).status_code == 404
