"""The SQL event log on SQLite and PostgreSQL: its schema and its writer process.

The promises every event log keeps (the fake included) are in test_event_log_contract.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from silkpost.bootstrap import Platform, bootstrap
from silkpost.domain import s10
from silkpost.domain.codes import ObjectKind, event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.settings import Settings
from silkpost.store.schema import metadata

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects
              and c.status is not None)
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


def test_the_writer_leaves_no_spooled_batch_behind(platform: Platform) -> None:
    """Batches wait for the writer as files in a private folder: it is gone once the writer
    stops, whether it stored everything or failed on a batch and never read the rest."""
    from silkpost.store.writer import WriterFailed, WriterProcess

    url = platform.engine.url.render_as_string(hide_password=False)
    done = WriterProcess(url)
    done.submit([ev(IDS[0], "EMA", 0)])
    done.submit([ev(IDS[0], "EMB", 1)])
    assert done.spool.is_dir()
    assert [new for _, new in done.close()] == [1, 1]
    assert not done.spool.exists()

    failed = WriterProcess(url)
    failed.submit([ev(IDS[1], "EMA", 0)._replace(source=None)])  # NOT NULL: fails
    for hours in range(1, 4):
        failed.submit([ev(IDS[2], "EMA", hours)])
    with pytest.raises(WriterFailed):
        failed.close()
    assert not failed.spool.exists()
    with platform.uow() as uow:
        assert uow.events.count_events() == 2
