"""Consolidation gives valid S9 bags, within limits, numbered per office pair."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain import s9
from silkpost.sim.consolidation import MAX_BAG_KG, DispatchCounter, close_dispatch
from silkpost.sim.demand import MEAN_VALUE_USD, DemandProfile, ItemIds, parcels_for_day


@given(st.lists(st.floats(min_value=0.05, max_value=29.0), min_size=1, max_size=400))
def test_bags_are_valid_and_hold_every_item_once(weights: list[float]) -> None:
    """Every parcel lands in exactly one bag; bags parse as S9; only the last is 'highest'."""
    items = [(f"ITEM{i:06d}", w) for i, w in enumerate(weights)]
    bags = close_dispatch(items, origin_office="CNURCA", destination_office="KZALAA",
                          year_digit=6, counter=DispatchCounter())
    assert [i for b in bags for i in b.item_ids] == [i for i, _ in items]
    parsed = [s9.parse(b.receptacle_id) for b in bags]
    assert [p.is_highest for p in parsed] == [False] * (len(bags) - 1) + [True]
    assert {p.dispatch_id for p in parsed} == {bags[0].dispatch_id}
    for bag in bags:
        contents = sum(w for i, w in items if i in set(bag.item_ids))
        assert contents <= MAX_BAG_KG or len(bag.item_ids) == 1


def test_dispatch_serials_count_per_office_pair() -> None:
    """Two dispatches Urumqi→Almaty are 1 and 2; the first to Bishkek is 1 again."""
    counter = DispatchCounter()
    items = [("A0000001", 1.0)]
    first = close_dispatch(items, origin_office="CNURCA", destination_office="KZALAA",
                           year_digit=6, counter=counter)
    second = close_dispatch(items, origin_office="CNURCA", destination_office="KZALAA",
                            year_digit=6, counter=counter)
    other = close_dispatch(items, origin_office="CNURCA", destination_office="KGFRUA",
                           year_digit=6, counter=counter)
    numbers = [s9.parse(b[0].receptacle_id).dispatch_number for b in (first, second, other)]
    assert numbers == [1, 2, 1]


def test_demand_matches_the_seed_average_value() -> None:
    """Declared values average about US$ 43 an order, ids are valid S10 and all distinct."""
    profile = DemandProfile(parcels_per_day=20_000, origin_shares={"CNDGGA": 1.0},
                            destination_shares={"KZALAA": 0.7, "UZTASA": 0.3})
    parcels = list(parcels_for_day(profile, day_start=datetime(2026, 11, 1, tzinfo=UTC),
                                   rng=random.Random(3), ids=ItemIds(0, seed=3)))
    mean = sum(p.declared_value_usd for p in parcels) / len(parcels)
    assert abs(mean - MEAN_VALUE_USD) < 2.0
    assert len({p.item_id for p in parcels}) == len(parcels)
    share = sum(p.destination == "UZTASA" for p in parcels) / len(parcels)
    assert 0.27 < share < 0.33


def test_a_run_past_a_hundred_million_ids_goes_on_under_the_next_letter() -> None:
    """Ids of a run are valid S10, distinct, and roll over to the next indicator letter."""
    from silkpost.domain import s10

    ids = ItemIds(99_999_998, seed=0)
    issued = [ids.next() for _ in range(4)]
    assert issued[:2] == [s10.build("CA", 99_999_998, "CN"), s10.build("CA", 99_999_999, "CN")]
    assert issued[2:] == [s10.build("CB", 0, "CN"), s10.build("CB", 1, "CN")]
    assert ItemIds(0, seed=25).next() == s10.build("CZ", 0, "CN")
