"""The office repository on the in-memory fake, SQLite and PostgreSQL: one contract for all.

Pre-advices come back as they went in (and a replaced one leaves nothing of the old behind),
receipts and items' work are stored once and updated in place, the hold area is longest held
first, a finding is kept once however often it is found, and a unit of work left without
committing leaves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event

from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.office import (
    AdvisedReceptacle,
    Finding,
    FindingKind,
    HoldReason,
    PreAdvice,
    ReceiptOutcome,
)
from silkpost.office.ports import AdvisedDispatch, ItemAtOffice, ItemState, Receipt

OFFICE = "CNURCA"
OTHER_OFFICE = "KZALAA"
DISPATCH = "CNDGGACNURCADCC60007"  # Dongguan warehouse -> Urumqi, priority by surface, 2026
OTHER = "CNDGGACNURCADCC60008"
URUMQI = timezone(timedelta(hours=6))
T0 = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=URUMQI)
M = timedelta(minutes=1)


def label(serial: int, tenths: int = 120, dispatch: str = DISPATCH) -> str:
    return f"{dispatch}{serial:03d}01{tenths:04d}"


def items(first: int, count: int) -> tuple[str, ...]:
    return tuple(s10.build("CA", n, "CN") for n in range(first, first + count))


def advice(*receptacles: AdvisedReceptacle, dispatch: str = DISPATCH) -> PreAdvice:
    return PreAdvice.of(dispatch, year=2026, receptacles=receptacles)


def receipt(serial: int, **changes: Any) -> Receipt:
    base = Receipt(office=OFFICE, receptacle_id=label(serial), outcome=ReceiptOutcome.ANNOUNCED,
                   received_at=T0 + serial * M, declared_kg=12.0, weighed_kg=None, seal=None,
                   operator="urumqi-1")
    return replace(base, **changes)


def item(item_id: str, **changes: Any) -> ItemAtOffice:
    base = ItemAtOffice(office=OFFICE, item_id=item_id, state=ItemState.SORTED,
                        scanned_at=T0, updated_at=T0, receptacle_id=label(1),
                        destination="KZALAA", service_id="T-URC-ALA", next_node="KZALA")
    return replace(base, **changes)


def held(item_id: str, reason: HoldReason, at: datetime, office: str = OFFICE) -> ItemAtOffice:
    return item(item_id, office=office, state=ItemState.HELD, updated_at=at,
                destination=None, service_id=None, next_node=None, hold_reason=reason,
                held_at=at, note=f"held for {reason.value}")


def _times(*moments: datetime | None) -> None:
    for t in moments:
        assert t is None or t.utcoffset() is not None, t


# --- pre-advices ------------------------------------------------------------------------


def test_a_pre_advice_comes_back_as_it_went_in(any_platform: Platform) -> None:
    """Every receptacle with its weight (stated or the label's) and its items in order, the
    sender and the time; each advised receptacle found by its key."""
    p = any_platform
    stored = AdvisedDispatch(advice(
        AdvisedReceptacle(label(2, 153), items(1, 3), weight_kg=15.27),
        AdvisedReceptacle(label(1, 80), items(10, 2)),
        AdvisedReceptacle(label(3, 5))), sender="CAINIAO", advised_at=T0)
    with p.office_uow() as uow:
        uow.office.add_pre_advice(stored)
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.pre_advice(DISPATCH)
        assert got == stored
        assert got is not None and got.advised_at.utcoffset() is not None
        assert [r.serial for r in got.advice.receptacles] == [1, 2, 3]
        assert uow.office.advised_receptacle(label(2)[:23]) == (label(2, 153), 15.27,
                                                                items(1, 3))
        assert uow.office.advised_receptacle(label(1)[:23]) == (label(1, 80), 8.0, items(10, 2))
        assert uow.office.advised_receptacle(label(3)[:23]) == (label(3, 5), 0.5, ())
        assert uow.office.advised_receptacle(label(4)[:23]) is None
        assert uow.office.pre_advice(OTHER) is None


def test_a_replaced_pre_advice_loses_its_old_receptacles(any_platform: Platform) -> None:
    """The new pre-advice is the whole of it: receptacles it no longer names are gone, the
    ones it keeps have their new items; another dispatch's pre-advice is untouched."""
    p = any_platform
    first = AdvisedDispatch(advice(AdvisedReceptacle(label(1), items(1, 2)),
                                   AdvisedReceptacle(label(2), items(3, 2)),
                                   AdvisedReceptacle(label(3), items(5, 2))),
                            sender="CAINIAO", advised_at=T0)
    other = AdvisedDispatch(advice(AdvisedReceptacle(label(1, dispatch=OTHER), items(50, 1)),
                                   dispatch=OTHER), sender="CAINIAO", advised_at=T0)
    second = AdvisedDispatch(advice(AdvisedReceptacle(label(1, 99), items(7, 3)),
                                    AdvisedReceptacle(label(4), items(1, 1))),
                             sender="CNPOST", advised_at=T0 + 5 * M)
    with p.office_uow() as uow:
        uow.office.add_pre_advice(first)
        uow.office.add_pre_advice(other)
        uow.commit()
    with p.office_uow() as uow:
        uow.office.add_pre_advice(second)
        uow.commit()
    with p.office_uow() as uow:
        assert uow.office.pre_advice(DISPATCH) == second
        assert uow.office.pre_advice(OTHER) == other
        assert uow.office.advised_receptacle(label(1)[:23]) == (label(1, 99), 9.9, items(7, 3))
        assert uow.office.advised_receptacle(label(2)[:23]) is None
        assert uow.office.advised_receptacle(label(3)[:23]) is None
        assert uow.office.advised_receptacle(label(4)[:23]) == (label(4), 12.0, items(1, 1))
        assert uow.office.advised_receptacle(label(1, dispatch=OTHER)[:23]) == (
            label(1, dispatch=OTHER), 12.0, items(50, 1))


def test_a_pre_advice_replaced_in_the_same_unit_of_work(any_platform: Platform) -> None:
    p = any_platform
    with p.office_uow() as uow:
        uow.office.add_pre_advice(AdvisedDispatch(advice(
            AdvisedReceptacle(label(1)), AdvisedReceptacle(label(2))), "CAINIAO", T0))
        uow.office.add_pre_advice(AdvisedDispatch(advice(AdvisedReceptacle(label(2), items(1, 1))),
                                                  "CAINIAO", T0 + M))
        assert uow.office.advised_receptacle(label(1)[:23]) is None  # read your own writes
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.pre_advice(DISPATCH)
        assert got is not None and [r.serial for r in got.advice.receptacles] == [2]
        assert uow.office.advised_receptacle(label(2)[:23]) == (label(2), 12.0, items(1, 1))


def test_a_pre_advice_of_ten_thousand_items(any_platform: Platform) -> None:
    """A truckload: 20 receptacles of 500 items each, back whole and in order."""
    p = any_platform
    many = advice(*(AdvisedReceptacle(label(n), items(n * 1000, 500)) for n in range(1, 21)))
    assert many.item_count == 10_000
    with p.office_uow() as uow:
        uow.office.add_pre_advice(AdvisedDispatch(many, "CAINIAO", T0))
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.pre_advice(DISPATCH)
        assert got is not None and got.advice == many
        found = uow.office.advised_receptacle(label(20)[:23])
        assert found is not None and found[2] == items(20_000, 500)


@pytest.fixture
def statements(platform: Platform) -> Iterator[list[bool]]:
    """Whether each statement sent to the database was an executemany, as sent."""
    sent: list[bool] = []

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> None:
        sent.append(executemany)

    assert platform.engine is not None
    event.listen(platform.engine, "before_cursor_execute", count)
    yield sent
    event.remove(platform.engine, "before_cursor_execute", count)


def test_storing_a_pre_advice_takes_a_few_statements_not_one_per_item(
        platform: Platform, statements: list[bool]) -> None:
    many = advice(*(AdvisedReceptacle(label(n), items(n * 1000, 500)) for n in range(1, 21)))
    with platform.office_uow() as uow:
        uow.office.add_pre_advice(AdvisedDispatch(many, "CAINIAO", T0))
        uow.office.add_pre_advice(AdvisedDispatch(many, "CAINIAO", T0 + M))  # replacing
        uow.commit()
    assert 0 < len(statements) <= 20, len(statements)


def test_thousands_of_findings_take_a_few_statements_and_keep_their_order(
        platform: Platform, statements: list[bool]) -> None:
    """A full bag found missing is thousands of findings: stored in a few statements, in the
    order given, the ones stored before not counted again."""
    missing = [Finding(DISPATCH, FindingKind.MISSING_ITEM, T0, receptacle_id=label(1),
                       item_id=i) for i in items(1, 2500)]
    with platform.office_uow() as uow:
        assert uow.office.add_findings(missing[:1000:3]) == 334
        assert uow.office.add_findings(missing) == 2500 - 334
        uow.commit()
    assert 0 < len(statements) <= 20, len(statements)
    with platform.office_uow() as uow:
        got = uow.office.findings(DISPATCH)
    assert got == missing[:1000:3] + [f for n, f in enumerate(missing)
                                      if n >= 1000 or n % 3]


# --- receipts ---------------------------------------------------------------------------


def test_a_receipt_is_stored_then_updated_in_place(any_platform: Platform) -> None:
    """Weights, seal, outcome and times survive; opening and verifying change the same
    receipt (found by the label's first 23 characters), never add a second."""
    p = any_platform
    first = receipt(1, receptacle_id=label(1, 135), weighed_kg=13.5, seal="S-0001",
                    outcome=ReceiptOutcome.UNANNOUNCED)
    with p.office_uow() as uow:
        uow.office.put_receipt(first)
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.receipt(label(1)[:23])
        assert got == first and got is not None
        _times(got.received_at, got.opened_at, got.verified_at)
        assert got.opened_at is None and got.verified_at is None
        opened = replace(first, opened_at=T0 + 10 * M)
        uow.office.put_receipt(opened)
        uow.commit()
    with p.office_uow() as uow:
        assert uow.office.receipt(label(1)[:23]) == opened
        verified = replace(opened, verified_at=T0 + 20 * M)
        uow.office.put_receipt(verified)
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.receipt(label(1)[:23])
        assert got == verified and got is not None
        _times(got.received_at, got.opened_at, got.verified_at)
        assert uow.office.receipts(DISPATCH) == [verified]
        assert uow.office.receipt(label(2)[:23]) is None


def test_receipts_of_a_dispatch_by_receptacle_serial(any_platform: Platform) -> None:
    p = any_platform
    with p.office_uow() as uow:
        for serial in (3, 11, 1, 2):
            uow.office.put_receipt(receipt(serial))
        uow.office.put_receipt(receipt(1, receptacle_id=label(1, dispatch=OTHER)))
        uow.commit()
    with p.office_uow() as uow:
        assert [r.receptacle_id for r in uow.office.receipts(DISPATCH)] == [
            label(1), label(2), label(3), label(11)]
        assert [r.dispatch_id for r in uow.office.receipts(OTHER)] == [OTHER]
        assert uow.office.receipts("CNDGGACNURCADCC60009") == []


# --- items ------------------------------------------------------------------------------


def test_an_items_work_is_stored_then_updated_in_place(any_platform: Platform) -> None:
    """A sort decision, then a hold replacing it; the same item at another office is
    another record."""
    p = any_platform
    (one,) = items(1, 1)
    sorted_ = item(one)
    elsewhere = item(one, office=OTHER_OFFICE, receptacle_id=None, next_node=None,
                     state=ItemState.UNROUTED, note="no service to KZALAA today")
    with p.office_uow() as uow:
        uow.office.put_item(sorted_)
        uow.office.put_item(elsewhere)
        uow.commit()
    with p.office_uow() as uow:
        assert uow.office.item(OFFICE, one) == sorted_
        assert uow.office.item(OTHER_OFFICE, one) == elsewhere
        assert uow.office.item(OFFICE, items(2, 1)[0]) is None
        on_hold = held(one, HoldReason.CUSTOMS, T0 + 3 * M)
        uow.office.put_item(on_hold)
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.item(OFFICE, one)
        assert got == on_hold and got is not None
        assert got.hold_reason is HoldReason.CUSTOMS and got.destination is None
        _times(got.scanned_at, got.updated_at, got.held_at)
        assert uow.office.item(OTHER_OFFICE, one) == elsewhere


def test_the_items_scanned_out_of_a_receptacle(any_platform: Platform) -> None:
    p = any_platform
    a, b, c, d = items(1, 4)
    with p.office_uow() as uow:
        uow.office.put_item(item(c, scanned_at=T0 + 2 * M))
        uow.office.put_item(item(a, scanned_at=T0 + 1 * M))
        uow.office.put_item(item(b, scanned_at=T0 + 3 * M, receptacle_id=label(2)))
        uow.office.put_item(item(d, office=OTHER_OFFICE))
        uow.office.put_item(held(items(9, 1)[0], HoldReason.SECURITY, T0))  # held: still in
        uow.commit()
    with p.office_uow() as uow:
        assert uow.office.items_in(OFFICE, label(1)) == [items(9, 1)[0], a, c]
        assert uow.office.items_in(OFFICE, label(2)) == [b]
        assert uow.office.items_in(OTHER_OFFICE, label(1)) == [d]
        assert uow.office.items_in(OFFICE, label(3)) == []


def test_the_hold_area_is_longest_held_first(any_platform: Platform) -> None:
    p = any_platform
    ids = items(1, 7)
    with p.office_uow() as uow:
        uow.office.put_item(held(ids[0], HoldReason.CUSTOMS, T0 + 30 * M))
        uow.office.put_item(held(ids[1], HoldReason.SECURITY, T0 + 10 * M))
        uow.office.put_item(held(ids[2], HoldReason.CUSTOMS, T0 + 20 * M))
        uow.office.put_item(held(ids[3], HoldReason.ADDRESS, T0 + 40 * M))
        uow.office.put_item(held(ids[4], HoldReason.CUSTOMS, T0, office=OTHER_OFFICE))
        uow.office.put_item(item(ids[5]))  # sorted: not held
        uow.office.put_item(held(ids[6], HoldReason.CUSTOMS, T0 + 5 * M))
        uow.commit()
    with p.office_uow() as uow:  # released: leaves the hold area
        released = uow.office.item(OFFICE, ids[6])
        assert released is not None
        uow.office.put_item(replace(released, state=ItemState.SORTED, hold_reason=None,
                                    held_at=None, updated_at=T0 + 50 * M))
        uow.commit()
    with p.office_uow() as uow:
        everything = uow.office.held(OFFICE)
        assert [x.item_id for x in everything] == [ids[1], ids[2], ids[0], ids[3]]
        assert all(x.state == ItemState.HELD for x in everything)
        _times(*(x.held_at for x in everything))
        assert [x.item_id for x in uow.office.held(OFFICE, HoldReason.CUSTOMS)] == [
            ids[2], ids[0]]
        assert [x.item_id for x in uow.office.held(OFFICE, HoldReason.ADDRESS)] == [ids[3]]
        assert [x.item_id for x in uow.office.held(OFFICE, limit=2)] == [ids[1], ids[2]]
        assert [x.item_id for x in uow.office.held(OTHER_OFFICE)] == [ids[4]]
        assert uow.office.held(OTHER_OFFICE, HoldReason.SECURITY) == []


def test_items_held_at_the_same_moment_come_by_id(any_platform: Platform) -> None:
    p = any_platform
    ids = items(1, 3)
    with p.office_uow() as uow:
        for i in reversed(ids):
            uow.office.put_item(held(i, HoldReason.CUSTOMS, T0))
        uow.commit()
    with p.office_uow() as uow:
        assert [x.item_id for x in uow.office.held(OFFICE)] == list(ids)


# --- findings ---------------------------------------------------------------------------


def test_a_finding_is_stored_once_and_findings_come_in_the_order_found(
        any_platform: Platform) -> None:
    p = any_platform
    a, b = items(1, 2)
    surplus = Finding(DISPATCH, FindingKind.SURPLUS_RECEPTACLE, T0, receptacle_id=label(9),
                      detail="not in the pre-advice")
    missing_a = Finding(DISPATCH, FindingKind.MISSING_ITEM, T0 + M, receptacle_id=label(1),
                        item_id=a, detail="in the pre-advice but not in the bag")
    damaged = Finding(DISPATCH, FindingKind.DAMAGED, T0 + 2 * M, detail="torn")
    with p.office_uow() as uow:
        assert uow.office.add_findings([surplus, missing_a]) == 2
        assert uow.office.add_findings([]) == 0
        uow.commit()
    missing_b = replace(missing_a, item_id=b)
    with p.office_uow() as uow:
        again = replace(missing_a, found_at=T0 + 9 * M, detail="found missing again")
        assert uow.office.add_findings([again, damaged, missing_b, missing_b]) == 2
        assert uow.office.add_findings([surplus, damaged]) == 0
        other = Finding(OTHER, FindingKind.DAMAGED, T0, detail="torn")  # another dispatch
        assert uow.office.add_findings([other]) == 1
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.findings(DISPATCH)
        assert got == [surplus, missing_a, damaged, missing_b]  # the first finding kept
        assert got[2].receptacle_id is None and got[2].item_id is None
        assert got[0].item_id is None and got[0].receptacle_id == label(9)
        _times(*(f.found_at for f in got))
        assert [f.dispatch_id for f in uow.office.findings(OTHER)] == [OTHER]
        assert uow.office.findings("CNDGGACNURCADCC60009") == []


def test_findings_differ_by_receptacle_and_item(any_platform: Platform) -> None:
    """The same kind of finding in another bag, or of a bag and of an item in it, are
    different findings (an absent receptacle or item is one value, not a NULL each)."""
    p = any_platform
    (a,) = items(1, 1)
    base = Finding(DISPATCH, FindingKind.WEIGHT, T0)
    variants = [base, replace(base, receptacle_id=label(1)), replace(base, receptacle_id=label(2)),
                replace(base, receptacle_id=label(1), item_id=a), replace(base, item_id=a),
                replace(base, kind=FindingKind.DAMAGED)]
    with p.office_uow() as uow:
        assert uow.office.add_findings(variants) == len(variants)
        assert uow.office.add_findings([replace(v, detail="again") for v in variants]) == 0
        uow.commit()
    with p.office_uow() as uow:
        assert uow.office.findings(DISPATCH) == variants


# --- transactions -----------------------------------------------------------------------


def test_a_unit_of_work_left_without_commit_leaves_nothing(any_platform: Platform) -> None:
    p = any_platform
    (one,) = items(1, 1)
    advised = AdvisedDispatch(advice(AdvisedReceptacle(label(1), (one,))), "CAINIAO", T0)
    finding = Finding(DISPATCH, FindingKind.DAMAGED, T0, receptacle_id=label(1))
    with p.office_uow() as uow:
        uow.office.add_pre_advice(advised)
        uow.office.put_receipt(receipt(1))
        uow.office.put_item(held(one, HoldReason.SECURITY, T0))
        assert uow.office.add_findings([finding]) == 1
        assert uow.office.pre_advice(DISPATCH) == advised  # seen inside the transaction
        assert uow.office.held(OFFICE) != []
    with p.office_uow() as uow:
        assert uow.office.pre_advice(DISPATCH) is None
        assert uow.office.advised_receptacle(label(1)[:23]) is None
        assert uow.office.receipt(label(1)[:23]) is None and uow.office.receipts(DISPATCH) == []
        assert uow.office.item(OFFICE, one) is None and uow.office.held(OFFICE) == []
        assert uow.office.items_in(OFFICE, label(1)) == []
        assert uow.office.findings(DISPATCH) == []
        assert uow.office.add_findings([finding]) == 1  # not stored before: new now
        uow.rollback()
        assert uow.office.findings(DISPATCH) == []


def test_a_rollback_keeps_what_was_committed_before(any_platform: Platform) -> None:
    p = any_platform
    (one,) = items(1, 1)
    first = receipt(1)
    with p.office_uow() as uow:
        uow.office.put_receipt(first)
        uow.office.put_item(item(one))
        uow.commit()
    with p.office_uow() as uow:
        uow.office.put_receipt(replace(first, opened_at=T0 + M))
        uow.office.put_item(held(one, HoldReason.CUSTOMS, T0 + M))
    with p.office_uow() as uow:
        assert uow.office.receipt(label(1)[:23]) == first
        assert uow.office.item(OFFICE, one) == item(one)
        assert uow.office.held(OFFICE) == []


def test_times_come_back_as_the_same_instant_whatever_the_offset(any_platform: Platform
                                                                ) -> None:
    p = any_platform
    (one,) = items(1, 1)
    at = datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-3)))
    with p.office_uow() as uow:
        uow.office.put_item(item(one, scanned_at=at, updated_at=at.astimezone(UTC)))
        uow.commit()
    with p.office_uow() as uow:
        got = uow.office.item(OFFICE, one)
        assert got is not None and got.scanned_at == at and got.updated_at == at
        _times(got.scanned_at, got.updated_at)


def test_an_item_goes_into_one_bag_at_an_office(any_platform: Platform) -> None:
    """The second bag an item is put into at the same office is refused (False), on every
    store: the outbound service reads that answer as "put into another bag at the same
    moment" (PostgreSQL's driver reports no row count for a skipped insert)."""
    (one,) = items(1, 1)
    with any_platform.office_uow() as uow:
        assert uow.office.add_to_bag(OFFICE, 1, one, T0) is True
        assert uow.office.add_to_bag(OFFICE, 2, one, T0 + M) is False
        assert uow.office.add_to_bag(OTHER_OFFICE, 3, one, T0 + M) is True
        uow.commit()
    with any_platform.office_uow() as uow:
        assert uow.office.bag_of(OFFICE, one) == 1
        assert uow.office.add_to_bag(OFFICE, 4, one, T0 + 2 * M) is False
