"""The event log's contract, held on every store: the in-memory fake, SQLite and PostgreSQL.

Each test runs three times (``any_platform``): what a unit test learns on the fake is what the
SQL stores do. The read model of every store is compared field by field with the domain's fold
(:func:`silkpost.domain.status.track`) over events arriving in random orders and batches.
"""

from __future__ import annotations

import itertools
import zlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.codes import ObjectKind, Status, event_codes
from silkpost.domain.events import TrackingEvent, key_of
from silkpost.domain.status import in_time_order, track
from silkpost.domain.tracked import TrackedObject
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import list_objects

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects
              and c.status is not None)
IDS = ["CA000000014CN", "CA000000028CN", "CA000000031CN"]
_EXAMPLE = itertools.count()


def ev(object_id: str, code: str, hours: float, place: str = "CNURM") -> TrackingEvent:
    return TrackingEvent(ObjectKind.ITEM, object_id, code, T0 + timedelta(hours=hours), "test",
                         location=place, office="CNURCA", received_at=T0 + timedelta(days=30))


def store(platform: Platform, events: list[TrackingEvent]) -> None:
    """Append built events straight to the log, as a repository test does."""
    with platform.uow() as uow:
        uow.events.append(events)
        uow.commit()


def test_append_stores_each_event_once(any_platform: Platform) -> None:
    """Duplicates in a batch and across batches are dropped and counted."""
    e = ev(IDS[0], "EMA", 0)
    with any_platform.uow() as uow:
        assert uow.events.append([e, e]) == 1
        uow.commit()
    with any_platform.uow() as uow:
        assert uow.events.append([e, ev(IDS[0], "EMB", 1)]) == 1
        uow.commit()
        assert uow.events.count_events() == 2


def test_uncommitted_work_leaves_nothing(any_platform: Platform) -> None:
    """A unit of work left without commit (an error mid-use-case) rolls everything back."""
    def crash_after_append() -> None:
        with any_platform.uow() as uow:
            uow.events.append([ev(IDS[0], "EMA", 0)])
            raise RuntimeError("crash after append")

    with pytest.raises(RuntimeError):
        crash_after_append()
    with any_platform.uow() as uow:
        assert uow.events.count_events() == 0
        assert uow.events.tracked(ObjectKind.ITEM, IDS[0]) is None


def test_timeline_reads_back_with_offsets(any_platform: Platform) -> None:
    """Local times keep the scanner's UTC offset; payloads come back as mappings."""
    almaty = timezone(timedelta(hours=5))
    e = TrackingEvent(ObjectKind.ITEM, IDS[0], "EMD", datetime(2026, 11, 20, 9, 30, tzinfo=almaty),
                      "kazpost", location="KZALA", office="KZALAA", event_id="kz-1",
                      payload={"destination": "KZALA", "weight_kg": 1.2}, received_at=T0)
    store(any_platform, [e])
    with any_platform.uow() as uow:
        [back] = uow.events.timeline(ObjectKind.ITEM, IDS[0])
        tracked = uow.events.tracked(ObjectKind.ITEM, IDS[0])
    assert back.occurred_at == e.occurred_at and back.occurred_at.utcoffset() == timedelta(hours=5)
    assert back.payload == {"destination": "KZALA", "weight_kg": 1.2}
    assert tracked is not None and tracked.destination == "KZALA"


def test_listing_filters_and_pages(any_platform: Platform) -> None:
    """Status, place and stuck filters; pages follow each other without gaps or repeats."""
    batch = []
    ids = list(s10.id_range("CA", "CN", 100, 25))
    for n, object_id in enumerate(ids):
        batch.append(ev(object_id, "EMB" if n % 2 else "EMC", n, "CNURM" if n % 3 else "CNHRS"))
    store(any_platform, batch)

    def page(**kw: object) -> list[str]:
        out: list[str] = []
        cursor = None
        while True:
            q = ObjectQuery(limit=4, after=cursor, **kw)  # type: ignore[arg-type]
            p = list_objects(q, uow=any_platform.uow())
            out += [t.object_id for t in p.objects]
            if p.next_cursor is None:
                return out
            us, _, oid = p.next_cursor.partition("~")
            cursor = (int(us), oid)

    everything = page()
    assert sorted(everything) == sorted(ids) and len(set(everything)) == len(ids)
    departed = page(status=Status.DEPARTED)
    assert set(departed) == {i for n, i in enumerate(ids) if n % 2 == 0}
    at_khorgos = page(location="CNHRS")
    assert set(at_khorgos) == {i for n, i in enumerate(ids) if n % 3 == 0}
    # at the office of exchange for more than 24 h by NOW: all EMB items (events are from Nov 1)
    stuck = page(status=Status.AT_OFFICE_OF_EXCHANGE, stuck_at=T0 + timedelta(hours=30))
    assert set(stuck) == {i for n, i in enumerate(ids) if n % 2 and n < 6}


def test_pages_by_number_are_the_cursor_pages(any_platform: Platform) -> None:
    """``offset`` (the dashboard's page numbers) cuts the same pages as the cursor does."""
    ids = list(s10.id_range("CA", "CN", 200, 11))
    store(any_platform, [ev(object_id, "EMC", n % 4) for n, object_id in enumerate(ids)])
    whole = [t.object_id for t in list_objects(ObjectQuery(limit=100),
                                               uow=any_platform.uow()).objects]
    pages = [[t.object_id for t in list_objects(ObjectQuery(limit=4, offset=k),
                                                uow=any_platform.uow()).objects]
             for k in range(0, 12, 4)]
    assert pages == [whole[0:4], whole[4:8], whole[8:11]]


# -- the read model against the domain fold ---------------------------------------------------
# An event's identity (its idempotency key) is object, code, time, location and office; what a
# resend of the same event carries besides (offset, payload, receipt time) is made a function
# of that identity here, so that "the same event twice" is the same content. Hours cluster in
# the first two days (ties of time and code at other places) and spread over 800 days (ids
# reused after more than a year).
_PLACES = [("CNURM", "CNURCA"), ("KZALA", "KZALAA"), ("KZALA", None), (None, None)]
_DESTINATIONS = ["KZALA", "UZTAS", "RUMOW"]


def _event(slot: int, code: str, hours: int, place: int) -> tuple[int, str, int, int]:
    return slot, code, hours, place


def _build(object_id: str, code: str, hours: int, place: int) -> TrackingEvent:
    location, office = _PLACES[place]
    salt = zlib.crc32(f"{code}/{hours}/{place}".encode())
    tz = timezone(timedelta(hours=(0, 5, 8)[salt % 3]))
    payload = ({"destination": _DESTINATIONS[salt // 3 % 3]} if salt % 4 < 2 else None)
    return TrackingEvent(ObjectKind.ITEM, object_id, code,
                         (T0 + timedelta(hours=hours)).astimezone(tz), "test",
                         location=location, office=office, payload=payload,
                         received_at=T0 + timedelta(days=900, minutes=salt % 97))


event_specs = st.lists(
    st.builds(_event, st.integers(0, 2), st.sampled_from(ITEM_CODES),
              st.one_of(st.integers(0, 48), st.integers(0, 24 * 800)), st.integers(0, 3)),
    min_size=1, max_size=30,
)


def _fields(t: TrackedObject | None) -> tuple[object, ...] | None:
    """Every field of the record, offsets of the local times included."""
    if t is None:
        return None
    return (t.object_kind, t.object_id, t.status, t.last_code, t.last_at, t.last_at.utcoffset(),
            t.last_location, t.last_office, t.first_at, t.destination, t.updated_at)


def _assert_each_is_the_fold(uow: Any, ids: list[str], events: list[TrackingEvent]) -> None:
    """Every field of each object's stored record is the fold's over its events, and its
    timeline holds those events in the domain's one total order, whatever the arrival."""
    for object_id in ids:
        mine = {key_of(e): e for e in events if e.object_id == object_id}
        stored = uow.events.tracked(ObjectKind.ITEM, object_id)
        assert _fields(stored) == _fields(track(list(mine.values())))
        timeline = uow.events.timeline(ObjectKind.ITEM, object_id)
        assert {key_of(e) for e in timeline} == set(mine)
        assert timeline == in_time_order(mine.values())


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=event_specs, cut=st.integers(1, 10), order=st.randoms())
def test_read_model_equals_the_domain_fold(any_platform: Platform,
                                           specs: list[tuple[int, str, int, int]], cut: int,
                                           order) -> None:  # type: ignore[no-untyped-def]
    """Whatever batches and order events arrive in (with resends), every field of the stored
    record is the fold's, over the events stored, and the timeline is the domain's order."""
    n = next(_EXAMPLE)
    ids = [s10.build("CT", n * 3 + slot + 1, "CN") for slot in range(3)]
    events = [_build(ids[slot], code, hours, place) for slot, code, hours, place in specs]
    shuffled = list(events)
    order.shuffle(shuffled)
    for start in range(0, len(shuffled), cut):
        with any_platform.uow() as uow:
            uow.events.append(shuffled[start:start + cut] + shuffled[:1])  # resend one each time
            uow.commit()
    with any_platform.uow() as uow:
        _assert_each_is_the_fold(uow, ids, events)


@pytest.mark.parametrize("together", [False, True], ids=["resent-later", "same-batch"])
def test_a_resend_of_the_same_scan_changes_nothing(any_platform: Platform,
                                                   together: bool) -> None:
    """The same scan (code, instant, place) resent with other content (another sender, event
    id, offset, payload, receipt) is a duplicate: the log keeps the first, and the read model
    stays the fold of the events the log holds, field by field, in the same batch or later."""
    first = TrackingEvent(ObjectKind.ITEM, IDS[0], "EMC", T0 + timedelta(hours=5), "kazpost",
                          location="KZALA", office="KZALAA", event_id="kz-7",
                          payload={"destination": "KZALA"}, received_at=T0 + timedelta(days=1))
    resent = first._replace(
        source="relay", event_id="relay-99", payload={"destination": "AAAAA"},
        occurred_at=first.occurred_at.astimezone(timezone(timedelta(hours=5))),
        received_at=T0 + timedelta(days=9))
    before = ev(IDS[0], "EMA", 0)
    if together:
        store(any_platform, [before, first, resent])
    else:
        store(any_platform, [before, first])
        store(any_platform, [resent, ev(IDS[1], "EMA", 1)])
    with any_platform.uow() as uow:
        timeline = uow.events.timeline(ObjectKind.ITEM, IDS[0])
        stored = uow.events.tracked(ObjectKind.ITEM, IDS[0])
    assert [(e.code, e.source) for e in timeline] == [("EMA", "test"), ("EMC", "kazpost")]
    assert stored is not None and stored.destination == "KZALA"
    assert stored.last_at.utcoffset() == timedelta(0)
    assert stored == track(timeline)


def test_an_event_id_resent_with_another_scan_is_another_event(any_platform: Platform) -> None:
    """An event id names, it does not key: the same id sent with another code, time or place
    is another scan, stored beside the first (a correction is a retraction, docs/events.md)."""
    first = TrackingEvent(ObjectKind.ITEM, IDS[0], "EMC", T0 + timedelta(hours=5), "kazpost",
                          location="KZALA", office="KZALAA", event_id="kz-7")
    store(any_platform, [first, first._replace(code="EMH", occurred_at=T0 + timedelta(days=3))])
    with any_platform.uow() as uow:
        assert [e.code for e in uow.events.timeline(ObjectKind.ITEM, IDS[0])] == ["EMC", "EMH"]


def _retraction(target: TrackingEvent, n: int) -> TrackingEvent:
    """A retraction naming ``target`` by code and time (it has no event id)."""
    return TrackingEvent(ObjectKind.ITEM, target.object_id, "SXR",
                         target.occurred_at + timedelta(minutes=n), "operator",
                         payload={"retracts": f"{target.code}@{target.occurred_at.isoformat()}",
                                  "reason": "test"},
                         received_at=T0 + timedelta(days=901, minutes=n))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=event_specs, retract=st.lists(st.integers(0, 29), max_size=6),
       cut=st.integers(1, 10), order=st.randoms())
def test_read_model_with_retractions_equals_the_domain_fold(
        any_platform: Platform, specs: list[tuple[int, str, int, int]], retract: list[int],
        cut: int, order) -> None:  # type: ignore[no-untyped-def]
    """Retractions arriving before or after the events they name, in any batches: every field
    of the stored record is the fold's over the events stored (retracted ones left out, an
    object with nothing left has no record), and the timeline is the domain's order."""
    n = next(_EXAMPLE)
    ids = [s10.build("CR", n * 3 + slot + 1, "CN") for slot in range(3)]
    events = [_build(ids[slot], code, hours, place) for slot, code, hours, place in specs]
    events += [_retraction(events[i % len(events)], k) for k, i in enumerate(retract)]
    shuffled = list(events)
    order.shuffle(shuffled)
    for start in range(0, len(shuffled), cut):
        with any_platform.uow() as uow:
            uow.events.append(shuffled[start:start + cut])
            uow.commit()
    with any_platform.uow() as uow:
        _assert_each_is_the_fold(uow, ids, events)
        listed = {t.object_id for t in list_objects(
            ObjectQuery(object_kind=ObjectKind.ITEM, limit=1000), uow=any_platform.uow()).objects}
    assert listed & set(ids) == {i for i in ids if track([e for e in events if e.object_id == i])}
