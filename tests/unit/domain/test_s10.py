"""UPU S10 item ids: check digit, layout, country, ranges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain import s10
from silkpost.domain.errors import InvalidChecksum, InvalidComponent, InvalidFormat

serials = st.integers(min_value=0, max_value=99_999_999)
indicators = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)
countries = st.sampled_from(["CN", "KZ", "KG", "UZ", "TJ", "RU", "PL", "DE", "GB"])


def test_worked_example_from_the_standard() -> None:
    """47312482 weighs to 200, so its check digit is 11 - 200 mod 11 = 9."""
    assert s10.calc_check_digit("47312482") == "9"
    assert s10.validate("AA 47312482 9 GB") == "AA473124829GB"


def test_folding_of_10_and_11() -> None:
    """A check of 10 is written 0 and a check of 11 is written 5."""
    assert s10.calc_check_digit("00000011") == "6"  # 9 + 7 = 16 → 11 - 5 = 6, no folding
    assert s10.calc_check_digit("00000008") == "0"  # 7 * 8 = 56 ≡ 1 → 10 → written 0
    assert s10.calc_check_digit("00000000") == "5"  # 0 → 11 → written 5


def test_public_format_only_number_is_rejected() -> None:
    """RR123456789CN is listed as valid by format-only checkers; its check digit is 5."""
    with pytest.raises(InvalidChecksum, match="should be 5"):
        s10.validate("RR123456789CN")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("CA12345678CN", InvalidFormat),
        ("C1123456785CN", InvalidFormat),
        ("CA123456785XX", InvalidComponent),
        ("CA1234567851CN", InvalidFormat),
    ],
)
def test_malformed_ids_say_why(value: str, error: type[Exception]) -> None:
    """Each kind of malformation raises its own error type."""
    with pytest.raises(error):
        s10.validate(value)


@given(indicators, serials, countries)
def test_built_ids_validate(indicator: str, serial: int, country: str) -> None:
    """Every id built from a serial passes validation and keeps its parts."""
    number = s10.build(indicator, serial, country)
    assert s10.validate(number) == number
    assert int(number[2:10]) == serial and number[11:] == country


@given(serials, st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=9))
def test_single_digit_errors_are_caught(serial: int, position: int, delta: int) -> None:
    """Changing one serial digit breaks the check, unless both weigh to a folded 0 or 5.

    The weights are all below 11 and 11 is prime, so a one-digit change always changes the sum
    mod 11; only the 10→0 and 11→5 folding can make two sums print the same digit.
    """
    number = s10.build("CA", serial, "CN")
    digits = list(number[2:10])
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    typo = f"CA{changed}{number[10]}CN"
    if s10.calc_check_digit(changed) == number[10]:
        assert number[10] in "05"
    else:
        assert not s10.is_valid(typo)


def test_id_range_is_consecutive_and_valid() -> None:
    """A range gives count consecutive serials, each with its own check digit."""
    ids = list(s10.id_range("EE", "KZ", 99_999_998, 2))
    assert [i[2:10] for i in ids] == ["99999998", "99999999"]
    assert all(s10.is_valid(i) for i in ids)
    with pytest.raises(InvalidFormat):
        list(s10.id_range("EE", "KZ", 99_999_999, 2))


@pytest.mark.parametrize(
    ("indicator", "cls"),
    [("CA", "parcel"), ("EE", "ems"), ("HA", "e-commerce parcel"), ("QM", "business reply"),
     ("QN", "unassigned"), ("AA", "unassigned"), ("GD", "domestic or bilateral")],
)
def test_service_indicators_classify_without_rejecting(indicator: str, cls: str) -> None:
    """Indicators are classified; an unknown block is 'unassigned', not an error."""
    assert s10.service_class(indicator) == cls
