"""The blacklist's domain: who a shipper is, when an entry is in force, what a check names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.blacklist import (
    Blacklist,
    BlacklistEntry,
    ShipperKind,
    shipper,
    shippers_of,
)
from silkpost.domain.customs import read_declaration
from silkpost.domain.errors import InvalidValue
from tests.unit.customs.test_declarations import RESIDENT, b2c

T0 = datetime(2026, 12, 5, 12, tzinfo=UTC)
HOURS = st.integers(min_value=-1000, max_value=1000)


def test_a_shipper_is_checked_and_compacted() -> None:
    assert shipper(" Company ", "3301968e2u").key == "company:3301968E2U"
    assert shipper("passport", "e 1234567").number == "E1234567"
    with pytest.raises(InvalidValue) as caught:
        shipper("resident_id", RESIDENT[:-1] + "1")
    assert caught.value.field == "number" and "GB 11643" in caught.value.message
    with pytest.raises(InvalidValue, match="one of resident_id, passport, company"):
        shipper("phone", "123")


def test_a_declaration_names_its_sender_and_company() -> None:
    found = shippers_of(read_declaration(b2c()))
    assert [(where, who.key) for where, who in found] == [
        ("sender.identity", f"resident_id:{RESIDENT}"), ("ebc_code", "company:3301968E2U")]


@given(HOURS, st.one_of(st.none(), st.integers(min_value=1, max_value=500)),
       st.one_of(st.none(), st.integers(min_value=0, max_value=500)))
def test_an_entry_is_in_force_from_its_adding_until_it_expires_or_is_lifted(
        at: int, expires: int | None, removed: int | None) -> None:
    entry = BlacklistEntry(
        shipper("company", "X1"), "reason", "source", "by", T0,
        None if expires is None else T0 + timedelta(hours=expires),
        None if removed is None else T0 + timedelta(hours=removed),
        None if removed is None else "chief")
    moment = T0 + timedelta(hours=at)
    expected = (at >= 0 and (expires is None or at < expires)
                and (removed is None or at < removed))
    assert entry.in_force(moment) is expected
    assert (len(Blacklist([entry], at=moment)) == 1) is expected


def test_a_check_names_the_field_and_the_reason() -> None:
    barred = BlacklistEntry(shipper("company", "3301968E2U"), "smuggling", "case 9", "Li", T0,
                            T0 + timedelta(days=90))
    [problem] = Blacklist([barred], at=T0).problems(read_declaration(b2c()))
    assert problem.field == "ebc_code"
    assert "smuggling" in problem.reason and "case 9" in problem.reason
    assert "until 2027-03-05" in problem.reason
    assert Blacklist([barred], at=T0 + timedelta(days=90)).problems(
        read_declaration(b2c())) == []
    assert shipper("company", "X1").kind is ShipperKind.COMPANY


@pytest.mark.parametrize(("changes", "field"), [
    ({"reason": " "}, "reason"), ({"source": ""}, "source"), ({"added_by": "x" * 251},
                                                              "added_by"),
    ({"expires_at": T0}, "expires_at"), ({"removed_at": T0}, "removed_by"),
])
def test_a_wrong_entry_is_refused_naming_the_field(changes: dict[str, object], field: str
                                                   ) -> None:
    kw: dict[str, object] = {"who": shipper("company", "X1"), "reason": "r", "source": "s",
                             "added_by": "b", "added_at": T0}
    kw.update(changes)
    with pytest.raises(InvalidValue) as caught:
        BlacklistEntry(**kw)  # type: ignore[arg-type]
    assert caught.value.field == field
