"""Analytics use cases without a store: periods and parameters are checked first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from silkpost.analytics import service
from silkpost.analytics.kpis import LaneFigures, Period
from silkpost.clock import FixedClock
from silkpost.errors import InvalidRequest

CLOCK = FixedClock(datetime(2026, 11, 24, 12, tzinfo=UTC))


def test_default_period_is_the_last_fourteen_days() -> None:
    """No dates: fourteen local days ending today."""
    p = service.period_of(None, None, clock=CLOCK)
    assert (p.since, p.until, p.days) == (date(2026, 11, 11), date(2026, 11, 24), 14)


@pytest.mark.parametrize(("since", "until", "words"), [
    (date(2026, 11, 20), date(2026, 11, 1), "after until"),
    (date(2024, 1, 1), date(2026, 1, 1), "at most 366"),
])
def test_bad_periods_name_the_field(since: date, until: date, words: str) -> None:
    """A period that ends first, or is longer than a year, is refused naming 'since'."""
    with pytest.raises(InvalidRequest, match=words) as info:
        service.period_of(since, until, clock=CLOCK)
    assert info.value.field == "since"


def test_transit_parameters_are_checked_before_the_store() -> None:
    """Width and lane shape are refused before any query (the store is never touched)."""
    period = Period(date(2026, 11, 1), date(2026, 11, 2))
    with pytest.raises(InvalidRequest) as info:
        service.transit("CNDGGA>KZALAA", period, analytics=None, width_days=0)  # type: ignore[arg-type]
    assert info.value.field == "width"
    with pytest.raises(InvalidRequest) as info:
        service.transit("CNDGGA", period, analytics=None)  # type: ignore[arg-type]
    assert info.value.field == "lane"


def test_on_time_share_must_agree_with_its_counts() -> None:
    """A lane row whose share disagrees with on_time/late cannot be built."""
    kwargs = {"lane": "A>B", "posted": 3, "delivered": 2, "weight_kg": 1.0, "p50_days": 1.0,
                  "p90_days": 1.0, "promise_days": 8.0, "on_time": 1, "late": 2}
    assert LaneFigures(**kwargs, on_time_share=0.3333).on_time_share == 0.3333  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="on_time_share"):
        LaneFigures(**kwargs, on_time_share=0.5)  # type: ignore[arg-type]
