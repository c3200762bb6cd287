"""The supervisor's screen of an office and the dashboard's same-day shares, as served: what
must still leave (overdue first), the hold area with ages, and who made the same day."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain import s10
from silkpost.partners.service import operator_key
from silkpost.tracking.service import ingest
from tests.factories import event, numbered

OFFICE = "CNURCA"
ITEMS = [s10.build("CA", n, "CN") for n in range(501, 504)]


def test_the_supervisor_sees_what_is_late_and_the_dashboard_the_share(
        sqlite_platform: Platform, clock: FixedClock) -> None:
    p = sqlite_platform
    ingest(numbered([event(i, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
                           payload={"destination": "KZALAA"}) for i in ITEMS]),
           uow=p.uow(), clock=p.clock, source="CAINIAO")
    key = {"Authorization": f"Bearer {operator_key(uow=p.partner_uow, clock=p.clock).text}"}
    with TestClient(create_app(p)) as client:
        for item in ITEMS:
            assert client.post(f"/api/v1/offices/{OFFICE}/items", headers=key,
                               json={"item_id": item}).status_code == 200
        assert client.post(f"/api/v1/offices/{OFFICE}/items/{ITEMS[2]}/hold", headers=key,
                           json={"reason": "security", "note": "x-ray"}).status_code == 200
        bag = client.post(f"/api/v1/offices/{OFFICE}/bags", headers=key,
                          json={"destination": "KZALAA"}).json()["bag_id"]
        client.post(f"/api/v1/offices/{OFFICE}/bags/{bag}/items", headers=key,
                    json={"item_id": ITEMS[0]})
        dispatch = client.post(f"/api/v1/offices/{OFFICE}/bags/{bag}/close", headers=key,
                               json={"weight_kg": 1.0, "last": True}).json()["dispatch_id"]
        assert client.post(f"/api/v1/offices/{OFFICE}/dispatches/{dispatch}/handover",
                           headers=key, json={"mode": "truck", "reference": "XJ A1"}
                           ).status_code == 200
        clock.moment += timedelta(hours=13)  # past Urumqi's midnight: the second is late
        page = client.get(f"/office/{OFFICE}?lang=en", headers=key)
        assert page.status_code == 200
        html = page.text
        assert re.search(r'id="overdue">1<', html) and re.search(r'id="waiting">1<', html)
        assert ITEMS[1] in html and 'class="late"' in html
        assert re.search(r'id="held">1<', html) and "x-ray" in html
        assert ITEMS[0] not in html  # it left with its dispatch
        assert re.search(r'id="same-day">50%<', html)  # of two due, one left in time
        assert '<meta http-equiv="refresh" content="60">' in html
        dashboard = client.get("/dashboard?lang=en", headers=key).text
        row = re.search(r'<tr data-office="CNURCA">.*?</tr>', dashboard, re.S)
        assert row is not None and "50 %" in row.group(0)
        assert client.get("/office/CNDGGA", headers=key).status_code == 404  # a warehouse


def test_the_office_screens_refuse_bad_addresses_without_breaking(
        sqlite_platform: Platform) -> None:
    """An unknown office, an over-long code, a warehouse, a refresh out of range, a lang that
    is no language: each a 4xx naming what is wrong, never a 5xx or a traceback."""
    p = sqlite_platform
    key = {"Authorization": f"Bearer {operator_key(uow=p.partner_uow, clock=p.clock).text}"}
    with TestClient(create_app(p), raise_server_exceptions=False) as client:
        for path, status, named in (
                ("/office/ZZZZZZ", 404, "office"), ("/office/ZZZZZZ/scan", 404, "office"),
                ("/office/" + "X" * 200, 422, "code"), ("/office/CNDGGA/scan", 404, "office"),
                ("/office/CNURCA?refresh=-1", 422, "refresh"),
                ("/office/CNURCA?refresh=abc", 422, "refresh")):
            answer = client.get(path, headers=key)
            assert answer.status_code == status, (path, answer.text)
            assert named in answer.text and "Traceback" not in answer.text, path
        assert client.get("/office/CNURCA/scan?lang=xx", headers=key).status_code == 200
