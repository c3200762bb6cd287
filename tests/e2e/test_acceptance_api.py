"""Acceptance security over HTTP (real app, SQLite): an office's staff record controls and
decide on held items; admins keep the blacklist; who may do what; malformed bodies are 4xx
naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners.service import issue_key, operator_key, register_partner
from tests.unit.customs.test_declarations import RESIDENT

OFFICE = "CNURCA"
ITEMS = [s10.build("CA", n, "CN") for n in range(301, 304)]
PROBLEM = "application/problem+json"
Headers = dict[str, str]


@pytest.fixture
def client(sqlite_platform: Platform) -> TestClient:
    return TestClient(create_app(sqlite_platform))


@pytest.fixture
def keys(sqlite_platform: Platform) -> dict[str, Headers]:
    p = sqlite_platform
    for code, nodes in (("CNPOST", (OFFICE,)), ("KAZPOST", ("KZALAA",))):
        register_partner(code, code.title(), PartnerKind.POST, nodes=nodes,
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())
    found = {"admin": operator_key(uow=p.partner_uow, clock=p.clock).text}
    for code in ("CNPOST", "KAZPOST"):
        found[code] = issue_key(code, Role.OPERATOR, uow=p.partner_uow(), clock=p.clock).text
    return {who: {"Authorization": f"Bearer {text}"} for who, text in found.items()}


def test_staff_record_controls_a_barred_sender_is_held_then_released(
        client: TestClient, keys: dict[str, Headers]) -> None:
    barred = client.post("/api/v1/customs/blacklist", headers=keys["admin"], json={
        "kind": "resident_id", "number": RESIDENT, "reason": "fireworks as toys",
        "source": "case 7", "added_by": "Li"})
    assert barred.status_code == 201, barred.text
    assert barred.json()["entry"] == 1
    sender = {"kind": "resident_id", "number": RESIDENT}
    answer = client.post(f"/api/v1/offices/{OFFICE}/acceptance", headers=keys["CNPOST"], json={
        "operator": "Aizhan", "checks": [
            {"item_id": ITEMS[0], "content": "clear", "xray": "clear"},
            {"item_id": ITEMS[1], "content": "clear", "xray": "clear", "sender": sender}]})
    assert answer.status_code == 200, answer.text
    assert [(a["item_id"], a["held"]) for a in answer.json()] == [(ITEMS[0], False),
                                                                  (ITEMS[1], True)]
    assert "fireworks as toys" in answer.json()[1]["reasons"][0]
    not_held = client.post(f"/api/v1/offices/{OFFICE}/acceptance/decisions",
                           headers=keys["CNPOST"], json={"decision": "released",
                                                         "operator": "Wang",
                                                         "item_ids": [ITEMS[0]]})
    assert not_held.status_code == 409 and not_held.headers["content-type"] == PROBLEM
    released = client.post(f"/api/v1/offices/{OFFICE}/acceptance/decisions",
                           headers=keys["CNPOST"], json={"decision": "released",
                                                         "operator": "Wang",
                                                         "item_ids": [ITEMS[1]]})
    assert released.status_code == 200 and released.json()["item_ids"] == [ITEMS[1]]
    lifted = client.post("/api/v1/customs/blacklist/lift", headers=keys["admin"], json={
        "kind": "resident_id", "number": RESIDENT, "reason": "appeal", "removed_by": "Wang"})
    assert lifted.status_code == 200 and lifted.json() == {"entries": [1]}
    history = client.get("/api/v1/customs/blacklist?all=true", headers=keys["admin"]).json()
    assert [(e["entry"], e["removed_by"]) for e in history] == [(1, "Wang")]
    assert client.get("/api/v1/customs/blacklist", headers=keys["admin"]).json() == []


def test_only_the_offices_staff_and_admins_may(client: TestClient,
                                               keys: dict[str, Headers]) -> None:
    body = {"operator": "A", "checks": [{"item_id": ITEMS[0], "xray": "clear"}]}
    elsewhere = client.post(f"/api/v1/offices/{OFFICE}/acceptance", headers=keys["KAZPOST"],
                            json=body)
    assert elsewhere.status_code == 403
    assert client.get("/api/v1/customs/blacklist", headers=keys["CNPOST"]).status_code == 403
    assert client.post(f"/api/v1/offices/{OFFICE}/acceptance", json=body).status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    ({"operator": "A", "checks": [{"item_id": ITEMS[0], "xray": "maybe"}]}, "xray"),
    ({"operator": "A", "checks": [{"item_id": ITEMS[0]}]}, "checks"),
    ({"operator": "A", "checks": [{"item_id": "CA000000001CN", "xray": "clear"}]}, "item_id"),
    ({"operator": "A", "checks": [{"item_id": ITEMS[0], "xray": "clear", "sender": {
        "kind": "resident_id", "number": "110105194912310021"}}]}, "number"),
    ({"operator": "A", "checks": []}, "checks"),
])
def test_a_malformed_batch_is_a_4xx_naming_the_field_and_nothing_is_written(
        client: TestClient, keys: dict[str, Headers], body: dict[str, object], field: str
        ) -> None:
    answer = client.post(f"/api/v1/offices/{OFFICE}/acceptance", headers=keys["CNPOST"],
                         json=body)
    assert answer.status_code in (400, 422), answer.text
    assert field in answer.text
    timeline = client.get(f"/api/v1/items/{ITEMS[0]}", headers=keys["admin"])
    assert "SKX" not in timeline.text
