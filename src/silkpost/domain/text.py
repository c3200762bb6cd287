"""Control characters: the one definition of what text stored or shown must not carry.

A BEL, an ESC starting a terminal sequence, a C1 control or a noncharacter such as U+FFFE
makes an XML document (the Atom feed) ill-formed, or draws on an operator's terminal. Notices
refuse them where they are written (:func:`check_printable`); what is shown from data that
was stored before (events, old notices) goes through :func:`strip_control`.

>>> strip_control("ok\\x1b[31m red\\x07"), strip_control("two\\nlines", keep="\\n")
('ok[31m red', 'two\\nlines')
"""

from __future__ import annotations

import re

from silkpost.domain.errors import InvalidFormat

# C0 controls (tab and newline too), DEL, C1 controls, the line and paragraph separators, the
# bidirectional embeddings and isolates (text that reads differently from what it is), lone
# surrogates (UTF-8 cannot encode one) and the noncharacters XML 1.0 forbids (U+FFFE, U+FFFF).
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
CONTROL_PATTERN = _PATTERN = re.compile(f"[{_CONTROL}]")
forbidden_character = _PATTERN.search
"""The first character no stored text may hold, as a match, or None (a compiled regex)."""
LINE_BREAKS = "\n\t"  # what a multi-line text (a notice's body) may keep


def _kept(keep: str) -> re.Pattern[str]:
    return re.compile(f"(?![{re.escape(keep)}])[{_CONTROL}]")


def strip_control(value: str, *, keep: str = "") -> str:
    """``value`` without control characters (but those in ``keep``)."""
    pattern = _kept(keep) if keep else _PATTERN
    return pattern.sub("", value)


def check_printable(value: str, *, field: str, keep: str = "") -> str:
    """``value`` itself when it has no control character (but those in ``keep``), else the
    error naming ``field`` and the character.

    >>> check_printable("Khorgos\\x07", field="title")
    Traceback (most recent call last):
        ...
    silkpost.domain.errors.InvalidFormat: contains the control character U+0007
    """
    pattern = _kept(keep) if keep else _PATTERN
    found = pattern.search(value)
    if found is not None:
        raise InvalidFormat(f"contains the control character U+{ord(found.group()):04X}",
                            field=field)
    return value
