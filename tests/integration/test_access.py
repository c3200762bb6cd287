"""The access dependency on a small application: 401, 403, roles, sessions, revocation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from silkpost.api import access, problems
from silkpost.api.access import PUBLIC, SESSION_COOKIE, AnyCaller, access_of, allow, sessions
from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind, Role
from silkpost.partners import service

router = APIRouter()


@router.get("/open", dependencies=[PUBLIC])
def _open() -> dict[str, str]:
    return {"who": "anyone"}


@router.get("/read")
def _read(caller: AnyCaller) -> dict[str, str]:
    return {"who": caller.partner.code, "role": caller.role.value}


@router.post("/write", dependencies=[allow(Role.PARTNER, Role.OPERATOR)])
def _write() -> dict[str, str]:
    return {"done": "yes"}


@router.post("/admin", dependencies=[allow()])
def _admin() -> dict[str, str]:
    return {"done": "yes"}


@pytest.fixture
def app(any_platform: Platform) -> Iterator[tuple[TestClient, Platform]]:
    application = FastAPI()
    application.state.platform = any_platform
    problems.install(application)
    application.include_router(router)
    service.register_partner("KAZPOST", "Kazpost", PartnerKind.POST, uow=any_platform.partner_uow(),
                             clock=any_platform.clock, known_nodes=set(), known_services=set())
    with TestClient(application) as client:
        yield client, any_platform


def _key(p: Platform, role: Role) -> str:
    return service.issue_key("KAZPOST", role, uow=p.partner_uow(), clock=p.clock).text


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Basic a2V5Og=="}, {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-key"},
    {"Authorization": "Bearer sp_k000000000000_" + "A" * 43},
])
def test_no_usable_key_is_401_with_a_challenge(app: tuple[TestClient, Platform],
                                              headers: dict[str, str]) -> None:
    client, _ = app
    answer = client.get("/read", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="silkpost"'
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "authorization"
    assert client.get("/open", headers=headers).status_code == 200


@pytest.mark.parametrize(("role", "write", "admin"), [
    (Role.VIEWER, 403, 403), (Role.PARTNER, 200, 403), (Role.OPERATOR, 200, 403),
    (Role.ADMIN, 200, 200),
])
def test_roles_decide_what_a_good_key_may_do(app: tuple[TestClient, Platform], role: Role,
                                             write: int, admin: int) -> None:
    client, platform = app
    key = _key(platform, role)
    assert client.get("/read", headers=_auth(key)).json() == {"who": "KAZPOST",
                                                             "role": role.value}
    assert client.post("/write", headers=_auth(key)).status_code == write
    forbidden = client.post("/admin", headers=_auth(key))
    assert forbidden.status_code == admin
    if admin == 403:
        assert "needs: admin" in forbidden.json()["detail"]


def test_a_revoked_key_stops(app: tuple[TestClient, Platform],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "CACHE_SECONDS", 0.0)
    client, platform = app
    issued = service.issue_key("KAZPOST", "partner", uow=platform.partner_uow(),
                               clock=platform.clock)
    assert client.get("/read", headers=_auth(issued.text)).status_code == 200
    service.revoke_key(issued.key.key_id, uow=platform.partner_uow(), clock=platform.clock)
    answer = client.get("/read", headers=_auth(issued.text))
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]


def test_a_signed_session_stands_for_its_key_until_the_key_ends(
    app: tuple[TestClient, Platform]
) -> None:
    client, platform = app
    issued = service.issue_key("KAZPOST", "viewer", uow=platform.partner_uow(),
                               clock=platform.clock)
    cookie = sessions(platform.settings.session_secret).dumps(issued.key.key_id)
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get("/read").json()["role"] == "viewer"
    client.cookies.set(SESSION_COOKIE, cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert client.get("/read").status_code == 401
    forged = sessions("another server's secret").dumps(issued.key.key_id)
    client.cookies.set(SESSION_COOKIE, forged)
    assert client.get("/read").status_code == 401
    client.cookies.set(SESSION_COOKIE, cookie)
    service.revoke_key(issued.key.key_id, uow=platform.partner_uow(), clock=platform.clock)
    assert client.get("/read").status_code == 401


def test_every_route_of_the_small_app_declares_one_rule() -> None:
    rules = {r.path: access_of(r) for r in router.routes if isinstance(r, APIRoute)}
    assert rules["/open"] == ["public"]
    assert rules["/admin"] == [frozenset({Role.ADMIN})]
    assert rules["/write"] == [frozenset({Role.ADMIN, Role.PARTNER, Role.OPERATOR})]
    assert rules["/read"] == [frozenset(Role)]
