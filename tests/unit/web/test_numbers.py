"""The pages' numbers follow the page language's CLDR rules (grouping, decimal sign, %)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.web.numbers import NO_VALUE, compact, number, share

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("lang", "thousands", "decimal", "percent"),
    [
        ("en", "15,000", "5.7", "75.1%"),
        ("zh", "15,000", "5.7", "75.1%"),
        ("ru", f"15{NBSP}000", "5,7", f"75,1{NBSP}%"),
        ("kk", f"15{NBSP}000", "5,7", "75,1%"),
    ],
)
def test_each_language_writes_numbers_its_own_way(
    lang: str, thousands: str, decimal: str, percent: str
) -> None:
    assert number(15000, lang) == thousands
    assert number(5.7, lang, 1) == decimal
    assert share(0.751, lang) == percent


def test_missing_values_show_a_dash_not_zero() -> None:
    assert number(None, "ru") == NO_VALUE
    assert share(None, "zh") == NO_VALUE


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["en", "zh", "ru", "kk"]))
def test_grouping_never_changes_the_digits(value: int, lang: str) -> None:
    shown = number(value, lang)
    assert "".join(c for c in shown if c.isdigit()) == str(value)
    assert compact(value, lang) == shown


def test_fixed_decimals_keep_a_column_one_width() -> None:
    assert share(0.75, "en") == "75.0%"
    assert number(2, "ru", 2) == "2,00"
