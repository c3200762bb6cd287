"""Point 4 of issue 15: no value breaks the read side.

Times outside the one window (domain/times.py: 2000-01-01 to 2100-01-01 UTC) are refused at
the edge, with the field named, for every time a caller can send; a notice an older store holds
with such a time is still shown, fed and withdrawable; control characters never reach XML.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from typer.testing import CliRunner

from silkpost.bootstrap import Platform
from silkpost.cli import app as cli
from silkpost.domain import times
from silkpost.store.schema import notices as notices_table
from silkpost.tracking import validation
from tests.hostile.readside_support import client_fixture, store_fixture  # noqa: F401

FAR = ["0001-01-01T00:00+05:00", "9999-12-31T23:59:59-05:00", "1999-12-31T23:59:59Z",
       "2100-01-01T00:00:01Z"]
YEAR_1_US = -62_135_614_800_000_000  # 0001-01-01T00:00+05:00
YEAR_9999_US = 253_402_318_799_000_000  # 9999-12-31T23:59:59-05:00
runner = CliRunner()


def problem_field(response: object) -> str:
    body = response.json()  # type: ignore[attr-defined]
    return str(body["field"])


def test_events_use_the_window_s_lower_bound() -> None:
    """Events and everything else share one bound (EARLIEST_PLAUSIBLE is the window's)."""
    assert validation.EARLIEST_PLAUSIBLE is times.EARLIEST


@pytest.mark.parametrize("moment", FAR)
@pytest.mark.parametrize("field", ["valid_from", "valid_until"])
def test_notice_times_outside_the_window_are_refused(client: TestClient, moment: str,
                                                     field: str) -> None:
    """POST /api/v1/notices with a far time is a 400 naming the field, and stores nothing."""
    body = {"title": {"en": "x"}, "severity": "info", "publish": True,
            "valid_from": "2026-11-01T00:00Z", field: moment}
    if field == "valid_from":
        body["valid_until"] = None
    response = client.post("/api/v1/notices", json=body)
    assert response.status_code == 400, response.text
    assert problem_field(response) == field
    assert client.get("/api/v1/notices").json()["items"] == []


def test_the_cli_refuses_far_notice_times(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``silkpost notice create --until 9999-...`` exits 2 with the field named."""
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = runner.invoke(cli, ["notice", "create", "--title-en", "x", "--severity", "info",
                                 "--from", "2026-11-01T00:00Z", "--until", FAR[1]])
    assert result.exit_code == 2, result.output
    assert "valid_until" in result.output and "Traceback" not in result.output


def seed_far_notices(store: Platform) -> None:
    """Two published notices as an older Silkpost stored them, past today's checks, plus one
    with control characters in its texts."""
    base = {"body": "{}", "severity": "info", "nodes": "[]", "services": "[]",
            "created_us": 1_790_000_000_000_000, "published_us": 1_790_000_000_000_000,
            "withdrawn_us": None}
    rows = [
        {**base, "notice_id": "N-2026-0001", "title": '{"en":"from year one"}',
         "valid_from_us": YEAR_1_US, "valid_until_us": None},
        {**base, "notice_id": "N-2026-0002", "title": '{"en":"until 9999"}',
         "valid_from_us": 1_780_000_000_000_000, "valid_until_us": YEAR_9999_US},
        {**base, "notice_id": "N-2026-0003",
         "title": json.dumps({"en": "bell\x07 esc\x1b[31m nul\x00 ok"}),
         "body": json.dumps({"en": "line\x0bfeed\ufffe"}),
         "valid_from_us": 1_780_000_000_000_000, "valid_until_us": None},
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(notices_table), rows)


def test_old_far_notices_break_no_page_and_can_be_withdrawn(store: Platform,
                                                            client: TestClient) -> None:
    """Notices with year-1 and year-9999 times in the store: the tracking page (any id), the
    dashboard, the notices API and the feed answer 200, and both notices can be withdrawn."""
    seed_far_notices(store)
    for path in ["/track?id=CA000000014CN", "/track?id=NOPE", "/dashboard", "/api/v1/notices",
                 "/api/v1/notices/N-2026-0001", "/notices.atom?lang=ru"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    listed = {n["id"]: n for n in client.get("/api/v1/notices").json()["items"]}
    assert listed["N-2026-0001"]["state"] == "active"
    assert listed["N-2026-0002"]["state"] == "active"
    for notice_id in ("N-2026-0001", "N-2026-0002"):
        response = client.post(f"/api/v1/notices/{notice_id}/withdraw")
        assert response.status_code == 200, response.text
        assert response.json()["state"] == "withdrawn"
    assert client.get("/api/v1/notices", params={"state": "active"}).json()["items"] == [
        {**listed["N-2026-0003"], "state": "active"}]


def test_control_characters_never_reach_the_feed(store: Platform, client: TestClient) -> None:
    """A stored notice with control characters still gives a well-formed Atom document, and
    the characters are gone from it."""
    seed_far_notices(store)
    response = client.get("/notices.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # raises on characters XML 1.0 forbids
    texts = "".join(root.itertext())
    assert "bell esc[31m nul ok" in texts
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in texts)


@pytest.mark.parametrize("title", ["bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85c1", "\ufffe"])
def test_notices_with_control_characters_are_refused(client: TestClient, title: str) -> None:
    """A title with a control character is a 400 naming the field."""
    response = client.post("/api/v1/notices", json={
        "title": {"en": title}, "severity": "info", "valid_from": "2026-11-01T00:00Z"})
    assert response.status_code == 400, response.text
    assert problem_field(response) == "title"


@pytest.mark.parametrize("moment", FAR)
def test_plans_and_sort_plans_refuse_far_times(client: TestClient, moment: str) -> None:
    """Route plans (ready, latest), Pareto plans and sort plans (at): a 400 naming it."""
    plan = {"from": "CNURCA", "to": "KZALAA", "ready": "2026-11-24T09:00+08:00"}
    for path, body, field in [
        ("/api/v1/routes/plan", {**plan, "ready": moment}, "ready"),
        ("/api/v1/routes/pareto", {**plan, "ready": moment}, "ready"),
        ("/api/v1/routes/plan", {**plan, "latest": moment}, "latest"),
    ]:
        response = client.post(path, json=body)
        assert response.status_code == 400, (path, field, response.text)
        assert problem_field(response) == field
    response = client.get("/api/v1/offices/CNURCA/sort-plan", params={"at": moment})
    assert response.status_code == 400, response.text
    assert problem_field(response) == "at"


@pytest.mark.parametrize("args", [
    ["plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", "0001-01-01T00:00:00+05:00"],
    ["plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", "9999-12-31T23:59:59-05:00",
     "--pareto"],
    ["network", "sortplan", "CNURCA", "--at", "0001-01-01T00:00:00+05:00"],
])
def test_the_cli_refuses_far_plan_times(args: list[str]) -> None:
    """``silkpost plan`` and ``silkpost network sortplan``: exit 2 naming the field."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert ("ready" in result.output or "at" in result.output)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("params", [
    {"since": "0001-01-01T00:00:00+05:00"}, {"since": "9999-12-31T23:59:59-05:00"},
    {"cursor": f"{10**30}~CA000000014CN"}, {"cursor": f"-{10**30}~CA000000014CN"},
    {"cursor": f"{2**63}~CA000000014CN"},
])
def test_listing_refuses_far_since_and_cursors(client: TestClient,
                                               params: dict[str, str]) -> None:
    """GET /api/v1/items: a far ``since`` or a cursor number past the window is a 400 naming
    the parameter (a 30-digit cursor overflowed PostgreSQL's bigint into a 500)."""
    response = client.get("/api/v1/items", params=params)
    assert response.status_code == 400, response.text
    assert problem_field(response) == next(iter(params))


@pytest.mark.parametrize("params", [{"since": "0001-01-01"}, {"until": "9999-12-31"}])
def test_analytics_periods_refuse_far_days(client: TestClient, params: dict[str, str]) -> None:
    """Analytics and the dashboard refuse days outside the window, naming the parameter."""
    for path in ["/api/v1/analytics/summary", "/api/v1/analytics/volumes"]:
        response = client.get(path, params=params)
        assert response.status_code == 400, (path, response.text)
        assert problem_field(response) == next(iter(params))
    assert client.get("/dashboard", params=params).status_code == 400


def test_the_feed_builder_strips_what_xml_cannot_carry() -> None:
    """Whatever text reaches the Atom builder, the document parses."""
    from datetime import UTC, datetime

    from silkpost.domain.notices import Notice
    from silkpost.notices import atom

    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    notice = Notice(notice_id="N-2026-0001", title={"en": "ok"}, body={"en": "two\nlines"},
                    severity="info", nodes=(), services=(), valid_from=t0, valid_until=None,
                    created_at=t0, published_at=t0)
    object.__setattr__(notice, "title", {"en": "esc\x1b bell\x07"})  # past the checks
    root = ET.fromstring(atom.feed([notice], lang="en", base_url="https://p.example", now=t0))
    assert "esc bell" in "".join(root.itertext()) and "two\nlines" in "".join(root.itertext())
