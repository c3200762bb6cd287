"""Token buckets per key: a burst of the limit, then one call per 60/limit seconds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from silkpost.api.rate_limits import RateLimiter


class Ticking:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_refusal_then_refill() -> None:
    clock = Ticking()
    limiter = RateLimiter(60, clock=clock)
    answers = [limiter.take("k1") for _ in range(61)]
    assert all(a.allowed for a in answers[:60]) and not answers[60].allowed
    assert answers[60].retry_after_s == 1 and answers[60].headers()["Retry-After"] == "1"
    assert answers[59].remaining == 0 and answers[0].remaining == 59
    assert limiter.take("k2").allowed  # another key has its own bucket
    clock.now += 1.0
    assert limiter.take("k1").allowed and not limiter.take("k1").allowed


@given(st.integers(1, 600), st.lists(st.floats(0, 5), max_size=200))
def test_never_more_than_the_limit_in_any_minute_from_a_full_start(
    per_minute: int, gaps: list[float]
) -> None:
    clock = Ticking()
    limiter = RateLimiter(per_minute, clock=clock)
    granted: list[float] = []
    for gap in gaps:
        clock.now += gap
        if limiter.take("k").allowed:
            granted.append(clock.now)
    for start in granted:
        in_minute = sum(1 for t in granted if start <= t < start + 60)
        assert in_minute <= 2 * per_minute  # a full bucket plus a minute's refill at most
