"""Validation of incoming event records, whatever format they came in.

A record is a mapping of field names to values (from JSON, NDJSON or CSV). Validation either
gives a domain :class:`TrackingEvent` or a list of problems, each naming the field and the
reason, so that a partner can fix its file without asking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

import orjson
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from silkpost.domain.codes import ObjectKind, event_code
from silkpost.domain.errors import Problem
from silkpost.domain.events import TrackingEvent
from silkpost.domain.locations import validate_office
from silkpost.domain.objects import validate_object_id
from silkpost.domain.retractions import check_retraction, is_retraction
from silkpost.tracking.limits import (
    NOT_A_TIME,
    OCCURRED_AT_MAX,
    max_length,
    shown_name,
    text_problem,
)
from silkpost.tracking.payload import payload_problem
from silkpost.tracking.places import PlaceNames, location_code

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]")


class EventRecord(BaseModel):
    """The wire shape of one event (documented in docs/events.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    object_kind: ObjectKind = ObjectKind.ITEM
    object_id: str = Field(min_length=1, max_length=max_length("object_id"))
    code: str = Field(min_length=3, max_length=max_length("code"))
    occurred_at: datetime
    location: str | None = Field(default=None, max_length=max_length("location"))
    office: str | None = Field(default=None, max_length=max_length("office"))
    source: str | None = Field(default=None, min_length=1, max_length=max_length("source"))
    event_id: str | None = Field(default=None, min_length=1, max_length=max_length("event_id"))
    payload: dict[str, Any] | None = None

    @field_validator("object_kind", "object_id", "code", "location", "office", "source",
                     "event_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # Before trimming: str.strip() would drop a trailing \x1f or \x85 without a word.
        if isinstance(value, str):
            reason = text_problem(value)
            if reason is not None:
                raise ValueError(reason)
        return value

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _iso_time(cls, value: Any) -> Any:
        # Pydantic reads numbers (and digit strings) as Unix time in UTC: the scanner's offset
        # would be lost without a word, so only text in the ISO layout (or a datetime) passes.
        if isinstance(value, datetime):
            return value
        if (not isinstance(value, str) or len(value) > OCCURRED_AT_MAX
                or not _ISO_DATE.match(value.strip())):
            raise ValueError(NOT_A_TIME)
        reason = text_problem(value)
        if reason is not None:
            raise ValueError(reason)
        return value

    @field_validator("object_id")
    @classmethod
    def _valid_id(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("object_kind", ObjectKind.ITEM)
        return validate_object_id(kind, value)

    @field_validator("code")
    @classmethod
    def _known_code(cls, value: str) -> str:
        value = value.upper()
        if event_code(value) is None:
            raise ValueError(f"unknown event code {value!r} (see docs/event-codes.md)")
        return value

    @field_validator("occurred_at")
    @classmethod
    def _has_offset(cls, value: datetime, info: ValidationInfo) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            return local_time(value, (info.context or {}).get("zone"))
        return value

    @field_validator("location")
    @classmethod
    def _locode(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        names = (info.context or {}).get("places")
        return names.location_code(value) if names is not None else location_code(value)

    @field_validator("office")
    @classmethod
    def _office(cls, value: str | None) -> str | None:
        return None if not value else validate_office(value)

    @field_validator("payload")
    @classmethod
    def _payload(cls, value: dict[str, Any] | None, info: ValidationInfo
                 ) -> dict[str, Any] | None:
        if value is not None:
            found = payload_problem(value, info.data.get("object_kind", ObjectKind.ITEM))
            if found is not None:
                raise _FieldError(*found)
        return value

    @model_validator(mode="after")
    def _code_fits_kind(self) -> EventRecord:
        code = event_code(self.code)
        if code is not None and self.object_kind not in code.objects:
            kinds = ", ".join(sorted(code.objects))
            raise _FieldError("code", f"{self.code} is reported on {kinds}, not {self.object_kind}")
        problem = check_retraction(self.payload) if is_retraction(self.code) else None
        if problem is not None:
            raise _FieldError(*problem)
        return self


NO_OFFSET = ("time needs a UTC offset, e.g. 2026-11-20T14:05:00+06:00, or the zone of the "
             "file's times: --timezone Asia/Almaty (HTTP: header X-Silkpost-Timezone)")


def local_time(value: datetime, zone: tzinfo | None) -> datetime:
    """A time without an offset, read in the zone the sender said its file uses.

    The one place a naive time becomes an aware one (the record validator's fast path calls
    it too). Without a zone it is refused: guessing UTC would shift a Kazakh scan by 5 hours.
    A time a DST change repeats is read as the first of the two (``fold=0``).
    """
    if zone is None or value.tzinfo is not None:
        raise ValueError(NO_OFFSET)
    return value.replace(tzinfo=zone)


class _FieldError(ValueError):
    """A cross-field check that knows which field is at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def to_event(record: Mapping[str, Any], *, default_source: str, zone: tzinfo | None = None,
             places: PlaceNames | None = None) -> TrackingEvent | list[Problem]:
    """The domain event for a record, or the problems that keep it from being one.

    ``zone``: where the sender's times without an offset were taken (see :func:`local_time`).
    """
    try:
        r = EventRecord.model_validate(record, context={"zone": zone, "places": places})
    except ValidationError as exc:
        return [_problem(err) for err in exc.errors(include_url=False, include_input=False)]
    return TrackingEvent(
        object_kind=r.object_kind,
        object_id=r.object_id,
        code=r.code,
        occurred_at=r.occurred_at,
        source=r.source or default_source,
        location=r.location,
        office=r.office,
        event_id=r.event_id,
        payload=r.payload,
    )


def _problem(err: Any) -> Problem:
    ctx = err.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, _FieldError):
        return Problem(field=inner.field, reason=inner.reason)
    field = ".".join(shown_name(str(p)) for p in err["loc"]) or "(record)"
    reason = str(inner) if isinstance(inner, ValueError) else err["msg"]
    if err["type"] == "extra_forbidden":
        reason = "unknown field (see docs/events.md for the fields of an event)"
    elif err["type"] == "missing":
        reason = "required field is missing"
    return Problem(field=field, reason=reason)


def payload_json(payload: Mapping[str, Any] | None) -> str | None:
    """The payload as compact JSON text for storage."""
    return None if payload is None else orjson.dumps(payload).decode()
