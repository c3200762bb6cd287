"""Server-drawn SVG charts: valid SVG carrying every figure, bad input refused."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from silkpost.web.charts import Series, bar_chart, histogram, range_bars

values = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40)


@given(values, values)
@example([61], [40])  # a rounded y plus a rounded height once passed the axis by 0.1 px
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
        height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # type: ignore[union-attr]
        for y, h in bars:
            # Inside the plot: below the top margin, above the day labels and the legend.
            assert float(y) >= 11.9 and float(y) + float(h) <= height - 22 - 16


def test_series_must_match_categories() -> None:
    """A series with a value missing is refused, not drawn shifted."""
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart(["a", "b"], [Series("x", [1], "#000")], label="x")


def test_range_bars_skip_rows_without_a_median_and_show_p90() -> None:
    """Places with no figure are left out; the others show p50 / p90 in their label."""
    svg = range_bars([("Khorgos", 5.0, 7.5), ("Nowhere", None, None)], label="customs",
                     unit="h", caption="p50 / p90")
    ET.fromstring(svg)
    assert "Nowhere" not in svg and "5 / 7,5 h" not in svg and "5 / 7.5 h" in svg
    russian = range_bars([("Хоргос", 5.0, 7.5)], label="таможня", unit="ч",
                         caption="p50 / p90", lang="ru")
    assert "5 / 7,5 ч" in russian


def test_histogram_marks_the_promise() -> None:
    """The promise line sits right of every bar that ends before it."""
    svg = histogram([(6.0, 0.5, 10), (6.5, 0.5, 30), (7.0, 0.5, 5)], label="lane", promise=8.0,
                    day="d", promise_label="promise")
    ET.fromstring(svg)
    [promise_x] = re.findall(r'<line x1="([0-9.]+)"', svg)
    bar_ends = [float(x) + float(w) for x, w in re.findall(
        r'<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', svg)]
    assert all(end <= float(promise_x) for end in bar_ends)


def test_an_empty_histogram_says_so_in_words() -> None:
    svg = histogram([], label="lane", day="дн.", promise_label="срок",
                    empty="За этот период данных нет.")
    ET.fromstring(svg)
    assert ">За этот период данных нет.</text>" in svg


@given(st.text(min_size=1, max_size=80), st.integers(20, 400))
def test_a_fitted_label_never_exceeds_its_room(label: str, room: int) -> None:
    """The one shortening rule: what it returns fits, by the same width estimate the
    charts lay out with (the browser test holds the estimate to drawn boxes)."""
    from silkpost.textfit import ELLIPSIS, fit, text_width

    shown = fit(label, room, 11)
    assert shown == label or shown.endswith(ELLIPSIS)
    assert shown == label or text_width(shown, 11) <= room
