"""Risk selection: a score per declaration from what is known of it, and which items are
picked for inspection.

The score adds the weights of what counts against a parcel (screening hits by their action, a
blacklisted sender, a sender never seen before, a declared value per kilogram too low to be
believed), capped at 100, and keeps the reasons so an inspector sees why. The weights are
configuration (:class:`RiskPolicy`), not logic.

Selection is targeted and random at once, as customs practice describes it: a score at or above
``target_score`` is always selected; below it an item is drawn with probability ``rate`` ×
(1 + score / ``score_scale``), so riskier items are drawn more often and a clean one still may
be. The draw is a hash of the seed and the item's id, not a shared random generator, so the
same seed and the same items give the same selection in any order, on any machine, split
across any number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from hashlib import blake2b

from silkpost.domain.customs import Declaration
from silkpost.domain.errors import InvalidValue
from silkpost.domain.screening import Action, Hit

MAX_SCORE = 100
_DRAWS = float(1 << 64)


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """The weights of each risk factor and the selection's rate (configuration)."""

    rate: float = 0.02  # the random draw's share among items below the target score
    target_score: int = 60  # at or above: always selected
    score_scale: int = 25  # a score of 25 doubles the draw's chance, 50 triples it
    prohibited: int = 100
    restricted: int = 40
    mode_excluded: int = 5
    blacklisted: int = 100
    first_time_sender: int = 15
    # A declared value per gross kilogram below this (in the declaration's currency) is
    # suspected of undervaluation; 0 turns the factor off.
    low_value_per_kg: Decimal = Decimal(1)
    low_value: int = 20

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1:
            raise InvalidValue(f"rate {self.rate}: a share between 0 and 1", field="rate")
        if not 0 <= self.target_score <= MAX_SCORE + 1:
            raise InvalidValue(f"target_score {self.target_score}: 0 to {MAX_SCORE + 1} "
                               f"({MAX_SCORE + 1}: nothing is targeted)", field="target_score")
        if self.score_scale < 1:
            raise InvalidValue(f"score_scale {self.score_scale}: at least 1",
                               field="score_scale")
        for name in ("prohibited", "restricted", "mode_excluded", "blacklisted",
                     "first_time_sender", "low_value"):
            if getattr(self, name) < 0:
                raise InvalidValue(f"{name} {getattr(self, name)}: a weight is at least 0",
                                   field=name)
        if self.low_value_per_kg < 0:
            raise InvalidValue(f"low_value_per_kg {self.low_value_per_kg}: at least 0",
                               field="low_value_per_kg")


@dataclass(frozen=True, slots=True)
class Risk:
    """A declaration's score (0-100) and the reasons it adds up from."""

    score: int
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.score <= MAX_SCORE:
            raise InvalidValue(f"score {self.score}: 0 to {MAX_SCORE}", field="score")


_ACTION_WEIGHT = {Action.PROHIBIT: "prohibited", Action.RESTRICT: "restricted",
                  Action.EXCLUDE_MODE: "mode_excluded"}


def assess(declaration: Declaration, *, hits: Iterable[Hit] = (), blacklisted: bool = False,
           first_time: bool = False, policy: RiskPolicy = RiskPolicy()) -> Risk:
    """The risk of ``declaration`` given its screening hits and what is known of its sender."""
    score = 0
    reasons: list[str] = []
    counted: set[str] = set()
    for hit in hits:
        if hit.rule in counted:
            continue
        counted.add(hit.rule)
        weight = getattr(policy, _ACTION_WEIGHT[hit.action])
        if weight:
            score += weight
            reasons.append(f"+{weight} {hit.action.value} goods (rule {hit.rule})")
    if blacklisted and policy.blacklisted:
        score += policy.blacklisted
        reasons.append(f"+{policy.blacklisted} sender on the blacklist")
    if first_time and policy.first_time_sender:
        score += policy.first_time_sender
        reasons.append(f"+{policy.first_time_sender} first parcel of this sender")
    if policy.low_value_per_kg and policy.low_value:
        per_kg = declaration.goods_value / declaration.gross_weight_kg
        if per_kg < policy.low_value_per_kg:
            score += policy.low_value
            reasons.append(f"+{policy.low_value} declared {per_kg:.2f} "
                           f"{declaration.currency}/kg, under {policy.low_value_per_kg}")
    return Risk(min(score, MAX_SCORE), tuple(reasons))


def draw(seed: str | int, item: str) -> float:
    """The item's draw in [0, 1): a hash of the seed and its id, the same wherever computed."""
    digest = blake2b(f"{seed}\x1f{item}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _DRAWS


def chance(score: int, policy: RiskPolicy) -> float:
    """The probability an item of ``score`` is selected (1 when targeted)."""
    if score >= policy.target_score:
        return 1.0
    return min(1.0, policy.rate * (1 + score / policy.score_scale))


def selected(item: str, risk: Risk, *, seed: str | int, policy: RiskPolicy) -> bool:
    """Whether ``item`` is selected for inspection (see the module's docstring)."""
    return draw(seed, item) < chance(risk.score, policy)
