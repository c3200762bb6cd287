"""The declaration repository on SQLite, PostgreSQL and the in-memory fake: one contract.

A key (broker, reference) holds one declaration: a second one under it is not stored, and the
answer is what is stored there. Lists come newest first in the keyset order, and walking
the pages gives every declaration once, on every store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from silkpost.bootstrap import Platform
from silkpost.customs.matching import Collected
from silkpost.customs.ports import DeclarationQuery, DeclarationUnitOfWork
from silkpost.customs.receipts import record_receipts
from silkpost.domain.customs import read_declaration
from silkpost.domain.customs_receipts import Receipt
from silkpost.domain.declarations import CustomsReference, DeclarationStatus, StoredDeclaration
from silkpost.domain.errors import InvalidValue
from silkpost.domain.events import to_epoch_us
from tests.unit.customs.declaration_records import record

T0 = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
Uows = Callable[[], DeclarationUnitOfWork]


@pytest.fixture
def uows(any_platform: Platform) -> Uows:
    return any_platform.declaration_uow


def stored(reference: str, broker: str = "BRK-A", *, at: datetime = T0,
           **changes: object) -> StoredDeclaration:
    return StoredDeclaration.received(read_declaration(record(reference, **changes)),
                                      broker=broker, at=at)


def test_a_declaration_comes_back_as_it_went_in(uows: Uows) -> None:
    """The record (scripts, amounts as strings), the key, the filters' columns and the
    times (given at another offset, back as the same instants)."""
    almaty = timezone(timedelta(hours=5))
    d = stored("D-1", at=T0.astimezone(almaty), regime="9710", ebp_code=None, order_no="O-1")
    with uows() as uow:
        assert uow.declarations.add(d) is None
        uow.commit()
    with uows() as uow:
        back = uow.declarations.get("BRK-A", "D-1")
    assert back == d
    assert back is not None and back.record["sender"]["name"] == "张伟"
    assert back.received_at == T0 and back.regime == "9710"


def test_a_taken_key_stores_nothing_and_answers_what_is_there(uows: Uows) -> None:
    first, second = stored("D-1"), stored("D-1", gross_weight_kg="9", at=T0 + MIN)
    with uows() as uow:
        uow.declarations.add(first)
        uow.commit()
    with uows() as uow:
        assert uow.declarations.add(second) == first
        uow.commit()
    with uows() as uow:
        assert uow.declarations.get("BRK-A", "D-1") == first
        other = stored("D-1", "BRK-B")  # another broker's reference is another key
        assert uow.declarations.add(other) is None
        assert uow.declarations.add(stored("D-1", "BRK-B", freight="1")) == other  # pending
        uow.commit()
    with uows() as uow:
        assert [d.broker for d in uow.declarations.with_reference("D-1", limit=10)] == [
            "BRK-A", "BRK-B"]
        assert len(uow.declarations.with_reference("D-1", limit=1)) == 1
        assert uow.declarations.with_reference("D-2", limit=10) == []


def test_nothing_is_kept_unless_committed(uows: Uows) -> None:
    with uows() as uow:
        uow.declarations.add(stored("D-1"))
    with uows() as uow:
        assert uow.declarations.get("BRK-A", "D-1") is None
        assert uow.declarations.list(DeclarationQuery()) == []


def _zoo(uows: Uows) -> list[StoredDeclaration]:
    # Three at one instant (a batch), brokers interleaved, two regimes, one status changed.
    made = [stored(f"D-{n:02d}", "BRK-A" if n % 2 else "BRK-B", at=T0 + (n // 3) * MIN,
                   **({"regime": "9710", "ebp_code": None} if n % 4 == 0 else {}))
            for n in range(14)]
    made[5] = StoredDeclaration(**{**{k: getattr(made[5], k) for k in
                                      StoredDeclaration.__slots__},
                                   "status": DeclarationStatus.RELEASED,
                                   "updated_at": T0 + 30 * MIN})
    with uows() as uow:
        for d in made:
            uow.declarations.add(d)
        uow.commit()
    return made


def _order(d: StoredDeclaration) -> tuple[int, str, str]:
    return to_epoch_us(d.received_at), d.broker, d.reference


@pytest.mark.parametrize(("query", "wanted"), [
    (DeclarationQuery(), lambda d: True),
    (DeclarationQuery(broker="BRK-A"), lambda d: d.broker == "BRK-A"),
    (DeclarationQuery(regime="9710"), lambda d: d.regime == "9710"),
    (DeclarationQuery(status=DeclarationStatus.RELEASED), lambda d: d.status == "released"),
    (DeclarationQuery(status=DeclarationStatus.RECEIVED, broker="BRK-B", regime="9610"),
     lambda d: d.status == "received" and d.broker == "BRK-B" and d.regime == "9610"),
    (DeclarationQuery(since=T0 + 2 * MIN), lambda d: d.received_at >= T0 + 2 * MIN),
])
def test_lists_filter_and_come_newest_first(
    uows: Uows, query: DeclarationQuery, wanted: Callable[[StoredDeclaration], bool]
) -> None:
    made = _zoo(uows)
    with uows() as uow:
        found = uow.declarations.list(query)
    expected = sorted((d for d in made if wanted(d)), key=_order, reverse=True)
    assert expected and found == expected


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 14, 100])
def test_pages_give_every_declaration_once(uows: Uows, limit: int) -> None:
    """Walking the keyset from each page's last declaration: ties in time (a batch) are
    broken by broker and reference, so none is skipped or repeated."""
    made = _zoo(uows)
    seen: list[StoredDeclaration] = []
    after = None
    with uows() as uow:
        while True:
            page = uow.declarations.list(DeclarationQuery(after=after, limit=limit))
            seen += page
            if len(page) < limit:
                break
            after = _order(page[-1])
    assert seen == sorted(made, key=_order, reverse=True)


def test_declarations_are_found_by_the_numbers_customs_receipts_carry(uows: Uows) -> None:
    """Order, waybill, inventory number and item, each from the record; newest first, then
    by broker and reference; at most the limit; another number finds nothing."""
    older = stored("D-1", order_no="ORD-1", waybill_no="WB-1",
                   inventory_no="37002026E000000001", item_id="CA000000014CN")
    newer = stored("D-2", "BRK-B", at=T0 + MIN, order_no="ORD-1", waybill_no="WB-2",
                   item_id="CA000000028CN")
    same_time = stored("D-3", at=T0 + MIN, order_no="ORD-1", waybill_no="WB-3", item_id=None)
    with uows() as uow:
        for d in (older, newer, same_time):
            uow.declarations.add(d)
        uow.commit()
    kind = CustomsReference
    with uows() as uow:
        found = uow.declarations.with_customs_reference
        assert found(kind.ORDER, "ORD-1", limit=10) == [same_time, newer, older]
        assert found(kind.ORDER, "ORD-1", limit=2) == [same_time, newer]
        assert found(kind.WAYBILL, "WB-2", limit=10) == [newer]
        assert found(kind.INVENTORY, "37002026E000000001", limit=10) == [older]
        assert found(kind.ITEM, "CA000000014CN", limit=10) == [older]
        assert found(kind.INVENTORY, "ORD-1", limit=10) == []
        assert found(kind.WAYBILL, "wb-2", limit=10) == []
        assert found(kind.ORDER, "ORD-1\x01" + "x" * 100, limit=10) == []


def test_a_status_set_is_kept_when_committed(uows: Uows) -> None:
    d = stored("D-1", order_no="ORD-1")
    with uows() as uow:
        uow.declarations.add(d)
        uow.commit()
    with uows() as uow:
        assert uow.declarations.set_status("BRK-A", "D-1", DeclarationStatus.HELD,
                                           at=T0 + MIN)
        assert uow.declarations.get("BRK-A", "D-1") == replace(
            d, status=DeclarationStatus.HELD, updated_at=T0 + MIN)  # seen inside at once
    with uows() as uow:  # not committed: as it was
        assert uow.declarations.get("BRK-A", "D-1") == d
        assert uow.declarations.set_status("BRK-A", "D-1", DeclarationStatus.RELEASED,
                                           at=T0 + 2 * MIN)
        assert not uow.declarations.set_status("BRK-A", "D-9", DeclarationStatus.RELEASED,
                                               at=T0 + 2 * MIN)
        uow.commit()
    with uows() as uow:
        back = uow.declarations.get("BRK-A", "D-1")
        [by_order] = uow.declarations.with_customs_reference(CustomsReference.ORDER, "ORD-1",
                                                             limit=5)
        listed = uow.declarations.list(DeclarationQuery(status=DeclarationStatus.RELEASED))
    assert back == by_order == replace(d, status=DeclarationStatus.RELEASED,
                                       updated_at=T0 + 2 * MIN)
    assert listed == [back]
    with uows() as uow, pytest.raises(InvalidValue):  # not updated before it was received
        uow.declarations.set_status("BRK-A", "D-1", DeclarationStatus.HELD, at=T0 - MIN)


@pytest.mark.parametrize("order_no", ["ORD-1\x00", "ORD-1" + "9" * 200, "ORD-1\n"])
def test_a_hostile_receipt_number_finds_nothing_and_breaks_nothing(
    any_platform: Platform, order_no: str
) -> None:
    """A NUL (which PostgreSQL refuses in any string), a number longer than any stored one,
    a line break: the receipt is not attributable, on every store, and nothing is moved."""
    with any_platform.declaration_uow() as uow:
        uow.declarations.add(stored("D-1", order_no="ORD-1"))
        uow.commit()
    receipt = Receipt("CEB304", 800, T0 - 24 * 60 * MIN, "放行", order_no=order_no)
    report = record_receipts(Collected(receipts=[("r.xml", receipt)]), uow=any_platform.uow(),
                             clock=any_platform.clock,
                             declarations=any_platform.declaration_uow())
    assert (report.not_attributable, report.declarations_updated) == (1, 0)
    with any_platform.declaration_uow() as uow:
        back = uow.declarations.get("BRK-A", "D-1")
    assert back is not None and back.status is DeclarationStatus.RECEIVED
