"""Charts as inline SVG, drawn on the server.

The dashboard must work without a CDN and be read at 2 a.m. on whatever screen is there: SVG
built here needs no script, scales to the screen, prints, and carries each figure in a
``<title>`` (hover) and a ``data-value`` attribute (what the browser test compares with the
API). Three shapes cover the dashboard: vertical bars by day (stacked or side by side),
horizontal bars with a p90 whisker, and a histogram with a promise line.

Every word on a chart comes in already translated (the caller's ``lang``), every number is
written as that language writes it (:mod:`silkpost.web.numbers`), and every label is fitted
to its room by one rule (:mod:`silkpost.textfit`): nothing is cut by the chart's edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from silkpost.textfit import fit, text_width
from silkpost.web.numbers import compact

PALETTE = ("#2563eb", "#d97706", "#16a34a", "#9333ea", "#dc2626", "#0891b2")
FONT_PX = 11
FONT = f'font-family="system-ui, sans-serif" font-size="{FONT_PX}" fill="#334155"'
LEGEND_ROW = 16
BOLD = 1.12  # a bold title's glyphs are this much wider (Chromium, the pages' font)


@dataclass(frozen=True, slots=True)
class Series:
    """One named row of values, one per category."""

    name: str
    values: Sequence[float]
    colour: str


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return value


def _legend_rows(series: Sequence[Series], width: float) -> list[list[tuple[Series, str]]]:
    """Series names laid out in rows that fit ``width`` (a long name fitted to a row)."""
    rows: list[list[tuple[Series, str]]] = [[]]
    x = 0.0
    for s in series:
        name = fit(s.name, width - 14, FONT_PX)
        need = 14 + text_width(name, FONT_PX) + 12
        if rows[-1] and x + need > width:
            rows.append([])
            x = 0.0
        rows[-1].append((s, name))
        x += need
    return rows


def _legend(rows: list[list[tuple[Series, str]]], x0: float, y: float) -> list[str]:
    parts = []
    for row in rows:
        x = x0
        for s, name in row:
            parts.append(f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" '
                         f'fill="{s.colour}"/>')
            parts.append(f'<text x="{x + 14:.1f}" y="{y}" {FONT} class="legend">'
                         f'{escape(name)}<title>{escape(s.name)}</title></text>')
            x += 14 + text_width(name, FONT_PX) + 12
        y += LEGEND_ROW
    return parts


def bar_chart(categories: Sequence[str], series: Sequence[Series], *, label: str,
              lang: str = "en", stacked: bool = False, width: int = 640,
              height: int = 240) -> str:
    """Vertical bars per category (days), one colour per series."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    totals = ([sum(vals) for vals in zip(*(s.values for s in series), strict=True)]
              if stacked and series else [max(s.values, default=0) for s in series])
    axis = _nice_top(max(totals, default=0.0))
    ticks = [compact(axis * i / 4, lang) for i in range(5)]
    left = 10 + max(text_width(t, FONT_PX) for t in ticks)
    right, top = 8, 12
    legend = _legend_rows(series, width - left - right)
    bottom = 22 + LEGEND_ROW * len(legend)
    height = max(height, top + bottom + 120)
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_open(width, height, label)]
    for i, tick in enumerate(ticks):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#e2e8f0"/>')
        parts.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" {FONT}>'
                     f'{tick}</text>')
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = slot * 0.8 / (1 if stacked else max(len(series), 1))
    every = max(1, -(-n * 40 // int(plot_w)))  # a day label every 40 px at most
    for c, category in enumerate(categories):
        x0 = left + c * slot + slot * 0.1
        base = 0.0
        for k, s in enumerate(series):
            value = float(s.values[c])
            h = plot_h * value / axis
            x = x0 if stacked else x0 + k * bar_w
            # Both ends rounded as written, the height their difference: a rounded y plus a
            # rounded height could pass the axis by 0.1 px.
            foot = round(top + plot_h - (plot_h * base / axis if stacked else 0), 1)
            y = round(foot - h, 1)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                         f'height="{foot - y:.1f}" '
                         f'fill="{s.colour}" data-series="{escape(s.name)}" '
                         f'data-category="{escape(category)}" data-value="{value:g}">'
                         f'<title>{escape(category)} · {escape(s.name)}: '
                         f'{compact(value, lang)}</title></rect>')
            if stacked:
                base += value
        if c % every == 0:
            cx = min(max(x0 + slot * 0.4, left + 16), width - right - 16)
            parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14}" '
                         f'text-anchor="middle" {FONT}>{escape(category[-5:])}</text>')
    parts += _legend(legend, left, top + plot_h + 14 + LEGEND_ROW)
    parts.append("</svg>")
    return "".join(parts)


def range_bars(rows: Sequence[tuple[str, float | None, float | None]], *, label: str,
               unit: str, caption: str, lang: str = "en", width: int = 640,
               bar_colour: str = PALETTE[0]) -> str:
    """Horizontal bars of a median with a whisker to the p90, one row per place.

    The names' column takes what its longest name needs, up to 40 % of the width (longer
    names are fitted), and the right margin what the longest figure needs.
    """
    shown = [(name, p50, p90) for name, p50, p90 in rows if p50 is not None]
    row_h, top = 22, 8
    names = [name for name, _, _ in shown]
    left = min(max((text_width(n, FONT_PX) for n in names), default=40.0) + 12, width * 0.4)
    values = [f"{compact(p50, lang)}{f' / {compact(p90, lang)}' if p90 is not None else ''}"
              f" {unit}" for _, p50, p90 in shown if p50 is not None]
    right = max((text_width(v, FONT_PX) for v in values), default=30.0) + 12
    height = top + row_h * max(len(shown), 1) + 26
    axis = _nice_top(max((p90 or p50 or 0.0) for _, p50, p90 in shown) if shown else 1.0)
    plot_w = width - left - right
    parts = [_open(width, height, label)]
    for i, (name, p50, p90) in enumerate(shown):
        assert p50 is not None
        y = top + i * row_h
        w = plot_w * p50 / axis
        parts.append(f'<text x="{left - 6:.1f}" y="{y + 14}" text-anchor="end" {FONT}>'
                     f'{escape(fit(name, left - 10, FONT_PX))}<title>{escape(name)}</title>'
                     '</text>')
        parts.append(f'<rect x="{left:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                     f'fill="{bar_colour}" data-category="{escape(name)}" '
                     f'data-value="{p50:g}"><title>{escape(name)}: p50 {compact(p50, lang)} '
                     f'{unit}{f", p90 {compact(p90, lang)} {unit}" if p90 is not None else ""}'
                     '</title></rect>')
        if p90 is not None:
            x90 = left + plot_w * p90 / axis
            mid = y + row_h / 2 - 1
            parts.append(f'<line x1="{left + w:.1f}" x2="{x90:.1f}" y1="{mid}" y2="{mid}" '
                         f'stroke="#0f172a"/><line x1="{x90:.1f}" x2="{x90:.1f}" '
                         f'y1="{mid - 5}" y2="{mid + 5}" stroke="#0f172a"/>')
        parts.append(f'<text x="{left + plot_w * (p90 or p50) / axis + 6:.1f}" y="{y + 14}" '
                     f'{FONT}>{escape(values[i])}</text>')
    parts.append(f'<text x="{8}" y="{height - 6}" {FONT}>'
                 f'{escape(fit(caption, width - 16, FONT_PX))}<title>{escape(caption)}</title>'
                 '</text></svg>')
    return "".join(parts)


def histogram(buckets: Sequence[tuple[float, float, int]], *, label: str, day: str,
              promise_label: str, lang: str = "en", promise: float | None = None,
              width: int = 300, height: int = 150, empty: str = "—") -> str:
    """Counts per bucket [from, from + width) on a day axis, with the promise as a red line.

    ``day`` is the unit as the page's language abbreviates it; ``promise_label`` the words
    for the red line; ``empty`` what a lane with nothing delivered yet shows, in words.
    """
    left, right, top, bottom = 8, 8, 18, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_open(width, height, label),
             f'<text x="{left}" y="12" {FONT} font-weight="600">'
             f'{escape(fit(label, width - left - right, FONT_PX * BOLD))}'
             f'<title>{escape(label)}</title></text>']
    if not buckets:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {FONT}>'
                     f'{escape(fit(empty, width - left - right, FONT_PX))}</text></svg>')
        return "".join(parts)
    lo = min(b[0] for b in buckets)
    hi = max(max(b[0] + b[1] for b in buckets), promise or 0.0)
    span = (hi - lo) or 1.0
    most = max(b[2] for b in buckets) or 1
    for start, step, count in buckets:
        x = left + plot_w * (start - lo) / span
        w = max(plot_w * step / span - 1, 1)
        h = plot_h * count / most
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" '
                     f'height="{h:.1f}" fill="{PALETTE[0]}" data-value="{count}" '
                     f'data-category="{start:g}"><title>{compact(start, lang)}–'
                     f'{compact(start + step, lang)} {day}: {compact(count, lang)}</title>'
                     '</rect>')
    if promise is not None:
        x = left + plot_w * (promise - lo) / span
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                     f'stroke="#dc2626" stroke-dasharray="4 3"><title>{escape(promise_label)}: '
                     f'{compact(promise, lang)} {day}</title></line>')
    parts.append(f'<text x="{left}" y="{height - 5}" {FONT}>{compact(lo, lang)} {day}</text>')
    parts.append(f'<text x="{width - right}" y="{height - 5}" text-anchor="end" {FONT}>'
                 f'{compact(hi, lang)} {day}</text></svg>')
    return "".join(parts)


def _open(width: int, height: int, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(label)}" class="chart">')
