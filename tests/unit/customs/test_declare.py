"""declare: each record checked by the customs check, the valid ones stored once per broker and
reference, every record answered; get and list read them back (on the in-memory fakes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.customs import blacklist
from silkpost.customs.declarations import (
    Outcome,
    RecordResult,
    declare,
    decode_cursor,
    get_declaration,
    list_declarations,
)
from silkpost.customs.errors import AmbiguousReference, DeclarationNotFound, NotABroker
from silkpost.customs.files import Item
from silkpost.customs.ports import DeclarationQuery
from silkpost.customs.service import check
from silkpost.domain.errors import Problem
from silkpost.domain.partners import PartnerKind
from silkpost.errors import InvalidRequest
from tests.unit.customs.declaration_records import RESIDENT, record, register_broker


@pytest.fixture
def broker(memory_platform: Platform) -> str:
    return register_broker(memory_platform, "BRK-A")


def run(p: Platform, records: list[object], broker: str = "BRK-A") -> list[RecordResult]:
    items: list[Item] = [
        (n, r if isinstance(r, dict) else Problem("(record)", "a declaration is a JSON object"))
        for n, r in enumerate(records, start=1)]
    return declare(items, broker=broker, uow=p.declaration_uow(), clock=p.clock).results


def test_each_record_gets_its_outcome(memory_platform: Platform, broker: str) -> None:
    """Stored, refused with the check's own problems, a duplicate, a conflict naming
    reference: in the records' order, with their positions."""
    bad = record("D-2", currency="XYZ", lines=[])
    results = run(memory_platform, [record("D-1"), bad, record("D-1"),
                                    record("D-1", gross_weight_kg="2"), "nonsense"])
    assert [(r.position, r.reference, r.outcome) for r in results] == [
        (1, "D-1", Outcome.STORED), (2, "D-2", Outcome.REFUSED), (3, "D-1", Outcome.DUPLICATE),
        (4, "D-1", Outcome.CONFLICT), (5, None, Outcome.REFUSED)]
    [checked] = check([(2, bad)]).refused
    assert results[1].problems == checked.problems  # the same judge, the same words
    assert [p.field for p in results[3].problems] == ["reference"]
    assert "new reference" in results[3].problems[0].reason


def test_screening_refuses_what_the_check_refuses(memory_platform: Platform,
                                                  broker: str) -> None:
    """A prohibited kind of goods (narcotics) is refused by the check: nothing is stored."""
    line = {**record()["lines"][0], "description": "cocaine", "hs_code": "2939.71"}
    [result] = run(memory_platform, [record("D-9", lines=[line])])
    assert result.outcome is Outcome.REFUSED and result.problems
    with pytest.raises(DeclarationNotFound):
        get_declaration("D-9", broker=broker, uow=memory_platform.declaration_uow())


def test_sent_again_nothing_changes(memory_platform: Platform, broker: str,
                                    clock: FixedClock) -> None:
    """The second time, a later clock: the stored declaration keeps its first received time."""
    run(memory_platform, [record("D-1")])
    first = get_declaration("D-1", broker=broker, uow=memory_platform.declaration_uow())
    clock.moment += timedelta(hours=1)
    [again] = run(memory_platform, [record(" D-1 ", currency="usd")])
    assert again.outcome is Outcome.DUPLICATE
    assert get_declaration("D-1", broker=broker, uow=memory_platform.declaration_uow()) == first


def test_only_a_registered_customs_broker_declares(memory_platform: Platform) -> None:
    register_broker(memory_platform, "KAZPOST", PartnerKind.POST)
    for code in ("KAZPOST", "NOBODY"):
        with pytest.raises(NotABroker) as caught:
            run(memory_platform, [record()], broker=code)
        assert caught.value.field == "broker"


def test_batches_commit_one_by_one_and_report_through_a_callback(
    memory_platform: Platform, broker: str
) -> None:
    seen: list[tuple[int, int]] = []
    report = declare([(n, record(f"D-{n}")) for n in range(1, 6)], broker=broker,
                     uow=memory_platform.declaration_uow(), clock=memory_platform.clock,
                     batch_size=2, keep_results=False,
                     on_record=lambda r, rep: seen.append((r.position, rep.stored)))
    assert (report.received, report.stored, report.results) == (5, 5, [])
    assert seen == [(n, n) for n in range(1, 6)]
    with pytest.raises(InvalidRequest):
        declare([], broker=broker, uow=memory_platform.declaration_uow(),
                clock=memory_platform.clock, batch_size=0)


def test_get_names_the_broker_when_a_reference_is_several(memory_platform: Platform,
                                                          broker: str) -> None:
    register_broker(memory_platform, "BRK-B")
    run(memory_platform, [record("D-1")])
    assert get_declaration("D-1", broker=None, uow=memory_platform.declaration_uow()
                           ).broker == "BRK-A"
    run(memory_platform, [record("D-1")], broker="BRK-B")
    with pytest.raises(AmbiguousReference) as caught:
        get_declaration("D-1", broker=None, uow=memory_platform.declaration_uow())
    assert caught.value.field == "broker" and "BRK-A, BRK-B" in caught.value.detail
    with pytest.raises(DeclarationNotFound) as missing:
        get_declaration("D-1", broker="BRK-C", uow=memory_platform.declaration_uow())
    assert missing.value.detail == "no declaration D-1 is known"


def test_pages_follow_the_cursor(memory_platform: Platform, broker: str) -> None:
    run(memory_platform, [record(f"D-{n}") for n in range(5)])
    uow = memory_platform.declaration_uow
    first = list_declarations(DeclarationQuery(limit=3), uow=uow())
    assert len(first.declarations) == 3 and first.next_cursor is not None
    rest = list_declarations(DeclarationQuery(limit=3, after=decode_cursor(first.next_cursor)),
                             uow=uow())
    assert rest.next_cursor is None
    refs = [d.reference for d in first.declarations + rest.declarations]
    assert sorted(refs) == [f"D-{n}" for n in range(5)] and len(set(refs)) == 5


@pytest.mark.parametrize("cursor", ["", "x", "1~A", "1~A~", "-5~A~B", "99999999999999999999~A~B",
                                    "1~A~B", "1" + "~A" * 100])
def test_a_cursor_not_returned_by_the_api_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        decode_cursor(cursor)
    assert caught.value.field == "cursor"


def test_list_limits_are_checked(memory_platform: Platform) -> None:
    for limit in (0, 1001):
        with pytest.raises(InvalidRequest) as caught:
            list_declarations(DeclarationQuery(limit=limit),
                              uow=memory_platform.declaration_uow())
        assert caught.value.field == "limit"


def test_a_blacklisted_sender_is_refused_and_not_stored(memory_platform: Platform,
                                                        broker: str) -> None:
    """The blacklist in force is applied as the customs check applies it."""
    blacklist.add("resident_id", RESIDENT, reason="undeclared batteries", source="case 1",
                  added_by="inspector Li", uow=memory_platform.blacklist_uow(),
                  clock=memory_platform.clock)
    [result] = run(memory_platform, [record("D-5")])
    assert result.outcome is Outcome.REFUSED
    assert [p.field for p in result.problems] == ["sender.identity"]
    with pytest.raises(DeclarationNotFound):
        get_declaration("D-5", broker=broker, uow=memory_platform.declaration_uow())
