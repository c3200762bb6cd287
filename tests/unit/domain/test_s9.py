"""UPU S9 receptacle ids: parsing into fields, building back, naming the field at fault."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain import s9
from silkpost.domain.errors import InvalidComponent, InvalidFormat

offices = st.sampled_from(["CNURCA", "CNKHGA", "CNYINA", "KZALAA", "KZASTA", "KGFRUA", "UZTASA"])


@given(
    offices, offices, st.sampled_from("ABCD"), st.sampled_from(["CA", "CB", "CC", "UN", "EM"]),
    st.integers(0, 9), st.integers(1, 9999), st.integers(1, 999), st.booleans(),
    st.sampled_from(["none", "registered", "insured"]), st.integers(0, 9999),
)
def test_build_then_parse_gives_the_fields_back(
    origin: str, dest: str, cat: str, sub: str, year: int, dispatch: int, receptacle: int,
    highest: bool, registered: str, weight: int,
) -> None:
    """parse(build(r)) == r for every field combination."""
    r = s9.ReceptacleId(origin, dest, cat, sub, year, dispatch, receptacle, highest, registered,
                        weight / 10)
    text = s9.build(r)
    assert len(text) == 29
    assert s9.parse(text) == r
    assert r.dispatch_id == text[:20]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("CNURCAKZALAACCC6004200101015", InvalidFormat, "29 characters"),
        ("CNURCAKZALAAC1C60042001010153", InvalidFormat, "mail subclass"),
        ("CNURCAKZALAAECC60042001010153", InvalidComponent, "mail category"),
        ("XXURCAKZALAACCC60042001010153", InvalidComponent, "country"),
        ("CNURCAKZALAACCC60042001510153", InvalidComponent, "highest"),
        ("CNURCAKZALAACCC60000001010153", InvalidComponent, "start at 1"),
        ("CNURCAKZALAACCC6004200101015X", InvalidFormat, "weight"),
    ],
)
def test_errors_name_the_field(value: str, error: type[Exception], message: str) -> None:
    """A malformed id says which of its fields is wrong."""
    with pytest.raises(error, match=message):
        s9.parse(value)


def test_weight_is_in_tenths_of_a_kilogram() -> None:
    """0153 is 15.3 kg."""
    assert s9.parse("CNURCAKZALAACCC60042001010153").weight_kg == 15.3
