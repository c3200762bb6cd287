"""A stored declaration keeps the declaration as a record that reads back into the same one,
and its status follows customs' receipts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.customs import read_declaration
from silkpost.domain.customs_receipts import Outcome
from silkpost.domain.declarations import (
    DeclarationStatus,
    StoredDeclaration,
    record_of,
    status_after,
)
from silkpost.domain.errors import InvalidValue
from tests.unit.customs.declaration_records import record

AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def test_a_record_reads_back_into_the_same_declaration() -> None:
    """Parties, lines, optional codes and amounts (as strings, cents kept) survive."""
    first = read_declaration(record(buyer={"name": "Ли", "country": "kz"}))
    again = record_of(first)
    assert read_declaration(again) == first
    assert again["lines"][0]["hs_code"] == "392690"  # the one spelling: dots out
    assert again["freight"] == "3.50" and again["buyer"] == {"name": "Ли", "country": "KZ"}


@given(st.sampled_from(["  D-77 ", "D-77", "D-77\t"]), st.sampled_from(["usd", "USD", " Usd"]),
       st.sampled_from(["3926.90", "392690"]))
def test_spellings_of_one_declaration_give_one_record(reference: str, currency: str,
                                                      hs_code: str) -> None:
    """Whitespace, a currency's letter case and dots in HS codes do not make another
    declaration (a reference is the broker's, case and all)."""
    line = {**record()["lines"][0], "hs_code": hs_code}
    one = record_of(read_declaration(record(reference, currency=currency,
                                            lines=[line])))
    assert one == record_of(read_declaration(record("D-77", lines=[line])))


def test_a_changed_field_gives_another_record() -> None:
    base: dict[str, Any] = record()
    assert record_of(read_declaration(base)) != record_of(read_declaration(
        record(gross_weight_kg="1.3")))


def test_a_received_declaration_starts_received() -> None:
    stored = StoredDeclaration.received(read_declaration(record()), broker="BROKER", at=AT)
    assert (stored.status, stored.received_at, stored.updated_at) == (
        DeclarationStatus.RECEIVED, AT, AT)
    assert (stored.regime, stored.direction, stored.item_id) == ("9610", "export",
                                                                 "CA000000014CN")


def test_times_are_checked_on_construction() -> None:
    stored = StoredDeclaration.received(read_declaration(record()), broker="BROKER", at=AT)
    with pytest.raises(InvalidValue) as caught:
        StoredDeclaration(**{**_fields(stored), "updated_at": AT - timedelta(seconds=1)})
    assert caught.value.field == "updated_at"
    with pytest.raises(InvalidValue) as naive:
        StoredDeclaration(**{**_fields(stored), "received_at": AT.replace(tzinfo=None)})
    assert naive.value.field == "received_at"


def _fields(stored: StoredDeclaration) -> dict[str, Any]:
    return {name: getattr(stored, name) for name in StoredDeclaration.__slots__}


def test_every_receipt_outcome_but_an_error_is_a_status() -> None:
    assert status_after(Outcome.ERROR) is None
    assert {status_after(o) for o in Outcome if o is not Outcome.ERROR} == (
        set(DeclarationStatus) - {DeclarationStatus.RECEIVED})
