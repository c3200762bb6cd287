"""Builders of test data shaped like what partners send."""

from __future__ import annotations

from typing import Any


def event(object_id: str = "CA000000014CN", code: str = "EMA",
          at: str = "2026-11-20T10:00:00+08:00", **extra: Any) -> dict[str, Any]:
    """An event record as a partner would send it."""
    return {"object_id": object_id, "code": code, "occurred_at": at, **extra}


def numbered(records: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Records with their 1-based positions, as the format readers yield them."""
    return list(enumerate(records, start=1))
