"""Issue 15, point 7: an event is stored once per scan in the world, and read back in one order.

The same scan (object, code, instant, place) resent under a new event id, or relayed by
another sender, is one event; two scans that tie on code and instant at different places give
the same last place and timeline whatever order they arrive in. On the fake, SQLite and
PostgreSQL, and over HTTP; plus the migration that re-keys an existing log.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from hashlib import blake2b
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent
from silkpost.domain.status import in_time_order, track
from silkpost.settings import Settings
from silkpost.store.engine import make_engine
from silkpost.store.migrate import upgrade
from tests.factories import event
from tests.keys import admin_headers

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ITEM = "CA000000014CN"


def test_a_scan_resent_under_new_event_ids_is_stored_once(any_platform: Platform) -> None:
    """28 scans sent three times, each time under new event ids and by another sender, are
    28 events (the audit found each resend stored again)."""
    scans = [event(code="EMA", at=f"2026-11-20T10:{m:02d}:00+08:00", location="CNURM",
                   object_id=ITEM) for m in range(28)]
    with TestClient(create_app(any_platform), headers=admin_headers(any_platform)) as client:
        for n, sender in enumerate(("cainiao", "kazpost", "relay")):
            body = [{**s, "event_id": f"{sender}-{n}-{i}"} for i, s in enumerate(scans)]
            r = client.post("/api/v1/events", json=body, headers={"X-Silkpost-Source": sender})
            assert r.status_code == 200
            assert (r.json()["accepted"], r.json()["duplicates"]) == ((28, 0) if n == 0
                                                                      else (0, 28))
        item = client.get(f"/api/v1/items/{ITEM}").json()
    assert len(item["timeline"]) == 28
    # the first stored is kept (the sender: the calling partner, labelled by the header)
    assert {e["source"] for e in item["timeline"]} == {"OPERATOR/cainiao"}


def _tie(location: str, office: str, source: str) -> TrackingEvent:
    return TrackingEvent(ObjectKind.ITEM, ITEM, "SAR", T0 + timedelta(hours=3), source,
                         location=location, office=office, event_id=f"{source}-1",
                         received_at=T0 + timedelta(days=1))


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_ties_on_code_and_instant_do_not_depend_on_arrival(any_platform: Platform,
                                                           order: tuple[int, ...]) -> None:
    """Three scans with the same code and instant at three places: whatever order they arrive
    in (one per batch), the last place and the timeline are the same, and are the domain's."""
    scans = [_tie("KZALA", "KZALAA", "a"), _tie("CNURM", "CNURCA", "b"),
             _tie("KZNUR", "KZNURA", "c")]
    first = TrackingEvent(ObjectKind.ITEM, ITEM, "EMA", T0, "a", location="CNURM",
                          received_at=T0)
    with any_platform.uow() as uow:
        uow.events.append([first])
        uow.commit()
    for i in order:
        with any_platform.uow() as uow:
            uow.events.append([scans[i]])
            uow.commit()
    with any_platform.uow() as uow:
        timeline = uow.events.timeline(ObjectKind.ITEM, ITEM)
        tracked = uow.events.tracked(ObjectKind.ITEM, ITEM)
    assert [e.location for e in timeline] == ["CNURM", "CNURM", "KZALA", "KZNUR"]
    assert timeline == in_time_order([first, *scans])
    assert tracked is not None and tracked.last_location == "KZNUR"
    assert tracked == track(timeline)


def _old_key(kind: str, code: str, us: int, location: str | None, office: str | None,
             source: str, event_id: str | None) -> bytes:
    """The key of revision 0004c: (source, event id) when an event id was given."""
    raw = (f"e\x1f{source}\x1f{event_id}" if event_id else
           f"n\x1f{kind}\x1f{code}\x1f{us}\x1f{location or ''}\x1f{office or ''}")
    return blake2b(raw.encode(), digest_size=16).digest()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each SQL store."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


def test_migration_rekeys_old_rows_and_drops_the_duplicates_it_reveals(
        store_url: str, clock: FixedClock) -> None:
    """A log written under the old key (one scan stored three times under three event ids,
    a forged-looking later duplicate with another destination) upgrades to one row per scan,
    the earliest stored kept, and a read model folded from what is left."""
    engine = make_engine(store_url)
    upgrade(engine, "0004c")
    us = (T0 - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    rows = [  # (code, hours, location, source, event id, payload)
        ("EMA", 0, "CNURM", "cainiao", "c-1", '{"destination": "KZALA"}'),
        ("EMA", 0, "CNURM", "kazpost", "k-9", '{"destination": "RUMOW"}'),
        ("EMA", 0, "CNURM", "relay", None, None),
        ("EMC", 5, "CNURM", "cainiao", "c-2", None),
    ]
    with engine.begin() as conn:
        for seq, (code, hours, location, source, event_id, payload) in enumerate(rows, 1):
            occurred = us + hours * 3_600_000_000
            conn.execute(text(
                "INSERT INTO events (seq, idem_key, object_kind, object_id, code, occurred_us, "
                "utc_offset_min, received_us, location, office, source, event_id, payload) "
                "VALUES (:seq, :k, 'item', :id, :code, :us, 0, :us, :loc, NULL, :src, :eid, :p)"),
                {"seq": seq, "k": _old_key("item", code, occurred, location, None, source,
                                           event_id),
                 "id": ITEM, "code": code, "us": occurred, "loc": location, "src": source,
                 "eid": event_id, "p": payload})
        # The old read model, as the old upsert left it: the later duplicate's destination.
        conn.execute(text(
            "INSERT INTO object_status VALUES ('item', :id, 'departed', :k, 'EMC', 'departed', "
            ":us, 0, 'CNURM', NULL, NULL, NULL, :first, 'RUMOW', 1, :first)"),
            {"id": ITEM, "k": 0, "us": us + 5 * 3_600_000_000, "first": us})
    upgrade(engine)
    engine.dispose()
    p = bootstrap(Settings(database_url=store_url, analytics_file=":memory:"), clock=clock)
    try:
        with p.uow() as uow:
            timeline = uow.events.timeline(ObjectKind.ITEM, ITEM)
            tracked = uow.events.tracked(ObjectKind.ITEM, ITEM)
            assert uow.events.count_events() == 2
            # The natural key holds for new events too: the scan resent again is a duplicate.
            again = TrackingEvent(ObjectKind.ITEM, ITEM, "EMA", T0, "other",
                                  location="CNURM", event_id="o-1")
            assert uow.events.append([again]) == 0
    finally:
        p.dispose()
    assert [(e.code, e.source) for e in timeline] == [("EMA", "cainiao"), ("EMC", "cainiao")]
    assert tracked is not None and tracked.destination == "KZALA"
    assert tracked == track(timeline)
