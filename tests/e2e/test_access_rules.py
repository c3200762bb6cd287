"""Every route of the application declares who may call it, and the rule holds over HTTP.

The routes are read from the app itself: a route added without a rule fails here, and every
route that is not public is called without a key (401, or the sign-in page for a page) and
with a key whose role it does not let in (403).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from silkpost.api.access import DeclaredRoute, access_of, routes_of
from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.domain.partners import Role
from silkpost.partners.service import issue_key, operator_key

PUBLIC_PATHS = {"/healthz", "/track", "/notices.atom", "/docs", "/docs/start.js", "/redoc",
                "/redoc/start.js", "/redoc/redoc.standalone.js", "/signin", "/signout"}


def _routes(platform: Platform) -> list[DeclaredRoute]:
    return routes_of(create_app(platform))


def _concrete(path: str) -> str:
    samples = {"item_id": "RR123456785CN", "object_id": "RR123456785CN", "kind": "item",
               "notice_id": "N-2026-0001", "lane": "CNURCA>KZALAA", "code": "CNURCA"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: samples.get(m.group(1), "x"), path)


def test_every_route_declares_exactly_one_rule(sqlite_platform: Platform) -> None:
    rules = {(r.path, m): access_of(r) for r in _routes(sqlite_platform) for m in r.methods}
    undeclared = [k for k, v in rules.items() if len(v) != 1]
    assert undeclared == []
    public = {path for (path, _), v in rules.items() if v == ["public"]}
    assert public == PUBLIC_PATHS


def test_no_key_is_refused_everywhere_but_the_public_routes(sqlite_platform: Platform) -> None:
    with TestClient(create_app(sqlite_platform), follow_redirects=False) as client:
        for route in _routes(sqlite_platform):
            if access_of(route) == ["public"]:
                continue
            for method in route.methods:
                answer = client.request(method, _concrete(route.path))
                if route.include_in_schema:
                    assert answer.status_code == 401, (method, route.path)
                    assert answer.headers["www-authenticate"].startswith("Bearer")
                else:  # a page: to the sign-in page, and back after
                    assert answer.status_code == 303, (method, route.path)
                    assert answer.headers["location"].startswith("/signin?next=")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PARTNER, Role.OPERATOR])
def test_a_role_outside_the_rule_is_403(sqlite_platform: Platform, role: Role) -> None:
    operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock)
    key = issue_key("OPERATOR", role, uow=sqlite_platform.partner_uow(),
                    clock=sqlite_platform.clock).text
    refused = 0
    with TestClient(create_app(sqlite_platform), follow_redirects=False,
                    headers={"Authorization": f"Bearer {key}"}) as client:
        for route in _routes(sqlite_platform):
            [rule] = access_of(route)
            if rule == "public" or role in rule:  # type: ignore[operator]
                continue
            for method in route.methods:
                answer = client.request(method, _concrete(route.path))
                assert answer.status_code == 403, (role, method, route.path)
                refused += 1
    assert refused > 0
