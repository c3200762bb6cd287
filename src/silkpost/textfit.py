"""How wide a label is drawn, and the one rule that shortens a label to its room.

SVG text is laid out by the browser, after the server wrote it: the server cannot measure it.
It can bound it. Each character is given a width a little above what the pages' sans-serif
font draws for its class, measured in Chromium (Chinese and other wide characters a full em;
Cyrillic capitals 0.86 em, small letters 0.72; Latin capitals 0.76, small 0.62; digits 0.68),
so an estimate of a label is not short of it; a label longer than its room is cut at the
last character that fits and ends in "…", its whole text kept in the element's ``<title>``
(hover). The browser tests measure the drawn boxes and hold the estimate to them. Both the
dashboard's charts and the network picture use it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def _em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char.isspace():
        return 0.33
    if char.isdigit():
        return 0.68
    cyrillic = "\u0400" <= char <= "\u04ff"
    if char.isupper():
        return 0.86 if cyrillic else 0.76
    return 0.72 if cyrillic else 0.62


def text_width(text: str, font_px: float) -> float:
    """A width the drawn ``text`` does not exceed, in pixels, at ``font_px``."""
    return sum(_em(c) for c in text) * font_px


def fit(text: str, room_px: float, font_px: float) -> str:
    """``text`` itself when it fits ``room_px``, else its longest start that fits with "…"."""
    if text_width(text, font_px) <= room_px:
        return text
    room = room_px - text_width(ELLIPSIS, font_px)
    used = 0.0
    for n, char in enumerate(text):
        used += _em(char) * font_px
        if used > room:
            return text[:n].rstrip() + ELLIPSIS
    return text
