"""The limits of an event record's text fields: one table that the validators and the docs share.

Every value a partner sends ends up in a column of fixed width (PostgreSQL ``varchar(n)``), in
JSON the store writes back out, on a web page or in a terminal. A value past a limit must be
refused here, with the field and the reason, before the store sees it: otherwise the same record
is stored on SQLite and breaks the batch on PostgreSQL (NUL, a 5,000-character sender name), or
is stored and then breaks every page that shows it. The validators (the fast path and the
Pydantic reference) read their lengths from :data:`RECORD_LIMITS`; docs/events.md prints
:func:`markdown_table`, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass

from silkpost.domain.text import CONTROL_PATTERN as _FORBIDDEN

TEXT = "*text*"
TEXT_RULE = (
    "*Text* (in these tables) is any Unicode text except the control characters U+0000–U+001F "
    "(tab and newline too), U+007F–U+009F, the separators U+2028–U+2029, the bidirectional "
    "controls U+202A–U+202E and U+2066–U+2069, lone surrogates U+D800–U+DFFF and U+FFFE–U+FFFF. "
    "Spaces around a value are trimmed; characters are never dropped."
)


MAX_NAME_SHOWN = 64


def shown_name(name: str) -> str:
    r"""A name taken from the input (an unknown field, a payload key) as a rejection shows it.

    Rejections go back in API answers and to terminals: the name is cut at 64 characters and
    forbidden characters are written as escapes, so a partner's key can neither flood a
    report nor send escape sequences to the operator's terminal.

    >>> shown_name("a\x1b[2J"), shown_name("k" * 70)[-3:]
    ('a\\u001b[2J', 'kk…')
    """
    cut = _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", name[:MAX_NAME_SHOWN])
    return cut + "…" if len(name) > MAX_NAME_SHOWN else cut


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when every character is allowed.

    >>> text_problem("Қазпошта")
    >>> text_problem("a\\x00b")
    'contains U+0000, a control character (not allowed in text, see docs/events.md)'
    """
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    point = ord(char)
    what = ("a lone surrogate, not a Unicode character" if 0xD800 <= point <= 0xDFFF
            else "a control character (not allowed in text, see docs/events.md)")
    return f"contains U+{point:04X}, {what}"


@dataclass(frozen=True, slots=True)
class FieldLimit:
    """One field's documented bounds: the longest value (after trimming spaces), its characters."""

    field: str
    max_length: int | None
    characters: str
    type: str


OCCURRED_AT_MAX = 64
NOT_A_TIME = "not an ISO 8601 time with an offset, e.g. 2026-11-20T14:05:00+06:00"

RECORD_LIMITS: dict[str, FieldLimit] = {f.field: f for f in (
    FieldLimit("object_kind", 16, "`item`, `receptacle`, `dispatch`, `conveyance`", "string"),
    FieldLimit("object_id", 64, "`A-Z 0-9 - _ . /` (lower case and spaces are folded)",
               "string"),
    FieldLimit("code", 8, "an event code from event-codes.md", "string"),
    FieldLimit("occurred_at", OCCURRED_AT_MAX, "ISO 8601 time with offset, or without one "
               "in the zone given (never a number)", "string"),
    FieldLimit("location", 64, "UN/LOCODE: `A-Z 2-9` (spaces and lower case are folded), or "
               "the name of one place", "string"),
    FieldLimit("office", 32, "`A-Z 0-9 - _ .` (lower case is folded)", "string"),
    FieldLimit("source", 64, TEXT, "string"),
    FieldLimit("event_id", 128, TEXT, "string"),
    FieldLimit("payload", None, "see [the payload](#the-payload)", "JSON object"),
)}


def max_length(field: str) -> int:
    """The longest value a record field may have (after trimming spaces)."""
    limit = RECORD_LIMITS[field].max_length
    assert limit is not None
    return limit


def markdown_table() -> str:
    """The table of record field limits as docs/events.md shows it."""
    rows = ["| field | max length | allowed characters | type |", "|---|---|---|---|"]
    for f in RECORD_LIMITS.values():
        rows.append(f"| `{f.field}` | {f.max_length or ''} | {f.characters} | {f.type} |")
    return "\n".join([*rows, "", TEXT_RULE])
