"""The exchange office's domain rules: pre-advices checked on construction, one outcome per
receptacle scan, weight tolerance, item direction codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain import s10
from silkpost.domain.errors import InvalidValue
from silkpost.domain.office import (
    WEIGHT_TOLERANCE_KG,
    AdvisedReceptacle,
    Finding,
    PreAdvice,
    ReceiptOutcome,
    check_dispatch_id,
    missing_items,
    receipt_outcome,
    receptacle_key,
    weight_finding,
)

DISPATCH = "CNURCAKZALAACCC60042"


def label(serial: int, weight_tenths: int = 153, highest: int = 0) -> str:
    return f"{DISPATCH}{serial:03d}{highest}1{weight_tenths:04d}"


def items(first: int, count: int) -> tuple[str, ...]:
    return tuple(s10.build("CA", n, "CN") for n in range(first, first + count))


def test_a_pre_advice_reads_its_parts_from_the_dispatch_id() -> None:
    advice = PreAdvice.of(DISPATCH, year=2026, receptacles=[
        AdvisedReceptacle(label(2), items(10, 3)), AdvisedReceptacle(label(1), items(1, 2))])
    assert (advice.origin, advice.destination, advice.category, advice.subclass,
            advice.serial) == ("CNURCA", "KZALAA", "C", "CC", 42)
    assert [r.serial for r in advice.receptacles] == [1, 2]  # kept by serial
    assert advice.item_count == 5
    assert advice.receptacles[0].weight_kg == 15.3  # from the label when not stated


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"dispatch_id": "CNURCAKZALAACCC6004"}, "dispatch_id", "20 characters"),
    ({"dispatch_id": "CNURCAKZALAAECC60042"}, "dispatch_id", "mail category"),
    ({"dispatch_id": "CNURCAKZALAACCC60000"}, "dispatch_id", "start at 1"),
    ({"dispatch_id": "XXURCAKZALAACCC60042"}, "dispatch_id", "country"),
    ({"year": 2025}, "year", "year digit"),
    ({"receptacles": ()}, "receptacles", "at least one"),
])
def test_a_bad_pre_advice_names_its_field(change: dict[str, object], field: str,
                                          words: str) -> None:
    parts: dict[str, object] = {"dispatch_id": DISPATCH, "year": 2026,
                                "receptacles": (AdvisedReceptacle(label(1)),)}
    parts.update(change)
    with pytest.raises(InvalidValue) as caught:
        PreAdvice(**parts)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_receptacle_of_another_dispatch_is_refused() -> None:
    other = "CNURCAKZALAACCC60043001010153"
    with pytest.raises(InvalidValue, match="not of dispatch"):
        PreAdvice.of(DISPATCH, year=2026, receptacles=[AdvisedReceptacle(other)])


def test_an_item_in_two_receptacles_is_refused() -> None:
    shared = items(1, 1)
    with pytest.raises(InvalidValue, match=f"item {shared[0]} is in receptacles"):
        PreAdvice.of(DISPATCH, year=2026, receptacles=[
            AdvisedReceptacle(label(1), shared), AdvisedReceptacle(label(2), shared)])


def test_two_receptacles_with_one_serial_are_refused() -> None:
    with pytest.raises(InvalidValue, match="serial 001 is listed twice"):
        PreAdvice.of(DISPATCH, year=2026, receptacles=[
            AdvisedReceptacle(label(1, 100)), AdvisedReceptacle(label(1, 200))])


def test_an_item_with_a_wrong_check_digit_names_the_receptacle() -> None:
    bad = s10.build("CA", 14, "CN")
    bad = bad[:10] + str((int(bad[10]) + 1) % 10) + bad[11:]
    with pytest.raises(InvalidValue) as caught:
        AdvisedReceptacle(label(1), (bad,))
    assert caught.value.field is not None and label(1) in caught.value.field


def test_an_item_listed_twice_in_a_bag_is_refused() -> None:
    with pytest.raises(InvalidValue, match="listed twice"):
        AdvisedReceptacle(label(1), items(1, 1) * 2)


def test_weights_beyond_a_label_are_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        AdvisedReceptacle(label(1), weight_kg=1000.0)
    assert caught.value.field == "weight_kg"
    with pytest.raises(InvalidValue):
        AdvisedReceptacle(label(1), weight_kg=float("nan"))


@given(st.integers(0, 9999), st.integers(-50, 50))
def test_the_weight_is_a_finding_exactly_beyond_the_tolerance(declared: int, step: int
                                                               ) -> None:
    declared_kg, weighed_kg = declared / 10, max(0, declared + step) / 10
    note = weight_finding(declared_kg, weighed_kg)
    off = abs(round(weighed_kg - declared_kg, 3)) > WEIGHT_TOLERANCE_KG
    assert (note is not None) == off
    if note is not None:
        assert f"declared {declared_kg:.1f} kg" in note


def test_each_scan_has_one_outcome() -> None:
    mine = label(1)
    assert receipt_outcome("KZALAA", mine, advised=True, received_label=None) \
        is ReceiptOutcome.ANNOUNCED
    assert receipt_outcome("KZALAA", mine, advised=False, received_label=None) \
        is ReceiptOutcome.UNANNOUNCED
    assert receipt_outcome("KZASTA", mine, advised=True, received_label=None) \
        is ReceiptOutcome.WRONG_OFFICE
    assert receipt_outcome("KZALAA", mine, advised=True, received_label=mine) \
        is ReceiptOutcome.ALREADY_RECEIVED
    # Same bag number, another label (weight): a second bag claiming the number.
    assert receipt_outcome("KZALAA", label(1, 999), advised=True, received_label=mine) \
        is ReceiptOutcome.DUPLICATE
    assert receptacle_key(label(1, 999)) == receptacle_key(mine)


@given(st.lists(st.integers(1, 60), unique=True), st.lists(st.integers(1, 60)))
def test_missing_items_are_the_advised_not_scanned_in_advised_order(
        advised: list[int], scanned: list[int]) -> None:
    names = [f"X{n:04d}" for n in advised]
    got = missing_items(names, (f"X{n:04d}" for n in scanned))
    assert got == [n for n in names if int(n[1:]) not in set(scanned)]


def test_a_finding_needs_an_aware_time() -> None:
    with pytest.raises(InvalidValue):
        Finding(DISPATCH, "weight", datetime(2026, 1, 1))  # type: ignore[arg-type]
    assert Finding(DISPATCH, "weight", datetime(2026, 1, 1, tzinfo=UTC)).kind.value == "weight"


def test_check_dispatch_id_compacts() -> None:
    assert check_dispatch_id(" cnurca kzalaa ccc6 0042 ") == DISPATCH


def test_the_offices_events_are_the_code_tables_own() -> None:
    """Each action's code exists, applies to items, and carries the action's meaning in the
    code table: presentations and releases their marks, holds the held or exception status,
    arrivals and departures at an office of exchange the table's statuses for them."""
    from silkpost.domain.codes import Mark, Status, event_codes
    from silkpost.domain.office import OFFICE_EVENTS, Direction, OfficeAction

    table = event_codes()
    marks = {OfficeAction.PRESENTED: Mark.PRESENTED, OfficeAction.RELEASED: Mark.RELEASED,
             OfficeAction.LEFT: Mark.LEAVING}
    for action, by_direction in OFFICE_EVENTS.items():
        assert set(by_direction) == set(Direction), action
        for code in by_direction.values():
            entry = table[code]
            assert "item" in entry.objects, code
            if action in marks:
                assert marks[action] in entry.marks, (action, code)
            if action.value.startswith("held"):
                assert entry.status in (Status.HELD_BY_CUSTOMS, Status.EXCEPTION), code
    assert table[OFFICE_EVENTS[OfficeAction.ARRIVED][Direction.OUTWARD]].status \
        is Status.AT_OFFICE_OF_EXCHANGE
