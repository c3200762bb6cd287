"""Server-drawn SVG charts: valid SVG carrying every figure, bad input refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.web.charts import Series, bar_chart, histogram, range_bars

values = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40)


@given(values, values)
def test_bar_chart_carries_each_value_and_stays_in_frame(a: list[int], b: list[int]) -> None:
    """Each bar's data-value is its figure, bars stay inside the plot, stacked or not."""
    n = min(len(a), len(b))
    days = [f"2026-11-{i + 1:02d}" for i in range(n)]
    for stacked in (False, True):
        svg = bar_chart(days, [Series("posted", a[:n], "#000"), Series("late", b[:n], "#111")],
                        label="volume", stacked=stacked)
        ET.fromstring(svg)
        shown = [int(float(v)) for v in re.findall(r'data-value="([0-9.e+]+)"', svg)]
        assert sorted(shown) == sorted(a[:n] + b[:n])
        bars = re.findall(r'<rect x="[0-9.]+" y="(-?[0-9.]+)" width="[0-9.]+" '
                          r'height="([0-9.]+)" fill="#[0-9]+" data-series', svg)
        assert len(bars) == 2 * n
        for y, h in bars:
            assert float(y) >= 23.9 and float(y) + float(h) <= 240 - 35.9


def test_series_must_match_categories() -> None:
    """A series with a value missing is refused, not drawn shifted."""
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart(["a", "b"], [Series("x", [1], "#000")], label="x")


def test_range_bars_skip_rows_without_a_median_and_show_p90() -> None:
    """Places with no figure are left out; the others show p50 / p90 in their label."""
    svg = range_bars([("Khorgos", 5.0, 7.5), ("Nowhere", None, None)], label="customs",
                     unit="h")
    ET.fromstring(svg)
    assert "Nowhere" not in svg and "5 / 7.5 h" in svg


def test_histogram_marks_the_promise() -> None:
    """The promise line sits right of every bar that ends before it."""
    svg = histogram([(6.0, 0.5, 10), (6.5, 0.5, 30), (7.0, 0.5, 5)], label="lane", promise=8.0)
    ET.fromstring(svg)
    [promise_x] = re.findall(r'<line x1="([0-9.]+)"', svg)
    bar_ends = [float(x) + float(w) for x, w in re.findall(
        r'<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', svg)]
    assert all(end <= float(promise_x) for end in bar_ends)
