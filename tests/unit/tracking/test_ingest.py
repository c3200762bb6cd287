"""The ingest use case on the in-memory store: bad records alone, duplicates once, any order."""

from __future__ import annotations

import pytest

from silkpost.bootstrap import Platform
from silkpost.domain.codes import Status
from silkpost.errors import InvalidRequest
from silkpost.tracking.service import ObjectNotFound, ingest, track
from tests.factories import event, numbered

JOURNEY = [
    event(code="EMA", at="2026-11-15T09:00:00+08:00", location="CNDGG"),
    event(code="EMB", at="2026-11-18T10:00:00+06:00", location="CNURM", office="CNURCA"),
    event(code="EXA", at="2026-11-18T11:00:00+06:00", location="CNURM", office="CNURCA"),
    event(code="EXC", at="2026-11-18T15:00:00+06:00", location="CNURM", office="CNURCA"),
    event(code="EMC", at="2026-11-18T20:00:00+06:00", location="CNURM", office="CNURCA"),
]


def run(platform: Platform, records: list[dict[str, object]], **kw: object):  # type: ignore[no-untyped-def]
    return ingest(numbered(records), uow=platform.uow(), clock=platform.clock,  # type: ignore[arg-type]
                  source="test", **kw)


def test_a_bad_record_does_not_block_the_good_ones(memory_platform: Platform) -> None:
    """Records around a bad one are stored; the bad one is reported by position and field."""
    records = [JOURNEY[0], {**JOURNEY[1], "code": "XXX"}, JOURNEY[2]]
    result = run(memory_platform, records)
    assert (result.accepted, result.rejected, result.duplicates) == (2, 1, 0)
    assert [(r.position, r.field) for r in result.rejections] == [(2, "code")]


def test_the_same_event_twice_is_stored_once(memory_platform: Platform) -> None:
    """Within a batch, across batches, and relayed by another source without an id."""
    first = run(memory_platform, [JOURNEY[0], JOURNEY[0]])
    again = run(memory_platform, [{**JOURNEY[0], "source": "relay"}])
    assert (first.accepted, first.duplicates, again.accepted, again.duplicates) == (1, 1, 0, 1)


def test_the_natural_key_decides_not_the_event_id(memory_platform: Platform) -> None:
    """The same scan under a new event id is a duplicate; the same event id with another time
    is another scan (a correction is a retraction, docs/events.md)."""
    run(memory_platform, [{**JOURNEY[0], "event_id": "scan-1"}])
    renamed = run(memory_platform, [{**JOURNEY[0], "event_id": "scan-2"}])
    moved = run(memory_platform, [{**JOURNEY[0], "event_id": "scan-1",
                                   "occurred_at": "2026-11-15T09:05:00+08:00"}])
    assert (renamed.duplicates, moved.accepted) == (1, 1)


def test_out_of_order_arrival_gives_the_right_timeline(memory_platform: Platform) -> None:
    """Events sent newest first still read back in time order, with the latest status."""
    run(memory_platform, list(reversed(JOURNEY)), batch_size=2)
    view = track("CA000000014CN", uow=memory_platform.uow(), clock=memory_platform.clock)
    assert [e.code for e in view.timeline] == ["EMA", "EMB", "EXA", "EXC", "EMC"]
    assert view.tracked.status == Status.DEPARTED
    assert view.tracked.last_office == "CNURCA"


def test_clock_far_ahead_is_rejected(memory_platform: Platform) -> None:
    """An event dated two days after it was received points at a wrong scanner clock."""
    result = run(memory_platform, [event(at="2026-11-27T10:00:00+00:00")])
    assert result.rejections[0].field == "occurred_at"


def test_rejections_listed_are_capped_but_all_counted(memory_platform: Platform) -> None:
    """A file of bad records reports all in the count and the first N in detail."""
    result = run(memory_platform, [{"code": "EMA"}] * 30, max_listed=5)
    assert result.rejected == 30 and len(result.rejections) == 5


def test_unknown_and_malformed_ids_on_lookup(memory_platform: Platform) -> None:
    """A well-formed unknown id is 'not found'; a malformed one is invalid, naming 'id'."""
    with pytest.raises(ObjectNotFound):
        track("CA000000028CN", uow=memory_platform.uow(), clock=memory_platform.clock)
    with pytest.raises(InvalidRequest) as info:
        track("CA000000029CN", uow=memory_platform.uow(), clock=memory_platform.clock)
    assert info.value.field == "id"


def test_an_intake_fed_in_parts_stores_each_part_on_the_memory_store(
        memory_platform: Platform) -> None:
    """Parts fed one after another are validated and stored as they come, duplicates once."""
    from silkpost.tracking.service import Intake

    with Intake(uow=memory_platform.uow(), clock=memory_platform.clock, source="sim") as intake:
        intake.feed(numbered(JOURNEY[:3]))
        intake.feed(numbered([*JOURNEY, {"code": "EMA"}]))
    result = intake.result
    assert (result.received, result.accepted, result.duplicates, result.rejected) == (9, 5, 3, 1)
    view = track("CA000000014CN", uow=memory_platform.uow(), clock=memory_platform.clock)
    assert view.tracked.status == Status.DEPARTED


def test_ingest_reports_after_every_batch(memory_platform: Platform) -> None:
    """Each batch's counts reach ``on_batch`` as it is stored (in-line on the memory store)."""
    seen: list[int] = []
    records = JOURNEY + JOURNEY[:2] + [{"code": "EMA"}]
    result = run(memory_platform, records, batch_size=2,
                 on_batch=lambda r: seen.append(r.accepted))
    assert (result.accepted, result.duplicates, result.rejected) == (5, 2, 1)
    assert seen == [2, 4, 5, 5]
