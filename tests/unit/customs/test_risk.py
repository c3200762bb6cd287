"""Risk selection: scores from what is known, a selection that a seed reproduces in any order."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.customs.service import check
from silkpost.domain.customs import read_declaration
from silkpost.domain.risk import MAX_SCORE, Risk, RiskPolicy, assess, chance, draw, selected
from silkpost.domain.screening import screen
from tests.unit.customs.test_declarations import b2c
from tests.unit.customs.test_screening import line

ITEMS = st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=200, unique=True)
SCORES = st.integers(min_value=0, max_value=MAX_SCORE)


# -- hostile: a policy that cannot be is refused at once, naming the setting ----------------

@pytest.mark.parametrize(("changes", "said"), [
    ({"rate": 1.5}, "rate 1.5"), ({"rate": -0.1}, "rate -0.1"),
    ({"target_score": 200}, "target_score 200"), ({"score_scale": 0}, "score_scale 0"),
    ({"blacklisted": -1}, "blacklisted -1"), ({"low_value_per_kg": Decimal(-1)},
                                              "low_value_per_kg -1"),
])
def test_a_policy_out_of_range_is_refused(changes: dict[str, object], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        RiskPolicy(**changes)  # type: ignore[arg-type]


def test_a_score_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="score 101"):
        Risk(101)


# -- the score -------------------------------------------------------------------------------

def test_a_clean_known_sender_scores_nothing() -> None:
    assert assess(read_declaration(b2c())) == Risk(0)


def test_each_factor_adds_its_weight_and_says_why() -> None:
    policy = RiskPolicy()
    declaration = read_declaration(b2c(lines=[line("medicine"), line("power bank")]))
    hits = screen(declaration)
    risk = assess(declaration, hits=hits, first_time=True, policy=policy)
    assert risk.score == policy.restricted + policy.mode_excluded + policy.first_time_sender
    assert any("rule R02" in r for r in risk.reasons)
    assert any("first parcel" in r for r in risk.reasons)


def test_a_blacklisted_sender_is_at_the_top_and_the_score_is_capped() -> None:
    declaration = read_declaration(b2c(lines=[line("firearm parts")]))
    risk = assess(declaration, hits=screen(declaration), blacklisted=True)
    assert risk.score == MAX_SCORE and len(risk.reasons) == 2


def test_a_value_too_low_for_its_weight_counts() -> None:
    cheap = b2c(gross_weight_kg="20", lines=[line("tea")])  # 5 USD for 20 kg
    risk = assess(read_declaration(cheap), policy=RiskPolicy())
    assert risk.score == RiskPolicy().low_value and "USD/kg" in risk.reasons[0]
    off = RiskPolicy(low_value_per_kg=Decimal(0))
    assert assess(read_declaration(cheap), policy=off) == Risk(0)


# -- the selection -------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(ITEMS, st.integers(), st.randoms(use_true_random=False),
       st.floats(min_value=0, max_value=1))
def test_same_seed_same_items_same_selection_in_any_order(
        items: list[str], seed: int, rng: random.Random, rate: float) -> None:
    """Order does not matter: each item's draw is its own hash, not a shared generator's."""
    policy = RiskPolicy(rate=rate)
    scores = {item: Risk(len(item) * 7 % 50) for item in items}
    first = {i for i in items if selected(i, scores[i], seed=seed, policy=policy)}
    shuffled = list(items)
    rng.shuffle(shuffled)
    again = {i for i in shuffled if selected(i, scores[i], seed=seed, policy=policy)}
    assert first == again


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1), st.integers(), SCORES, SCORES,
       st.floats(min_value=0, max_value=1))
def test_a_riskier_item_is_never_less_likely_to_be_selected(
        item: str, seed: int, a: int, b: int, rate: float) -> None:
    low, high = sorted((a, b))
    policy = RiskPolicy(rate=rate)
    assert chance(low, policy) <= chance(high, policy)
    if selected(item, Risk(low), seed=seed, policy=policy):
        assert selected(item, Risk(high), seed=seed, policy=policy)


@given(st.text(min_size=1), st.integers(), SCORES)
def test_targeted_scores_are_always_selected_and_rate_zero_selects_nothing_else(
        item: str, seed: int, score: int) -> None:
    policy = RiskPolicy(rate=0, target_score=60)
    assert selected(item, Risk(score), seed=seed, policy=policy) == (score >= 60)
    assert 0 <= draw(seed, item) < 1


def test_the_share_of_clean_items_drawn_is_the_rate() -> None:
    """10,000 clean items at 5 %: the draws are a hash, so the share is what it is, every
    run; it is near the rate (a binomial's 4 standard deviations)."""
    policy = RiskPolicy(rate=0.05)
    drawn = sum(selected(f"CA{n:09d}CN", Risk(0), seed=7, policy=policy) for n in range(10_000))
    assert 500 - 4 * 22 <= drawn <= 500 + 4 * 22


def test_another_seed_draws_other_items() -> None:
    policy = RiskPolicy(rate=0.1)
    items = [f"CA{n:09d}CN" for n in range(2_000)]
    one = {i for i in items if selected(i, Risk(0), seed=1, policy=policy)}
    two = {i for i in items if selected(i, Risk(0), seed=2, policy=policy)}
    assert one and two and one != two


# -- in the check --------------------------------------------------------------------------

def test_check_selects_the_same_items_whatever_the_files_order() -> None:
    records = [b2c(reference=f"D-{n}", item_id=f"ITEM-{n}",
                   lines=[line("medicine" if n % 7 == 0 else "phone case")])
               for n in range(300)]
    policy = RiskPolicy(rate=0.1)
    one = check(list(enumerate(records, start=1)), policy=policy, seed="2026-12-05")
    two = check(list(enumerate(reversed(records), start=1)), policy=policy, seed="2026-12-05")
    chosen = {r.item for r in one.selected}
    assert chosen == {r.item for r in two.selected} and one.selected_count == len(chosen)
    # Restricted goods (score 40) are drawn at 10 % × (1 + 40/25): more often than clean ones.
    risky = {f"ITEM-{n}" for n in range(0, 300, 7)}
    assert len(chosen & risky) / len(risky) > len(chosen - risky) / (300 - len(risky))
    assert all(r.risk.score == 40 for r in one.selected if r.item in risky)
    assert check(list(enumerate(records, start=1))).selected == []  # no policy, no selection


def test_a_first_time_sender_counts_only_when_the_senders_seen_are_known() -> None:
    record = b2c(item_id="ITEM-1")
    always = RiskPolicy(rate=0, target_score=RiskPolicy().first_time_sender)
    assert check([(1, record)], policy=always).selected_count == 0
    assert check([(1, record)], policy=always, known_senders=set()).selected_count == 1
    seen = {"resident_id:11010519491231002X"}
    assert check([(1, record)], policy=always, known_senders=seen).selected_count == 0
