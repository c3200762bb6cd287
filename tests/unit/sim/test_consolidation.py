"""The simulated workers' bags: every item once, within the limits; dispatches to offices."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from silkpost.network.corridor import default_network_path, load_network
from silkpost.sim.consolidation import (
    BEYOND_THE_OFFICES,
    MAX_BAG_ITEMS,
    MAX_BAG_KG,
    dispatch_office,
    pack,
)
from silkpost.sim.demand import MEAN_VALUE_USD, DemandProfile, ItemIds, parcels_for_day


@given(st.lists(st.floats(min_value=0.05, max_value=29.0), min_size=1, max_size=400))
def test_bags_hold_every_item_once_within_the_limits(weights: list[float]) -> None:
    """Every parcel lands in exactly one bag, in order; a bag over 30 kg or 120 items holds
    one item only (a parcel is never split)."""
    items = [(f"ITEM{i:06d}", w) for i, w in enumerate(weights)]
    bags = pack(items)
    assert [i for b in bags for i in b] == items
    for bag in bags:
        assert len(bag) <= MAX_BAG_ITEMS
        assert sum(w for _, w in bag) <= MAX_BAG_KG or len(bag) == 1
    for first, second in pairwise(bags):  # a bag is closed only when the next would not fit
        assert (sum(w for _, w in first) + second[0][1] > MAX_BAG_KG
                or len(first) == MAX_BAG_ITEMS)


def test_dispatches_go_to_the_office_of_exchange_of_the_destination() -> None:
    """An office of exchange is its own dispatch office; a rail terminal beyond them is not."""
    network = load_network(default_network_path())
    assert dispatch_office("KZALAA", network) == "KZALAA"
    assert dispatch_office("PLMAA-RAIL", network) == BEYOND_THE_OFFICES


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
