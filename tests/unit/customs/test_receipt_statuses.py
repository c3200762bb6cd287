"""Customs receipts' returnStatus → the event the item gets: every code exists in the table and
puts the item in the status the receipt means."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from silkpost.domain.codes import Status, event_codes
from silkpost.domain.customs_receipts import (
    RECEIPTS,
    Outcome,
    Receipt,
    event_code_of,
    outcome_of,
)

STATUS_OF = {Outcome.DECLARED: Status.HELD_BY_CUSTOMS, Outcome.HELD: Status.HELD_BY_CUSTOMS,
             Outcome.RELEASED: Status.RELEASED, Outcome.RETURNED: Status.RETURNED,
             Outcome.REJECTED: Status.EXCEPTION, Outcome.ERROR: Status.EXCEPTION}


def receipt(message: str, status: int) -> Receipt:
    return Receipt(message, status, datetime(2026, 12, 1, tzinfo=UTC), "")


@pytest.mark.parametrize("message", sorted(RECEIPTS))
@pytest.mark.parametrize(("status", "outcome"), [
    (1, Outcome.DECLARED), (2, Outcome.DECLARED), (3, Outcome.DECLARED),
    (120, Outcome.DECLARED), (300, Outcome.DECLARED), (399, Outcome.DECLARED),
    (4, Outcome.ERROR), (100, Outcome.REJECTED), (500, Outcome.HELD), (501, Outcome.HELD),
    (502, Outcome.HELD), (503, Outcome.HELD), (599, Outcome.HELD), (700, Outcome.RETURNED),
    (800, Outcome.RELEASED), (899, Outcome.RELEASED), (-621005, Outcome.ERROR),
    (-1, Outcome.ERROR),
])
def test_each_status_becomes_a_code_of_the_table_with_its_meaning(
        message: str, status: int, outcome: Outcome) -> None:
    assert outcome_of(status) is outcome
    code = event_code_of(receipt(message, status))
    assert code is not None and code in event_codes()
    assert event_codes()[code].status is STATUS_OF[outcome]


def test_export_and_import_receipts_take_their_own_customs_codes() -> None:
    assert event_code_of(receipt("CEB604", 800)) == "EXC"
    assert event_code_of(receipt("CEB622", 800)) == "EDC"
    assert event_code_of(receipt("CEB622", 500)) == "EME"
    assert event_code_of(receipt("CEB506", 500)) == "EXB"


@pytest.mark.parametrize("status", [0, 5, 42, 600, 900])
def test_a_status_the_specification_does_not_list_has_no_event(status: int) -> None:
    assert outcome_of(status) is None and event_code_of(receipt("CEB622", status)) is None
