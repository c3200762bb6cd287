"""Validation of incoming records: every record that enters the hub passes here.

The Pydantic model in :mod:`records` is the reference: it defines what is valid and produces
the messages. Running it costs ~15 µs a record, which caps a million-event partner file at a
minute; :class:`RecordValidator` accepts the usual shape (ISO time with offset, or an aware
datetime as the simulator gives, string fields within the limits of :mod:`limits`, a flat
payload) in ~1-2 µs, memoising id, place, sender and payload text checks, since a file names
each parcel, office and destination many times. Anything it is not sure of returns None
and goes to the reference, so it can only accept what the reference accepts (a property test
holds it to that). :func:`validate_batch` adds the time window and reports the rejections.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from silkpost.domain.codes import ObjectKind, event_codes
from silkpost.domain.errors import Problem
from silkpost.domain.events import TrackingEvent
from silkpost.domain.locations import validate_office
from silkpost.domain.objects import validate_object_id
from silkpost.domain.text import forbidden_character
from silkpost.domain.times import EARLIEST as EARLIEST_PLAUSIBLE
from silkpost.errors import InvalidRequest
from silkpost.tracking.formats import Record
from silkpost.tracking.limits import max_length, text_problem
from silkpost.tracking.payload import PayloadCheck
from silkpost.tracking.places import PlaceNames, packaged
from silkpost.tracking.records import local_time, to_event

MAX_CLOCK_AHEAD = timedelta(hours=24)

_FIELDS = frozenset(("object_kind", "object_id", "code", "occurred_at", "location", "office",
                     "source", "event_id", "payload"))
_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})"
)
_NAIVE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?")
_KINDS = {k.value: k for k in ObjectKind}
_time_ok = _TIME.fullmatch
_naive_ok = _NAIVE_TIME.fullmatch
_PLAIN_SEPARATORS = frozenset(("--T::+:", "--T::-:"))  # at[4::3] of seconds and ±hh:mm
_fromiso = datetime.fromisoformat
_CACHE_LIMIT = 200_000
_ID_MAX, _CODE_MAX, _SOURCE_MAX, _EVENT_ID_MAX = (
    max_length("object_id"), max_length("code"), max_length("source"), max_length("event_id"))
_LOCATION_MAX, _OFFICE_MAX = max_length("location"), max_length("office")
_bad_char = forbidden_character


_BAD: Any = object()  # cache value of a field that is present but invalid
_MISS: Any = object()


class RecordValidator:
    """Validates common records cheaply; returns None when the reference must decide.

    One instance serves one import, so its caches hold the ids and places of that file: a
    parcel's id comes with each of its ~14 events and an office with thousands. Each cache maps
    the raw value to its normalised form, None (empty: absent) or ``_BAD`` (defer).
    """

    def __init__(self, *, zone: tzinfo | None = None, places: PlaceNames | None = None
                 ) -> None:
        self.zone = zone  # where the file's times without an offset were taken, if said
        self.places = places or packaged()  # the platform's network's place names
        self._ids: dict[ObjectKind, dict[str, str | None]] = {k: {} for k in ObjectKind}
        self._places: dict[str, str | None] = {}
        self._offices: dict[str, str | None] = {}
        self._codes: dict[tuple[str, ObjectKind], str | None] = {}
        self._sources: dict[str, str | None] = {}
        self._payloads = PayloadCheck()
        self._sender: tuple[str, str | None] | None = None  # the default source, checked
        self._window: tuple[datetime, datetime] | None = None
        self._days = (0, 0)
        self._last_time: datetime | None = None  # the last datetime object found valid
        # The raw fields (by identity) and the event of the last record taken in a window.
        self._run: tuple[Any, ...] | None = None

    def _set_window(self, window: tuple[datetime, datetime]) -> None:
        earliest, latest = window
        self._window = window
        self._last_time = None
        self._days = (earliest.astimezone(UTC).toordinal() + 1,
                      latest.astimezone(UTC).toordinal() - 1)

    def event(self, record: Mapping[str, Any], *, source: str, received_at: datetime,
              window: tuple[datetime, datetime] | None = None) -> TrackingEvent | None:
        """The event, if the record is plainly valid; None to defer to the reference.

        With ``window`` (earliest, latest), an event outside it is also deferred (the caller
        rejects it with its message). Written flat (one dict lookup per field, no helper calls
        on cache hits): it runs once per record of every partner file.
        """
        if not _FIELDS.issuperset(record):
            return None
        get = record.get
        at = get("occurred_at")
        run = self._run
        # A record that differs from the last one taken only in its object id (one scan of a
        # truckload, as the simulator and sorting machines send them): only the id is new.
        if (run is not None and at is run[0] and window is self._window and window is not None
                and received_at is run[1] and source is run[2]
                and get("object_kind", "item") is run[3] and get("code") is run[4]
                and get("location") is run[5] and get("office") is run[6]
                and get("source") is run[7] and get("event_id") is run[8]
                and get("payload") is run[9]):
            raw_id = get("object_id")
            if type(raw_id) is not str:
                return None
            kind, ids = run[10], run[11]
            object_id = ids.get(raw_id, _MISS)
            if object_id is _MISS:
                object_id = self._new_id(ids, kind, raw_id)
            if object_id is None:
                return None
            return TrackingEvent(kind, object_id, run[12], run[17], run[13], run[14], run[15],
                                 run[16], run[9], received_at)
        raw_kind = get("object_kind", "item")
        if type(raw_kind) is not str:
            return None
        kind = _KINDS.get(raw_kind)
        raw_id, raw_code = get("object_id"), get("code")
        if kind is None or type(raw_id) is not str or type(raw_code) is not str:
            return None
        ids = self._ids[kind]
        object_id = ids.get(raw_id, _MISS)
        if object_id is _MISS:
            object_id = self._new_id(ids, kind, raw_id)
        code = self._codes.get((raw_code, kind), _MISS)
        if code is _MISS:
            code = self._new_code(raw_code, kind)
        if object_id is None or code is None:
            return None
        if type(at) is str:
            # The usual layout (2026-11-20T10:00:00+06:00) by its separators, else the regex;
            # in either case fromisoformat rejects anything but ASCII digits around them.
            if not (len(at) == 25 and at[4::3] in _PLAIN_SEPARATORS) and not _time_ok(at):
                if self.zone is None or not _naive_ok(at):
                    return None
                try:  # a partner's local time, in the zone the import was told
                    occurred_at = local_time(_fromiso(at), self.zone)
                except ValueError:
                    return None
            else:
                try:
                    occurred_at = _fromiso(at)
                except ValueError:
                    return None
        elif type(at) is datetime:
            # One scan of a truckload is one datetime object shared by its records.
            if at is not self._last_time and at.utcoffset() is None:
                return None
            occurred_at = at
        else:
            return None
        if window is not None and (occurred_at is not self._last_time
                                   or window is not self._window):
            if window is not self._window:
                self._set_window(window)
            # Comparing aware datetimes costs 0.2 µs each; a local calendar day two days
            # inside the window is inside it whatever the offset (offsets are under 24 h).
            day = occurred_at.toordinal()
            if not self._days[0] < day < self._days[1] and not (
                    window[0] <= occurred_at <= window[1]):
                return None
            if occurred_at is at:
                self._last_time = at
        raw = get("location")
        location = None
        if raw is not None:
            if type(raw) is not str:
                return None
            location = self._places.get(raw, _MISS)
            if location is _MISS:
                location = self._new_place(raw, self._places, self.places.location_code,
                                           _LOCATION_MAX)
            if location is _BAD:
                return None
        raw = get("office")
        office = None
        if raw is not None:
            if type(raw) is not str:
                return None
            office = self._offices.get(raw, _MISS)
            if office is _MISS:
                office = self._new_place(raw, self._offices, validate_office,
                                         _OFFICE_MAX)
            if office is _BAD:
                return None
        sender = get("source")
        if sender is None:
            sender = source
        elif type(sender) is not str:
            return None
        else:
            raw = sender
            sender = self._sources.get(raw, _MISS)
            if sender is _MISS:
                sender = self._new_source(raw)
            if sender is None:
                return None
        event_id = get("event_id")
        if event_id is not None and (type(event_id) is not str or _bad_char(event_id)
                                     or not 0 < len(event_id := event_id.strip())
                                     <= _EVENT_ID_MAX):
            return None
        payload = get("payload")
        if payload is not None and (type(payload) is not dict
                                    or not self._payloads.ok(payload, kind)):
            return None
        if window is not None:
            self._run = (at, received_at, source, raw_kind, raw_code, get("location"),
                         get("office"), get("source"), get("event_id"), payload, kind, ids,
                         code, sender, location, office, event_id, occurred_at)
        return TrackingEvent(kind, object_id, code, occurred_at, sender, location, office,
                             event_id, payload, received_at)

    def _new_id(self, ids: dict[str, str | None], kind: ObjectKind, raw: str) -> str | None:
        self._trim(ids)
        stripped = raw.strip()
        try:
            value = (validate_object_id(kind, stripped)
                     if 0 < len(stripped) <= _ID_MAX and not _bad_char(raw) else None)
        except ValueError:
            value = None
        ids[raw] = value
        return value

    def _new_code(self, raw: str, kind: ObjectKind) -> str | None:
        value: str | None = raw.strip().upper()
        entry = event_codes().get(value or "")
        # A retraction's payload is checked by the reference (records.py): defer it there.
        if (entry is None or not 3 <= len(raw.strip()) <= _CODE_MAX
                or kind not in entry.objects or entry.status is None or _bad_char(raw)):
            value = None
        if len(self._codes) < _CACHE_LIMIT:
            self._codes[(raw, kind)] = value
        return value

    def _new_place(self, raw: str, cache: dict[str, Any], check: Callable[[str], str],
                   longest: int) -> Any:
        """The normalised value (None when blank), or ``_BAD``; remembered."""
        self._trim(cache)
        stripped = raw.strip()
        if len(stripped) > longest or _bad_char(raw):
            value = _BAD
        else:
            try:
                value = check(stripped) if stripped else None
            except ValueError:
                value = _BAD
        cache[raw] = value
        return value

    def _new_source(self, raw: str) -> str | None:
        self._trim(self._sources)
        stripped = raw.strip()
        value = stripped if 0 < len(stripped) <= _SOURCE_MAX and not _bad_char(raw) else None
        self._sources[raw] = value
        return value

    def check_sender(self, source: str) -> None:
        """Refuse a default sender name (a header, ``--source``) no record could be stored with.

        Every record without its own ``source`` takes it, so it is one error for the whole
        request, named before anything is stored, rather than the same rejection per record.
        """
        if self._sender is not None and self._sender[0] is source:
            if self._sender[1] is not None:
                raise InvalidRequest(self._sender[1], field="source")
            return
        reason = text_problem(source)
        if reason is not None:
            reason = f"the sender name {reason}"
        elif not source.strip() or len(source) > _SOURCE_MAX:
            reason = (f"the sender name must be 1 to {_SOURCE_MAX} characters, not "
                      f"{len(source):,}")
        self._sender = (source, reason)
        if reason is not None:
            raise InvalidRequest(reason, field="source")

    @staticmethod
    def _trim(cache: dict[Any, Any]) -> None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()


def validate_batch(
    batch: Sequence[Record], *, validator: RecordValidator, source: str, received_at: datetime,
) -> tuple[list[TrackingEvent], list[tuple[int, list[Problem]]]]:
    """The events of the good records of a batch, and the position and problems of each bad one.

    A record is good when the reference would accept it and its time lies between the year
    2000 and 24 h after ``received_at`` (a scanner clock far off is a mistake to point out).
    """
    validator.check_sender(source)
    window = (EARLIEST_PLAUSIBLE, received_at + MAX_CLOCK_AHEAD)
    events: list[TrackingEvent] = []
    rejected: list[tuple[int, list[Problem]]] = []
    keep, fast_event = events.append, validator.event
    for position, record in batch:
        # The common case inline: a plain record the fast path takes, in the time window.
        if type(record) is dict:
            event = fast_event(record, source=source, received_at=received_at, window=window)
            if event is not None:
                keep(event)
                continue
        checked = _check(record, validator=validator, source=source, received_at=received_at,
                         window=window)
        if isinstance(checked, list):
            rejected.append((position, checked))
        else:
            keep(checked)
    return events, rejected


def _check(
    record: Mapping[str, Any] | Problem, *, validator: RecordValidator, source: str,
    received_at: datetime, window: tuple[datetime, datetime],
) -> TrackingEvent | list[Problem]:
    if isinstance(record, Problem):
        return [record]
    event = validator.event(record, source=source, received_at=received_at)
    if event is None:
        checked = to_event(record, default_source=source, zone=validator.zone,
                           places=validator.places)
        if isinstance(checked, list):
            return checked
        event = checked._replace(received_at=received_at)
    earliest, latest = window
    if earliest <= event.occurred_at <= latest:
        return event
    if event.occurred_at > latest:
        return [Problem("occurred_at", "is more than 24 h after it was received: check the "
                        "scanner's clock and time zone")]
    return [Problem("occurred_at", "is before the year 2000: not a plausible scan time")]
