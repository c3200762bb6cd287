"""Poison records for the record-side tests: one bad field each, and what its rejection says.

Each case is (name, change to a good record, field named, words in the reason). The good
records around them come from :func:`good`.
"""

from __future__ import annotations

from typing import Any


def nested(levels: int) -> Any:
    """A JSON value ``levels`` deep (orjson reads 1,024 levels but writes only 255)."""
    value: Any = "bottom"
    for _ in range(levels - 1):
        value = {"d": value}
    return value


def good(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` valid records of distinct items, some with a payload like the simulator's."""
    return [{"object_id": f"G{start + i:07d}", "code": "EMA",
             "occurred_at": "2026-11-20T10:00:00+08:00", "location": "CNURC",
             "office": "CNURCA", **({"payload": {"destination": "KZALA", "weight_kg": 1.2}}
                                    if i % 3 == 0 else {})}
            for i in range(n)]


def poison(change: dict[str, Any]) -> dict[str, Any]:
    """A record of item P0000001 with one field changed (or added)."""
    return {"object_id": "P0000001", "code": "EMA", "occurred_at": "2026-11-20T10:00:00+08:00",
            "location": "CNURC", **change}


# The reproductions of issue 15, point 1 (record side), and the time given as a number.
CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("payload 300 levels deep", {"payload": {"deep": nested(300)}}, "payload.deep",
     "nested deeper than 8 levels"),
    ("NUL in source", {"source": "part\x00ner"}, "source", "U+0000"),
    ("NUL in event_id", {"event_id": "e-\x00-1"}, "event_id", "U+0000"),
    ("destination over varchar(32)", {"payload": {"destination": "K" * 40}},
     "payload.destination", "1 to 32 characters"),
    ("source of 5,000 characters", {"source": "s" * 5000}, "source", "at most 64 characters"),
    ("lone surrogate in source", {"source": "a\ud800b"}, "source", "surrogate"),
    ("lone surrogate in a payload string", {"payload": {"note": "x\udc00"}}, "payload.note",
     "surrogate"),
    ("lone surrogate in object_id", {"object_id": "P000\ud8000001"}, "object_id", "surrogate"),
    ("C0 at the end of object_id (strip would drop it)", {"object_id": "P0000001\x1f"},
     "object_id", "U+001F"),
    ("C1 NEL after the code (strip would drop it)", {"code": "EMA\x85"}, "code", "U+0085"),
    ("DEL in source", {"source": "part\x7fner"}, "source", "U+007F"),
    ("C1 CSI in event_id", {"event_id": "e\x9b31m"}, "event_id", "U+009B"),
    ("newline in a payload string", {"payload": {"note": "a\nb"}}, "payload.note", "U+000A"),
    ("escape in office", {"office": "CNURCA\x1b"}, "office", "U+001B"),
    ("tab in location", {"location": "\tCNURC"}, "location", "U+0009"),
    ("a number as the time", {"occurred_at": 1_700_000_000}, "occurred_at",
     "not an ISO 8601 time with an offset"),
]
