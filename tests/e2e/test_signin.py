"""Signing in to the pages, signing out, and the audit log the API writes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from silkpost.api.access import SESSION_COOKIE
from silkpost.api.app import create_app
from silkpost.audit.service import entries
from silkpost.bootstrap import Platform
from silkpost.domain.partners import Role
from silkpost.partners.service import issue_key, operator_key, revoke_key
from silkpost.web.signin import csrf_token


@pytest.fixture
def browser(sqlite_platform: Platform) -> TestClient:
    return TestClient(create_app(sqlite_platform), follow_redirects=False)


def test_the_form_signs_in_and_a_wrong_key_says_why_in_the_page_language(
    browser: TestClient, sqlite_platform: Platform
) -> None:
    wrong = browser.post("/signin", content="key=sp_k000000000000_" + "A" * 43 + "&lang=ru",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert wrong.status_code == 401 and "Этот ключ не подходит" in wrong.text
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    key = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text
    right = browser.post("/signin", data={"key": key, "next": "/dashboard?lang=kk"})
    assert right.status_code == 200 and "/dashboard?lang=kk" in right.text
    assert browser.get("/dashboard?lang=kk").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil",
                                    "javascript:alert(1)"])
def test_no_sign_in_leads_off_this_server(browser: TestClient, sqlite_platform: Platform,
                                          target: str) -> None:
    key = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text
    page = browser.get("/signin", params={"key": key, "next": target})
    assert page.status_code == 200
    assert 'content="0; url=/dashboard"' in page.text and "evil" not in page.text


def test_a_viewer_signs_in_but_a_partner_key_may_not_open_the_dashboard(
    browser: TestClient, sqlite_platform: Platform
) -> None:
    operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock)
    viewer = issue_key("OPERATOR", Role.VIEWER, uow=sqlite_platform.partner_uow(),
                       clock=sqlite_platform.clock)
    partner = issue_key("OPERATOR", Role.PARTNER, uow=sqlite_platform.partner_uow(),
                        clock=sqlite_platform.clock)
    browser.get("/signin", params={"key": viewer.text})
    assert browser.get("/dashboard").status_code == 200
    revoke_key(viewer.key.key_id, uow=sqlite_platform.partner_uow(),
               clock=sqlite_platform.clock)
    assert browser.get("/dashboard").status_code == 303  # the session ends with its key
    browser.get("/signin", params={"key": partner.text})
    assert browser.get("/dashboard").status_code == 403


def test_sign_out_needs_the_session_token(browser: TestClient,
                                          sqlite_platform: Platform) -> None:
    key = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text
    browser.get("/signin", params={"key": key})
    session = browser.cookies.get(SESSION_COOKIE)
    assert session
    assert browser.post("/signout", data={"csrf": "guessed"}).status_code == 403
    assert browser.get("/dashboard").status_code == 200  # still signed in
    token = csrf_token(session, sqlite_platform.settings.session_secret)
    assert f'name="csrf" value="{token}"' in browser.get("/dashboard").text  # its form
    out = browser.post("/signout", data={"csrf": token})
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert browser.get("/dashboard").status_code == 303


def test_a_failed_write_is_audited_and_a_read_is_not(sqlite_platform: Platform) -> None:
    key = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock)
    with TestClient(create_app(sqlite_platform)) as client:
        assert client.get("/api/v1/items",
                          headers={"Authorization": f"Bearer {key.text}"}).status_code == 200
        refused = client.post("/api/v1/events", json=[],
                              headers={"Authorization": "Bearer sp_k000000000000_" + "A" * 43})
        assert refused.status_code == 401
        bad = client.post("/api/v1/events", json=[{"object_id": "RR123456785CN"}],
                          headers={"Authorization": f"Bearer {key.text}"})
        assert bad.status_code == 200 and bad.json()["rejected"] == 1
        log = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {key.text}"})
    found = [e for _, e in entries(uow=sqlite_platform.audit_uow())]
    assert [(e.status, e.partner, e.key_id) for e in found] == [
        (200, "OPERATOR", key.key.key_id), (401, None, "k000000000000")]
    assert found[0].counts == {"received": 1, "accepted": 0, "duplicates": 0, "rejected": 1}
    assert "not known" in found[1].detail
    assert all(e.action.startswith("POST /api/v1/events") for e in found)
    assert [e["status"] for e in log.json()["entries"]] == [200, 401]


def test_a_key_past_its_rate_limit_gets_429_and_others_do_not(
    sqlite_platform: Platform
) -> None:
    from dataclasses import replace

    sqlite_platform.settings = replace(sqlite_platform.settings, rate_limit_per_minute=3)
    busy = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text
    calm = operator_key(uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text
    with TestClient(create_app(sqlite_platform)) as client:
        answers = [client.get("/api/v1/items", headers={"Authorization": f"Bearer {busy}"})
                   for _ in range(4)]
        other = client.get("/api/v1/items", headers={"Authorization": f"Bearer {calm}"})
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = answers[3]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["code"] == "auth.rate_limited"
    assert other.status_code == 200 and other.headers["ratelimit-limit"] == "3"


def test_a_partner_writes_notices_only_about_what_it_operates(
    sqlite_platform: Platform
) -> None:
    from silkpost.domain.partners import PartnerKind
    from silkpost.partners.service import register_partner

    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, nodes=("KZALAA",),
                     uow=sqlite_platform.partner_uow(), clock=sqlite_platform.clock,
                     known_nodes=sqlite_platform.known_nodes(),
                     known_services=sqlite_platform.known_services())
    kazpost = {"Authorization": "Bearer " + issue_key(
        "KAZPOST", Role.PARTNER, uow=sqlite_platform.partner_uow(),
        clock=sqlite_platform.clock).text}
    admin = {"Authorization": "Bearer " + operator_key(
        uow=sqlite_platform.partner_uow, clock=sqlite_platform.clock).text}

    def notice(*nodes: str) -> dict[str, object]:
        return {"title": {"en": "Hours changed"}, "severity": "info", "nodes": list(nodes),
                "valid_from": "2026-11-24T08:00:00+05:00"}

    with TestClient(create_app(sqlite_platform)) as client:
        assert client.post("/api/v1/notices", json=notice("KZALAA"),
                           headers=kazpost).status_code == 201
        for nodes in (("CNHRS-XS",), ("KZALAA", "CNHRS-XS"), ()):
            refused = client.post("/api/v1/notices", json=notice(*nodes), headers=kazpost)
            assert refused.status_code == 403, nodes
        assert "CNHRS-XS" in refused.json()["detail"] or "whole network" in refused.json()[
            "detail"]
        theirs = client.post("/api/v1/notices", json=notice("CNHRS-XS"), headers=admin).json()
        assert client.post(f"/api/v1/notices/{theirs['id']}/publish",
                           headers=kazpost).status_code == 403
        assert client.post("/api/v1/notices", json=notice(), headers=admin).status_code == 201
