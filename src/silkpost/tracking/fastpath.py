"""The fast path of record validation, for the common well-formed record.

The Pydantic model in :mod:`records` is the reference: it defines what is valid and produces
the messages. Running it costs ~15 µs a record, which caps a million-event partner file at a
minute; this path accepts the usual shape (ISO time with offset, string fields) in ~2 µs,
memoising id and place checks, since a file names each parcel and office many times. Anything
it is not sure of returns None and goes to the reference validator, so the fast path can only
accept what the reference accepts (a property test holds it to that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from silkpost.domain.codes import ObjectKind, event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.domain.locations import validate_locode, validate_office
from silkpost.domain.objects import validate_object_id

_FIELDS = frozenset(("object_kind", "object_id", "code", "occurred_at", "location", "office",
                     "source", "event_id", "payload"))
_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})"
)
_KINDS = {k.value: k for k in ObjectKind}
_CACHE_LIMIT = 200_000


class FastValidator:
    """Validates common records cheaply; returns None when the reference must decide."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str | None] = {}
        self._places: dict[str, str | None] = {}
        self._offices: dict[str, str | None] = {}
        self._codes: dict[tuple[str, ObjectKind], str | None] = {}

    def event(self, record: Mapping[str, Any], *, source: str, received_at: datetime
              ) -> TrackingEvent | None:
        """The event, if the record is plainly valid; None to defer to the reference."""
        if not _FIELDS.issuperset(record):
            return None
        kind = _KINDS.get(record.get("object_kind", "item"))
        object_id, code, at = record.get("object_id"), record.get("code"), record.get(
            "occurred_at")
        if kind is None or type(object_id) is not str or type(code) is not str or type(
                at) is not str:
            return None
        object_id = self._id(kind, object_id)
        code = self._code(code, kind)
        if object_id is None or code is None or not _TIME.fullmatch(at):
            return None
        try:
            occurred_at = datetime.fromisoformat(at)
        except ValueError:
            return None
        location_ok, location = self._optional(record.get("location"), self._places,
                                               validate_locode)
        office_ok, office = self._optional(record.get("office"), self._offices, validate_office)
        rest = [record.get(k) for k in ("source", "event_id")]
        payload = record.get("payload")
        if not (location_ok and office_ok):
            return None
        if payload is not None and (type(payload) is not dict
                                    or not all(type(k) is str for k in payload)):
            return None
        for value, limit in zip(rest, (64, 128), strict=True):
            if value is not None and (type(value) is not str or not 0 < len(value.strip())
                                      <= limit):
                return None
        return TrackingEvent(
            object_kind=kind, object_id=object_id, code=code, occurred_at=occurred_at,
            source=rest[0].strip() if rest[0] else source, location=location, office=office,
            event_id=rest[1].strip() if rest[1] else None, payload=payload,
            received_at=received_at,
        )

    def _id(self, kind: ObjectKind, raw: str) -> str | None:
        key = (kind.value, raw)
        if key not in self._ids:
            self._trim(self._ids)
            stripped = raw.strip()
            try:
                self._ids[key] = (validate_object_id(kind, stripped)
                                  if 0 < len(stripped) <= 64 else None)
            except ValueError:
                self._ids[key] = None
        return self._ids[key]

    def _code(self, raw: str, kind: ObjectKind) -> str | None:
        key = (raw, kind)
        if key not in self._codes:
            value = raw.strip().upper()
            entry = event_codes().get(value)
            ok = entry is not None and 3 <= len(raw.strip()) <= 8 and kind in entry.objects
            self._codes[key] = value if ok else None
        return self._codes[key]

    def _optional(self, raw: object, cache: dict[str, str | None],
                  check: Callable[[str], str]) -> tuple[bool, str | None]:
        """(True, normalised value or None when absent), or (False, None) to defer."""
        if raw is None:
            return True, None
        if type(raw) is not str:
            return False, None
        if raw not in cache:
            self._trim(cache)
            stripped = raw.strip()
            try:
                cache[raw] = check(stripped) if stripped else ""
            except ValueError:
                cache[raw] = None
        value = cache[raw]
        if value is None:
            return False, None
        return True, value or None

    @staticmethod
    def _trim(cache: dict[Any, Any]) -> None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
