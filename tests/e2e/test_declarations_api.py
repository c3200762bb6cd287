"""The declarations API over HTTP, on the fake, SQLite and PostgreSQL: a broker declares and
reads its own; another broker's reference is a 404 like one nobody used; admins and operators
read every broker's; viewers and other partners' keys are refused; malformed bodies and
parameters are problems naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkpost.api.access import access_of, routes_of
from silkpost.api.app import create_app
from silkpost.api.routers.declarations import MAX_BODY_BYTES, MAX_RECORDS
from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners.service import issue_key, operator_key
from tests.unit.customs.declaration_records import record, register_broker

URL = "/api/v1/declarations"
Keys = dict[str, dict[str, str]]


@pytest.fixture
def keys(any_platform: Platform) -> Keys:
    p = any_platform
    register_broker(p, "BRK-A")
    register_broker(p, "BRK-B")
    register_broker(p, "KAZPOST", PartnerKind.POST)

    def auth(text: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {text}"}

    found = {"admin": auth(operator_key(uow=p.partner_uow, clock=p.clock).text)}
    for code in ("BRK-A", "BRK-B", "KAZPOST"):
        for role in (Role.PARTNER, Role.OPERATOR, Role.VIEWER):
            found[f"{code}-{role.value}"] = auth(issue_key(code, role, uow=p.partner_uow(),
                                                           clock=p.clock).text)
    return found


@pytest.fixture
def client(any_platform: Platform) -> TestClient:
    return TestClient(create_app(any_platform))


def test_a_broker_declares_and_each_record_is_answered(client: TestClient, keys: Keys) -> None:
    body = [record("D-1"), record("D-2", currency="XYZ", lines=[]), "a string",
            record("D-1"), record("D-1", gross_weight_kg="2")]
    answer = client.post(URL, json=body, headers=keys["BRK-A-partner"])
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert (out["received"], out["stored"], out["duplicates"], out["conflicts"],
            out["refused"]) == (5, 1, 1, 1, 2)
    assert [(r["position"], r["reference"], r["outcome"]) for r in out["results"]] == [
        (1, "D-1", "stored"), (2, "D-2", "refused"), (3, None, "refused"),
        (4, "D-1", "duplicate"), (5, "D-1", "conflict")]
    assert {p["field"] for p in out["results"][1]["problems"]} >= {"currency", "lines"}
    assert out["results"][2]["problems"][0]["field"] == "(record)"
    assert out["results"][4]["problems"][0]["field"] == "reference"
    again = client.post(URL, json={"declarations": [record("D-1")]},
                        headers=keys["BRK-A-partner"]).json()
    assert (again["stored"], again["duplicates"]) == (0, 1)
    slashed = client.post(URL, json=[record("D-2026/001")], headers=keys["BRK-A-partner"])
    assert slashed.json()["stored"] == 1
    assert client.get(f"{URL}/D-2026/001", headers=keys["BRK-A-partner"]).json()[
        "reference"] == "D-2026/001"
    trail = client.get("/api/v1/audit", headers=keys["admin"]).json()["entries"]
    [first] = [e for e in trail if e["action"] == f"POST {URL}" and e["counts"]["received"] == 5]
    assert first["objects"] == ["BRK-A", "D-1"] and first["partner"] == "BRK-A"
    assert (first["counts"]["stored"], first["counts"]["refused"]) == (1, 2)
    one = client.get(f"{URL}/D-1", headers=keys["BRK-A-partner"]).json()
    assert (one["broker"], one["status"], one["regime"], one["item_id"]) == (
        "BRK-A", "received", "9610", "CA000000014CN")
    assert one["declaration"]["lines"][0]["hs_code"] == "392690"


def test_another_brokers_reference_is_as_one_nobody_used(client: TestClient,
                                                         keys: Keys) -> None:
    client.post(URL, json=[record("D-1"), record("D-7")], headers=keys["BRK-A-partner"])
    hidden = client.get(f"{URL}/D-1", headers=keys["BRK-B-partner"])
    nobody = client.get(f"{URL}/D-404", headers=keys["BRK-B-partner"])
    assert hidden.status_code == nobody.status_code == 404
    assert hidden.json()["code"] == nobody.json()["code"]
    assert hidden.json()["detail"] == nobody.json()["detail"].replace("D-404", "D-1")
    assert client.get(URL, headers=keys["BRK-B-partner"]).json()["items"] == []
    mine = client.get(URL, headers=keys["BRK-A-partner"]).json()["items"]
    assert sorted(d["reference"] for d in mine) == ["D-1", "D-7"]
    # A broker names only itself; B's own D-1 is B's.
    named = client.get(URL, params={"broker": "BRK-A"}, headers=keys["BRK-B-partner"])
    assert named.status_code == 403 and named.json()["field"] == "broker"
    client.post(URL, json=[record("D-1", freight="1")], headers=keys["BRK-B-partner"])
    theirs = client.get(f"{URL}/D-1", headers=keys["BRK-B-partner"]).json()
    assert theirs["broker"] == "BRK-B" and theirs["declaration"]["freight"] == "1"


def test_admins_and_operators_read_every_brokers(client: TestClient, keys: Keys) -> None:
    client.post(URL, json=[record("D-1")], headers=keys["BRK-A-partner"])
    client.post(URL, json=[record("D-1"), record("D-2")], headers=keys["BRK-B-partner"])
    for who in ("admin", "KAZPOST-operator", "BRK-A-operator"):
        every = client.get(URL, headers=keys[who]).json()["items"]
        assert sorted((d["broker"], d["reference"]) for d in every) == [
            ("BRK-A", "D-1"), ("BRK-B", "D-1"), ("BRK-B", "D-2")], who
        only_b = client.get(URL, params={"broker": "brk-b"}, headers=keys[who]).json()
        assert {d["broker"] for d in only_b["items"]} == {"BRK-B"}
        assert client.get(f"{URL}/D-2", headers=keys[who]).json()["broker"] == "BRK-B"
        several = client.get(f"{URL}/D-1", headers=keys[who])
        assert several.status_code == 409 and several.json()["field"] == "broker"
        assert client.get(f"{URL}/D-1", params={"broker": "BRK-A"},
                          headers=keys[who]).json()["broker"] == "BRK-A"


def test_who_may_not(client: TestClient, keys: Keys) -> None:
    """Viewers read nothing; a post's key is no broker's; operators do not declare; an admin
    declares for a broker it names, and only a registered broker."""
    for who in ("BRK-A-viewer", "KAZPOST-viewer", "KAZPOST-partner"):
        for method, path in (("GET", URL), ("GET", f"{URL}/D-1"), ("POST", URL)):
            answer = client.request(method, path, json=[record()], headers=keys[who])
            assert answer.status_code == 403, (who, method, path)
    assert client.post(URL, json=[record()], headers=keys["BRK-A-operator"]).status_code == 403
    nameless = client.post(URL, json=[record()], headers=keys["admin"])
    assert nameless.status_code == 400 and nameless.json()["field"] == "broker"
    post = client.post(URL, params={"broker": "KAZPOST"}, json=[record()],
                       headers=keys["admin"])
    assert post.status_code == 400 and post.json()["code"] == "customs.not_a_broker"
    made = client.post(URL, params={"broker": "BRK-A"}, json=[record()], headers=keys["admin"])
    assert made.json()["stored"] == 1
    assert client.get(f"{URL}/D-0001", headers=keys["BRK-A-partner"]).status_code == 200
    other = client.post(URL, params={"broker": "BRK-B"}, json=[record("D-9")],
                        headers=keys["BRK-A-partner"])
    assert other.status_code == 403 and other.json()["field"] == "broker"


def _problem(answer: Any, status: int, field: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["field"] == field


def test_malformed_bodies_are_problems_naming_the_field(client: TestClient,
                                                         keys: Keys) -> None:
    auth = keys["BRK-A-partner"]
    _problem(client.post(URL, content=b"[{", headers=auth), 400, "(body)")
    _problem(client.post(URL, content=b"\xff\xfe", headers=auth), 400, "(body)")
    _problem(client.post(URL, json={"reference": "D-1"}, headers=auth), 400, "(body)")
    _problem(client.post(URL, json=[], headers=auth), 400, "(body)")
    _problem(client.post(URL, content=b"a,b\n", headers={**auth, "content-type": "text/csv"}),
             400, "content-type")
    many = client.post(URL, json=[{}] * (MAX_RECORDS + 1), headers=auth)
    _problem(many, 400, "(body)")
    assert f"at most {MAX_RECORDS:,}" in many.json()["detail"]
    big = json.dumps([record()] + [{}] * 10).encode()[:-1] + b" " * MAX_BODY_BYTES + b"]"
    _problem(client.post(URL, content=big, headers={**auth, "content-type":
                                                    "application/json"}), 413, "(body)")
    assert client.get(URL, headers=auth).json()["items"] == []  # nothing half-written


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"since": "2026-12-01T00:00:00"}, 400, "since"),
    ({"cursor": "nonsense"}, 400, "cursor"),
    ({"regime": "9999"}, 422, "regime"),
    ({"status": "lost"}, 422, "status"),
    ({"limit": "0"}, 422, "limit"),
    ({"broker": "B" * 40}, 422, "broker"),
])
def test_malformed_parameters_are_problems_naming_the_field(
    client: TestClient, keys: Keys, params: dict[str, str], status: int, field: str
) -> None:
    _problem(client.get(URL, params=params, headers=keys["admin"]), status, field)


def test_pages_and_filters(client: TestClient, keys: Keys) -> None:
    auth = keys["BRK-A-partner"]
    body = [record(f"D-{n}", **({"regime": "9710", "ebp_code": None} if n % 2 else {}))
            for n in range(7)]
    assert client.post(URL, json=body, headers=auth).json()["stored"] == 7
    seen, cursor = [], None
    while True:
        page = client.get(URL, params={"limit": 3, **({"cursor": cursor} if cursor else {})},
                          headers=auth).json()
        seen += [d["reference"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"D-{n}" for n in range(7)) and len(seen) == 7
    b2b = client.get(URL, params={"regime": "9710"}, headers=auth).json()["items"]
    assert sorted(d["reference"] for d in b2b) == ["D-1", "D-3", "D-5"]
    later = client.get(URL, params={"since": "2099-01-01T00:00:00+00:00"}, headers=auth)
    assert later.json()["items"] == []
    released = client.get(URL, params={"status": "released"}, headers=auth).json()
    assert released["items"] == []


def test_the_routes_declare_their_roles(any_platform: Platform) -> None:
    """The table of docs/partners.md, as the routes declare it (admin always included)."""
    rules = {(r.path, m): access_of(r) for r in routes_of(create_app(any_platform))
             for m in r.methods if r.path.startswith(URL)}
    assert rules == {
        (URL, "POST"): [frozenset({Role.PARTNER, Role.ADMIN})],
        (URL, "GET"): [frozenset({Role.PARTNER, Role.OPERATOR, Role.ADMIN})],
        (f"{URL}/{{reference:path}}", "GET"): [frozenset({Role.PARTNER, Role.OPERATOR,
                                                          Role.ADMIN})],
    }


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
_FIELDS = [*sorted(record()), "direction", "category", "buyer", "inventory_no"]


@st.composite
def _hostile(draw: st.DrawFn) -> Any:
    """A valid record with one to three fields replaced by any JSON, or any JSON at all."""
    if draw(st.booleans()):
        return draw(_JSON)
    found = record(draw(st.from_regex(r"[A-Z]-[0-9]{1,4}", fullmatch=True)))
    for name in draw(st.lists(st.sampled_from(_FIELDS), min_size=1, max_size=3)):
        found[name] = draw(_JSON)
    return found


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=st.lists(_hostile(), min_size=1, max_size=5))
def test_hostile_records_are_answered_one_by_one(memory_platform: Platform,
                                                 body: list[Any]) -> None:
    """A broker's body of damaged records: each gets its result (never a server error), and a
    refused one names at least one field with a reason."""
    client, auth = _broker_client(memory_platform)
    answer = client.post(URL, json=body, headers=auth)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["position"] for r in results] == list(range(1, len(body) + 1))
    for r in results:
        if r["outcome"] == "refused":
            assert r["problems"] and all(p["field"] and p["reason"] for p in r["problems"])


_CLIENTS: dict[int, tuple[TestClient, dict[str, str]]] = {}


def _broker_client(platform: Platform) -> tuple[TestClient, dict[str, str]]:
    """One app and broker key per platform (the examples of one test share them)."""
    if id(platform) not in _CLIENTS:
        _CLIENTS.clear()
        register_broker(platform, "BRK-A")
        key = issue_key("BRK-A", Role.PARTNER, uow=platform.partner_uow(),
                        clock=platform.clock).text
        _CLIENTS[id(platform)] = (TestClient(create_app(platform)),
                                  {"Authorization": f"Bearer {key}"})
    return _CLIENTS[id(platform)]
