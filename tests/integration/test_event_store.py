"""The SQL event log on SQLite and PostgreSQL: same promises as the domain fold, same tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkpost.bootstrap import Platform, bootstrap
from silkpost.domain import s10
from silkpost.domain.codes import ObjectKind, Status, event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.domain.status import derive
from silkpost.settings import Settings
from silkpost.store.schema import metadata
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import list_objects

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects)
IDS = ["CA000000014CN", "CA000000028CN", "CA000000031CN"]


def ev(object_id: str, code: str, hours: float, place: str = "CNURM") -> TrackingEvent:
    return TrackingEvent(ObjectKind.ITEM, object_id, code, T0 + timedelta(hours=hours), "test",
                         location=place, office="CNURCA",
                         received_at=T0 + timedelta(days=30))


def store(platform: Platform, events: list[TrackingEvent]) -> None:
    """Append built events straight to the log, as a repository test does."""
    with platform.uow() as uow:
        uow.events.append(events)
        uow.commit()


def test_migrations_create_exactly_the_schema_the_code_uses(platform: Platform) -> None:
    """Alembic's head and the SQLAlchemy tables agree: no drift between the two."""
    with platform.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_append_stores_each_event_once(platform: Platform) -> None:
    """Duplicates in a batch and across batches are dropped and counted."""
    e = ev(IDS[0], "EMA", 0)
    with platform.uow() as uow:
        assert uow.events.append([e, e]) == 1
        uow.commit()
    with platform.uow() as uow:
        assert uow.events.append([e, ev(IDS[0], "EMB", 1)]) == 1
        uow.commit()
        assert uow.events.count_events() == 2


def test_uncommitted_work_leaves_nothing(platform: Platform) -> None:
    """A unit of work left without commit (an error mid-use-case) rolls everything back."""
    def crash_after_append() -> None:
        with platform.uow() as uow:
            uow.events.append([ev(IDS[0], "EMA", 0)])
            raise RuntimeError("crash after append")

    with pytest.raises(RuntimeError):
        crash_after_append()
    with platform.uow() as uow:
        assert uow.events.count_events() == 0
        assert uow.events.tracked(ObjectKind.ITEM, IDS[0]) is None


events_strategy = st.lists(
    st.builds(ev, st.sampled_from(IDS), st.sampled_from(ITEM_CODES),
              st.integers(0, 24 * 500), st.sampled_from(["CNURM", "KZALA"])),
    min_size=1, max_size=30,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=events_strategy, cut=st.integers(1, 10), data=st.randoms())
def test_read_model_equals_the_domain_fold(platform: Platform, events: list[TrackingEvent],
                                           cut: int, data) -> None:  # type: ignore[no-untyped-def]
    """Whatever batches and order events arrive in, the stored status is the fold's status."""
    with platform.uow() as uow:
        for object_id in IDS:
            uow.events._conn.exec_driver_sql(  # type: ignore[attr-defined]
                "DELETE FROM events WHERE object_id = '" + object_id + "'")
            uow.events._conn.exec_driver_sql(  # type: ignore[attr-defined]
                "DELETE FROM object_status WHERE object_id = '" + object_id + "'")
        uow.commit()
    shuffled = list(events)
    data.shuffle(shuffled)
    for start in range(0, len(shuffled), cut):
        with platform.uow() as uow:
            uow.events.append(shuffled[start:start + cut] + shuffled[:1])  # resend one each time
            uow.commit()
    with platform.uow() as uow:
        for object_id in IDS:
            mine = [e for e in events if e.object_id == object_id]
            stored = uow.events.tracked(ObjectKind.ITEM, object_id)
            expected = derive(mine)
            if expected is None:
                assert stored is None
                continue
            assert stored is not None
            assert stored.status == expected.status
            assert stored.last_at == expected.last_event.occurred_at
            assert stored.last_code == expected.last_event.code
            assert stored.first_at == min(e.occurred_at for e in mine)


def test_timeline_reads_back_with_offsets(platform: Platform) -> None:
    """Local times keep the scanner's UTC offset; payloads come back as mappings."""
    almaty = timezone_hours(5)
    e = TrackingEvent(ObjectKind.ITEM, IDS[0], "EMD", datetime(2026, 11, 20, 9, 30, tzinfo=almaty),
                      "kazpost", location="KZALA", office="KZALAA", event_id="kz-1",
                      payload={"destination": "KZALA", "weight_kg": 1.2}, received_at=T0)
    store(platform, [e])
    with platform.uow() as uow:
        [back] = uow.events.timeline(ObjectKind.ITEM, IDS[0])
        tracked = uow.events.tracked(ObjectKind.ITEM, IDS[0])
    assert back.occurred_at == e.occurred_at and back.occurred_at.utcoffset() == timedelta(hours=5)
    assert back.payload == {"destination": "KZALA", "weight_kg": 1.2}
    assert tracked is not None and tracked.destination == "KZALA"


def timezone_hours(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


def test_listing_filters_and_pages(platform: Platform) -> None:
    """Status, place and stuck filters; pages follow each other without gaps or repeats."""
    batch = []
    ids = list(s10.id_range("CA", "CN", 100, 25))
    for n, object_id in enumerate(ids):
        batch.append(ev(object_id, "EMB" if n % 2 else "EMC", n, "CNURM" if n % 3 else "CNHRS"))
    store(platform, batch)

    def page(**kw: object) -> list[str]:
        out: list[str] = []
        cursor = None
        while True:
            q = ObjectQuery(limit=4, after=cursor, **kw)  # type: ignore[arg-type]
            p = list_objects(q, uow=platform.uow())
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


def _partner_file() -> list[tuple[int, dict[str, object]]]:
    """Records of 40 parcels, out of order, with resends and bad records among them."""
    codes = ["EMA", "EMB", "EXA", "EXC", "EMC", "EMD", "EMI"]
    records: list[dict[str, object]] = []
    for n in range(1, 41):
        item = s10.build("CA", n, "CN")
        for i, code in enumerate(codes):
            at = (T0 + timedelta(hours=6 * i + n)).isoformat()
            records.append({"object_id": item, "code": code, "occurred_at": at,
                            "location": "KZALA", "office": "KZALAA"})
    records = records[::-1] + records[:30]  # newest first, then 30 resent
    records[17] = {**records[17], "code": "XXX"}
    records[101] = {"object_id": "CA000000029CN", "code": "EMA", "occurred_at": T0.isoformat()}
    return list(enumerate(records, start=1))


def test_parallel_ingest_stores_what_the_in_line_ingest_stores(platform: Platform) -> None:
    """Through the writer process: same counts, each event once, the same read model."""
    from silkpost.store.uow import SqlUnitOfWork
    from silkpost.tracking.service import ingest, track

    records = _partner_file()
    memory = bootstrap(Settings(), clock=platform.clock, in_memory=True)
    batches: list[int] = []
    expected = ingest(records, uow=memory.uow(), clock=memory.clock, source="p", batch_size=9)
    got = ingest(records, uow=SqlUnitOfWork(platform.engine, parallel_after=20),
                 clock=platform.clock, source="p", batch_size=9,
                 on_batch=lambda r: batches.append(r.received))
    assert (got.received, got.accepted, got.duplicates, got.rejected) == (
        expected.received, expected.accepted, expected.duplicates, expected.rejected)
    assert got.rejections == expected.rejections
    assert batches[-1] == len(records)
    with platform.uow() as uow, memory.uow() as ref:
        assert uow.events.count_events() == ref.events.count_events() == got.accepted
    for n in range(1, 41):
        item = s10.build("CA", n, "CN")
        mine = track(item, uow=platform.uow(), clock=platform.clock)
        theirs = track(item, uow=memory.uow(), clock=memory.clock)
        assert mine.tracked == theirs.tracked
        assert [e.code for e in mine.timeline] == [e.code for e in theirs.timeline]


def test_writer_failure_keeps_whole_batches_only(platform: Platform) -> None:
    """A batch the writer cannot store is rolled back, nothing after it is stored, and the
    failure reaches the caller."""
    from silkpost.store.appender import SqlAppender
    from silkpost.store.writer import WriterFailed

    good = [ev(IDS[0], "EMA", 0), ev(IDS[0], "EMB", 1)]
    bad = [ev(IDS[1], "EMA", 0), ev(IDS[1], "EMB", 1)._replace(source=None)]  # NOT NULL
    appender = SqlAppender(platform.engine, parallel_after=0)
    appender.append(good)
    appender.append(bad)
    appender.append([ev(IDS[2], "EMA", 0)])
    with pytest.raises(WriterFailed):
        appender.close()
    with platform.uow() as uow:
        assert uow.events.count_events() == 2
        assert uow.events.tracked(ObjectKind.ITEM, IDS[1]) is None
        assert uow.events.tracked(ObjectKind.ITEM, IDS[2]) is None


def test_an_intake_fed_in_parts_through_the_writer_stores_everything_by_exit(
        platform: Platform) -> None:
    """The simulator's way in: parts fed one after another, stored by the writer process,
    all of them on leaving, duplicates across parts once."""
    from silkpost.store.uow import SqlUnitOfWork
    from silkpost.tracking.service import Intake

    def record(object_id: str, code: str, hours: float) -> dict[str, object]:
        return {"object_id": object_id, "code": code, "location": "CNURM", "office": "CNURCA",
                "occurred_at": T0 + timedelta(hours=hours)}

    parts = [[record(i, c, h) for i in IDS for c, h in (("EMA", 0), ("EMB", 30))],
             [record(IDS[0], "EMB", 30), record(IDS[0], "EMD", 60)]]
    with Intake(uow=SqlUnitOfWork(platform.engine, parallel_after=0), clock=platform.clock,
                source="sim", batch_size=4) as intake:
        for part in parts:
            intake.feed(enumerate(part, start=1))
    assert (intake.result.received, intake.result.accepted, intake.result.duplicates) == (
        8, 7, 1)
    with platform.uow() as uow:
        assert uow.events.count_events() == 7
        tracked = uow.events.tracked(ObjectKind.ITEM, IDS[0])
        assert tracked is not None and tracked.last_code == "EMD"
