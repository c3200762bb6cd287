"""Parcel demand: how many parcels each origin posts a day, where they go, what they weigh.

Figures from the seeds: 9610 exports through the Urumqi platform averaged about US$ 43 an
order (213,400 orders, US$ 9.19 million); the Cainiao Kazakhstan line carried 1.53 million
items weighing 591 t (about 0.39 kg an item) by August 2023. The customs regime mix comes
from the scenario's ``[regimes]`` (the shipped scenarios' mix is this simulator's assumption,
documented in docs/simulator.md).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from silkpost.domain import s10
from silkpost.domain.codes import default_regime

SERIALS_PER_INDICATOR = 100_000_000
MEAN_VALUE_USD = 43.0
MEAN_WEIGHT_KG = 591_000 / 1_530_000  # 0.386 kg
_VALUE_SIGMA = 0.8
_WEIGHT_SIGMA = 0.7


@dataclass(frozen=True, slots=True)
class Parcel:
    """One simulated parcel, as the origin warehouse posts it."""

    item_id: str
    origin: str
    destination: str
    posted_at: datetime
    weight_kg: float
    declared_value_usd: float
    battery: bool
    regime: str
    predeclared: bool = True  # declared to customs before it reaches the port


def single_regime() -> dict[str, float]:
    """The regime mix of a scenario without ``[regimes]``: all parcels under the default."""
    return {default_regime(): 1.0}


@dataclass(frozen=True, slots=True)
class DemandProfile:
    """Daily parcels per origin, destination shares, goods mix."""

    parcels_per_day: int
    origin_shares: Mapping[str, float]
    destination_shares: Mapping[str, float]
    battery_share: float = 0.08
    regime_shares: Mapping[str, float] = field(default_factory=single_regime)
    predeclared_share: float = 1.0

    def __post_init__(self) -> None:
        if self.parcels_per_day < 0:
            raise ValueError("parcels_per_day must not be negative")
        for name, shares in (("origin_shares", self.origin_shares),
                             ("destination_shares", self.destination_shares),
                             ("regime_shares", self.regime_shares)):
            if not shares or any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
                raise ValueError(f"{name} must be non-negative and not all zero")
        if not 0 <= self.battery_share <= 1:
            raise ValueError("battery_share must be between 0 and 1")
        if not 0 <= self.predeclared_share <= 1:
            raise ValueError("predeclared_share must be between 0 and 1")


@dataclass(slots=True)
class ItemIds:
    """The S10 ids a run issues to its parcels: ``CA``-``CZ``, eight-digit serial, ``CN``.

    Id number ``start + i`` of a run is serial ``n % 10^8`` under the indicator letter
    ``(seed + n // 10^8) % 26``. The simulate use case starts a run at the event log's
    position: a run stores at least one event per parcel, so the next run into the same store
    starts past every id of the one before (2.6 billion ids before the letters come round);
    two runs started at once differ by their seed's letter.
    """

    start: int
    seed: int
    issued: int = 0

    def next(self) -> str:
        """The next id of the run."""
        n = self.start + self.issued
        self.issued += 1
        letter = chr(ord("A") + (self.seed + n // SERIALS_PER_INDICATOR) % 26)
        return s10.build("C" + letter, n % SERIALS_PER_INDICATOR, "CN")


def _lognormal(rng: random.Random, mean: float, sigma: float) -> float:
    """A lognormal draw with the given arithmetic mean."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)


def parcels_for_day(profile: DemandProfile, *, day_start: datetime, rng: random.Random,
                    ids: ItemIds) -> Iterator[Parcel]:
    """The parcels posted on one day, in posting order (times spread over the working day).

    Ids come from the run's range ``ids`` and are never issued twice.
    """
    origins, o_weights = zip(*profile.origin_shares.items(), strict=True)
    dests, d_weights = zip(*profile.destination_shares.items(), strict=True)
    r_names, r_weights = zip(*profile.regime_shares.items(), strict=True)
    n = profile.parcels_per_day
    offsets = sorted(rng.uniform(8 * 3600, 20 * 3600) for _ in range(n))
    chosen_o = rng.choices(origins, o_weights, k=n)
    chosen_d = rng.choices(dests, d_weights, k=n)
    chosen_r = rng.choices(r_names, r_weights, k=n)
    # Drawn after the others, and only when some parcels are not pre-declared, so that runs
    # of scenarios that pre-declare everything keep their random draws.
    share = profile.predeclared_share
    predeclared = [True] * n if share >= 1 else [rng.random() < share for _ in range(n)]
    for i in range(n):
        yield Parcel(
            item_id=ids.next(),
            origin=chosen_o[i],
            destination=chosen_d[i],
            posted_at=day_start + timedelta(seconds=offsets[i]),
            weight_kg=round(min(30.0, _lognormal(rng, MEAN_WEIGHT_KG, _WEIGHT_SIGMA)), 3),
            declared_value_usd=round(_lognormal(rng, MEAN_VALUE_USD, _VALUE_SIGMA), 2),
            battery=rng.random() < profile.battery_share,
            regime=chosen_r[i],
            predeclared=predeclared[i],
        )
