"""The idempotency key is what every stored event is deduplicated by: it must never change.

The key of an event is the 16-byte BLAKE2b of ``n␟kind␟code␟occurred_us␟location␟office``
(docs/events.md, "Stored once"). The store holds keys computed by every earlier version, so
a faster way of computing it must give the same bytes: pinned values, and the written-out
definition on random events.
"""

from __future__ import annotations

from hashlib import blake2b

from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.events import idempotency_key


def test_keys_stored_by_earlier_versions_are_found_again() -> None:
    assert idempotency_key("item", "EMA", 1764930000123456, "CNDGG", "CNDGGA").hex() == (
        "47c9963589cb27df5e6cc8ddf780757c")
    assert idempotency_key("item", "EMA", 1764930000123456, None, None).hex() == (
        "892a90903d785a318259d6c502402864")


@given(st.sampled_from(["item", "receptacle", "dispatch", "conveyance"]),
       st.text(min_size=1, max_size=4), st.integers(-(2**62), 2**62),
       st.none() | st.text(max_size=8), st.none() | st.text(max_size=12))
def test_the_key_is_the_hash_of_its_definition(kind: str, code: str, occurred_us: int,
                                               location: str | None, office: str | None
                                               ) -> None:
    text = f"n\x1f{kind}\x1f{code}\x1f{occurred_us}\x1f{location or ''}\x1f{office or ''}"
    expected = blake2b(text.encode(), digest_size=16).digest()
    assert idempotency_key(kind, code, occurred_us, location, office) == expected
