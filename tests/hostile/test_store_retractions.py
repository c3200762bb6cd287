"""Issue 15, point 8: a wrong event is retracted by an event that names it and says why.

Today one forged "delivered" (EMI) holds forever, even over later real scans. After its
retraction the status, last place and destination are those the real scans imply, on the
fake, SQLite and PostgreSQL, whatever order the retraction and the forgery arrive in; the
timeline still shows the forgery, marked retracted (API) and struck through (tracking page).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from tests.factories import event
from tests.keys import admin_headers

ITEM = "CA000000014CN"
REAL = [
    event(ITEM, "EMA", "2026-11-20T10:00:00+08:00", location="CNURM", office="CNURCA",
          event_id="c-1", payload={"destination": "KZALA"}),
    event(ITEM, "EMC", "2026-11-21T10:00:00+08:00", location="CNURM", office="CNURCA",
          event_id="c-2"),
]
FORGED = event(ITEM, "EMI", "2026-11-22T10:00:00+06:00", location="KZALA", office="KZALAA",
               event_id="forged-1", payload={"destination": "RUMOW"})
LATER = event(ITEM, "EMD", "2026-11-24T09:00:00+06:00", location="KZALA", office="KZALAA",
              event_id="k-3")


def retraction(retracts: str, reason: str = "delivery keyed in on the wrong parcel",
               at: str = "2026-11-25T12:00:00+06:00") -> dict[str, Any]:
    """An operator's retraction of one of ITEM's events."""
    return event(ITEM, "SXR", at, payload={"retracts": retracts, "reason": reason},
                 source="ops-kz")


@pytest.fixture
def client(any_platform: Platform) -> Iterator[TestClient]:
    """The API on the fake, SQLite and PostgreSQL."""
    with TestClient(create_app(any_platform), headers=admin_headers(any_platform)) as c:
        yield c


def post(client: TestClient, records: list[dict[str, Any]]) -> dict[str, Any]:
    r = client.post("/api/v1/events", json=records)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_forged_delivery_holds_over_real_scans_until_retracted(client: TestClient) -> None:
    """The forged EMI makes the item delivered, even after a later real scan; its retraction
    gives the status, place and destination of the real scans, and the timeline keeps the
    forgery, marked retracted."""
    post(client, [*REAL, FORGED, LATER])
    item = client.get(f"/api/v1/items/{ITEM}").json()
    assert item["status"] == "delivered"  # the terminal status holds: the defect
    assert post(client, [retraction("forged-1")])["accepted"] == 1
    item = client.get(f"/api/v1/items/{ITEM}").json()
    assert (item["status"], item["last_code"], item["last_location"]) == (
        "at_destination", "EMD", "KZALA")
    assert item["destination"] == "KZALA"
    flags = {e["code"]: e["retracted"] for e in item["timeline"]}
    assert flags == {"EMA": False, "EMC": False, "EMI": True, "EMD": False, "SXR": False}
    assert [e["status"] for e in item["timeline"] if e["code"] == "SXR"] == [None]
    listed = client.get("/api/v1/items?status=delivered").json()["items"]
    assert ITEM not in {i["id"] for i in listed}


def test_a_retraction_sent_before_the_forgery_takes_effect_when_it_arrives(
        client: TestClient) -> None:
    """Retractions name events by what they are, not by arrival: a retraction stored before the
    event it names (files arriving out of order) takes effect when that event is stored."""
    post(client, [*REAL, retraction("EMI@2026-11-22T04:00:00Z")])  # same instant, in UTC
    assert client.get(f"/api/v1/items/{ITEM}").json()["status"] == "departed"
    post(client, [FORGED, LATER])
    item = client.get(f"/api/v1/items/{ITEM}").json()
    assert item["status"] == "at_destination"
    assert [e["code"] for e in item["timeline"] if e["retracted"]] == ["EMI"]


def test_a_retraction_of_an_unknown_event_is_stored_without_effect(client: TestClient) -> None:
    """Naming no stored event is not an error (the event may come later): nothing changes."""
    post(client, REAL)
    before = client.get(f"/api/v1/items/{ITEM}").json()
    assert post(client, [retraction("no-such-event")])["accepted"] == 1
    after = client.get(f"/api/v1/items/{ITEM}").json()
    assert {k: v for k, v in after.items() if k != "timeline"} == {
        k: v for k, v in before.items() if k != "timeline"}
    assert not any(e["retracted"] for e in after["timeline"])


@pytest.mark.parametrize(("payload", "field"), [
    (None, "payload.retracts"),
    ({"reason": "wrong parcel"}, "payload.retracts"),
    ({"retracts": "forged-1"}, "payload.reason"),
    ({"retracts": "forged-1", "reason": "   "}, "payload.reason"),
    ({"retracts": 7, "reason": "wrong parcel"}, "payload.retracts"),
    ({"retracts": "EMI@yesterday", "reason": "wrong parcel"}, "payload.retracts"),
    ({"retracts": "EMI@2026-11-22T10:00:00", "reason": "no offset"}, "payload.retracts"),
])
def test_a_retraction_without_what_and_why_is_rejected_alone(
        client: TestClient, payload: dict[str, Any] | None, field: str) -> None:
    """`retracts` and `reason` are required for a retraction: a bad one is rejected with its
    position, field and reason, and the good records beside it are stored."""
    bad = event(ITEM, "SXR", "2026-11-25T12:00:00+06:00", payload=payload)
    if payload is None:
        del bad["payload"]
    body = post(client, [REAL[0], bad, REAL[1]])
    assert (body["accepted"], body["rejected"]) == (2, 1)
    [rejection] = body["rejections"]
    assert (rejection["position"], rejection["field"]) == (2, field)
    assert rejection["reason"]


def test_the_tracking_page_strikes_a_retracted_event_through(client: TestClient) -> None:
    """The public page still lists the forged delivery, inside <del>, and shows the real
    status."""
    post(client, [*REAL, FORGED, retraction("forged-1")])
    page = client.get(f"/track?id={ITEM}&lang=en").text
    row = page[page.index('data-code="EMI"'):]
    row = row[:row.index("</tr>")]
    assert 'class="retracted"' in row and "<del>" in row
    assert 'data-code="EMC" class="retracted"' not in page
    assert 'data-status="departed"' in page


def test_analytics_counts_neither_the_forged_delivery_nor_its_destination(
        platform: Platform) -> None:
    """Lanes (and transit times) are read from the events: a forged delivery, and a forged
    posting with another destination, stop counting once retracted, whichever arrived first,
    including events copied by an earlier refresh."""
    from datetime import date

    from silkpost.analytics import service
    from silkpost.analytics.kpis import Period
    from silkpost.tracking.service import ingest
    from tests.factories import numbered

    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    forged_post = event(ITEM, "EMA", "2026-11-19T10:00:00+08:00", location="CNURM",
                        office="CNURCA", event_id="forged-0",
                        payload={"destination": "RUMOW"})

    def send(records: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
        result = ingest(numbered(records), uow=platform.uow(), clock=platform.clock,
                        source="test")
        assert result.rejected == 0, result.rejections
        platform.analytics().refresh(force=True)
        lanes = service.lanes(period, analytics=platform.analytics(), clock=platform.clock,
                              promises={"default": 12.0})
        return [(lane.lane, lane.posted, lane.delivered) for lane in lanes if lane.lane != "*"]

    assert send([*REAL, forged_post, FORGED]) == [("CNURCA>RUMOW", 1, 1)]
    assert send([retraction("forged-1")]) == [("CNURCA>RUMOW", 1, 0)]
    assert send([retraction("forged-0", at="2026-11-25T12:05:00+06:00")]) == [
        ("CNURCA>KZALA", 1, 0)]


def test_the_cli_marks_a_retracted_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    """`silkpost track` keeps the forged event in its timeline, marked retracted; the real
    scans are not marked."""
    from typer.testing import CliRunner

    from silkpost.cli import app

    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    f = tmp_path / "events.ndjson"
    import orjson

    f.write_bytes(b"\n".join(orjson.dumps(r) for r in [*REAL, FORGED, retraction("forged-1")]))
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(f)]).exit_code == 0
    out = runner.invoke(app, ["track", ITEM])
    assert out.exit_code == 0, out.output
    rows = {line.split("│")[2].strip(): line for line in out.output.splitlines()
            if line.count("│") > 6}
    assert "retracted" in rows["EMI"]
    assert all("retracted" not in rows[code] for code in ("EMA", "EMC"))


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["forgery", "retraction"])
def test_a_retraction_and_its_event_in_concurrent_transactions(pg_schema_url: str,
                                                              clock: FixedClock,
                                                              first: str) -> None:
    """The forgery and its retraction written by two transactions at once, whichever begins
    first: the second waits for the first to commit, and the item's record leaves the forgery
    out. (Without the lock both commit, each folded without the other: EMI stays.)"""
    import threading

    from sqlalchemy import text

    from silkpost.domain.codes import ObjectKind, Status
    from silkpost.store.engine import in_write_transaction
    from silkpost.store.events import prepare, write
    from silkpost.tracking.records import to_event

    p = bootstrap(Settings(database_url=pg_schema_url, analytics_file=":memory:"), clock=clock)
    engine = p.engine
    assert engine is not None

    def rows(records: list[dict[str, Any]]) -> Any:
        events = [to_event(r, default_source="test") for r in records]
        return prepare([e for e in events if not isinstance(e, list)])

    # A parcel new to the store: no read-model row yet whose lock would order the two.
    one, other = ([*REAL, FORGED], [retraction("forged-1")]) if first == "forgery" else (
        [retraction("forged-1")], [*REAL, FORGED])
    holder = engine.connect()
    holder.begin()
    write(holder, *rows(one))  # written, not committed
    pid = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    done = threading.Event()

    def second() -> None:
        with engine.connect() as conn:
            in_write_transaction(conn, lambda c: write(c, *rows(other)))
        done.set()

    worker = threading.Thread(target=second)
    worker.start()
    # Wait until the second transaction either finished (no lock: the defect) or waits for
    # the first one's lock.
    with engine.connect() as watch:
        blocked = False
        for _ in range(1000):
            if done.wait(0.01):
                break
            blocked = bool(watch.execute(text(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> :pid"
            ), {"pid": pid}).scalar_one())
            if blocked:
                break
    holder.commit()
    holder.close()
    worker.join(timeout=60)
    assert blocked, "the second transaction did not wait for the first"
    uow = p.uow()
    with uow:
        tracked = uow.events.tracked(ObjectKind.ITEM, ITEM)
    assert tracked is not None and tracked.status == Status.DEPARTED
    p.dispose()
