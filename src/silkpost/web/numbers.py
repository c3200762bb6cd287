"""Numbers as each page language writes them, from the CLDR data that Babel carries.

A Russian or Kazakh reader writes fifteen thousand as ``15 000`` and five point seven as
``5,7``; ``15,000`` reads as fifteen to them. Grouping, decimal sign and the place of the
per-cent sign come from the locale, never from a format string written here; only the number of
decimals is the page's choice, so a column of figures keeps one width.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, parse_pattern

NO_VALUE = "—"


@lru_cache(maxsize=64)
def _pattern(lang: str, kind: str, digits: int) -> tuple[NumberPattern, Locale]:
    locale = Locale.parse(lang)
    standard = (locale.percent_formats if kind == "percent" else locale.decimal_formats)[None]
    pattern = copy.copy(parse_pattern(standard.pattern))
    pattern.frac_prec = (digits, digits)
    return pattern, locale


def number(value: float | None, lang: str, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals, grouped as ``lang`` groups thousands."""
    if value is None:
        return NO_VALUE
    pattern, locale = _pattern(lang, "decimal", digits)
    return str(pattern.apply(value, locale))


def share(value: float | None, lang: str, digits: int = 1) -> str:
    """A share (0.751) as a percentage in ``lang`` (``75.1%``, ``75,1 %``)."""
    if value is None:
        return NO_VALUE
    pattern, locale = _pattern(lang, "percent", digits)
    return str(pattern.apply(value, locale))


def compact(value: float, lang: str) -> str:
    """An axis tick: whole numbers from 100 up, one decimal below (``1 250``, ``2,5``)."""
    if abs(value) >= 100 or value == int(value):
        return number(value, lang, 0)
    return format_decimal(round(value, 1), locale=lang)
