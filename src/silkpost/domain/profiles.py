"""Inbound profiles: what one partner's files look like, written down once.

A post's system exports tracking data its own way: Russian column names, its own event codes
("ПРИЁМ" where UPU says EMA), its offices by name, times as ``04.12.2026 14:05`` in local
time, semicolons, Windows-1251. A profile (a TOML file per partner, ``silkpost partner
profile``) says all of it once; an import by that partner reads its files through it, and an
export in its profile writes them back the same way.

A value the profile's tables do not name is passed on unchanged, so the ingest's own checks
report it with its field (an unknown event code stays an unknown event code, not a silent
drop). A table must map one way each way: two partner codes for one Silkpost code could not
be written back.

>>> profile = parse_profile('''
... format = "csv"
... delimiter = ";"
... time_format = "%d.%m.%Y %H:%M"
... [columns]
... "Номер" = "object_id"
... "Событие" = "code"
... "Дата" = "occurred_at"
... [codes]
... "ПРИЁМ" = "EMA"
... ''')
>>> profile.inbound({"object_id": "RR123456785CN", "code": "ПРИЁМ",
...                  "occurred_at": "04.12.2026 14:05"})
{'object_id': 'RR123456785CN', 'code': 'EMA', 'occurred_at': '2026-12-04T14:05:00'}
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from silkpost.domain.errors import InvalidValue

FIELDS = ("object_id", "object_kind", "code", "occurred_at", "location", "office", "source",
          "event_id", "payload")
FORMATS = ("csv", "ndjson", "json")
MAX_PROFILE_BYTES = 1_000_000
_KEYS = {"format", "delimiter", "encoding", "timezone", "time_format", "columns", "codes",
         "places", "offices"}


def _table(raw: Any, name: str) -> Mapping[str, str]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise InvalidValue(f"[{name}] maps texts to texts", field=name)
    back: dict[str, str] = {}
    for theirs, ours in raw.items():
        if ours in back:
            raise InvalidValue(f"[{name}] maps both {back[ours]!r} and {theirs!r} to {ours!r}: "
                               "an export could not tell which to write", field=name)
        back[ours] = theirs
    return MappingProxyType(dict(raw))


def _inverse(table: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType({ours: theirs for theirs, ours in table.items()})


@dataclass(frozen=True, slots=True)
class InboundProfile:
    """One partner's file shape and vocabulary (checked on construction)."""

    format: str = "csv"
    delimiter: str | None = None
    encoding: str = "utf-8"
    timezone: str | None = None
    time_format: str | None = None  # strptime pattern of times as the partner writes them
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    places: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    offices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InvalidValue(f"format {self.format!r} is not one of {', '.join(FORMATS)}",
                               field="format")
        if self.timezone is not None:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise InvalidValue(f"{self.timezone!r} is not an IANA time zone such as "
                                   "Asia/Almaty", field="timezone") from None
        for name in ("columns", "codes", "places", "offices"):
            object.__setattr__(self, name, _table(dict(getattr(self, name)), name))
        wrong = sorted(set(self.columns.values()) - set(FIELDS))
        if wrong:
            raise InvalidValue(f"[columns] names fields Silkpost does not have: "
                               f"{', '.join(wrong)} (fields: {', '.join(FIELDS)})",
                               field="columns")
        if self.time_format is not None:
            try:
                datetime(2026, 12, 4, 14, 5).strftime(self.time_format)
            except ValueError as exc:
                raise InvalidValue(f"time_format: {exc}", field="time_format") from None

    def export_header(self) -> list[str]:
        """The partner's column names, in the profile's order: the header of an export."""
        return list(self.columns)

    def header(self, names: list[str]) -> list[str]:
        """A file's column names in Silkpost's words."""
        return [self.columns.get(n.strip(), n.strip()) for n in names]

    def inbound(self, record: dict[str, Any]) -> dict[str, Any]:
        """A record with Silkpost's field names, codes, places and ISO times."""
        out = {self.columns.get(k, k): v for k, v in record.items()}
        for name, table in (("code", self.codes), ("location", self.places),
                            ("office", self.offices)):
            value = out.get(name)
            if isinstance(value, str) and value in table:
                out[name] = table[value]
        moment = out.get("occurred_at")
        if self.time_format is not None and isinstance(moment, str):
            # A time not in the format is left as written: the ingest then says it is not a
            # time, naming the field.
            with contextlib.suppress(ValueError):
                out["occurred_at"] = datetime.strptime(moment.strip(),
                                                       self.time_format).isoformat()
        return out

    def outbound(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record (ISO time with its offset) the way the partner writes one."""
        out = dict(record)
        for name, table in (("code", self.codes), ("location", self.places),
                            ("office", self.offices)):
            value = out.get(name)
            back = _inverse(table)
            if isinstance(value, str) and value in back:
                out[name] = back[value]
        moment = out.get("occurred_at")
        if self.time_format is not None and isinstance(moment, str):
            at = datetime.fromisoformat(moment)
            if self.timezone is not None:
                at = at.astimezone(ZoneInfo(self.timezone))
            out["occurred_at"] = at.strftime(self.time_format)
        names = _inverse(self.columns)
        return {names.get(k, k): v for k, v in out.items()}


def parse_profile(text: str) -> InboundProfile:
    """The profile a TOML text describes; errors name the key at fault."""
    if len(text.encode()) > MAX_PROFILE_BYTES:
        raise InvalidValue(f"a profile is at most {MAX_PROFILE_BYTES:,} bytes", field="profile")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValue(f"not TOML: {exc}", field="profile") from None
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise InvalidValue(f"unknown key(s) {', '.join(unknown)}; a profile has "
                           f"{', '.join(sorted(_KEYS))}", field=unknown[0])
    for key in ("format", "delimiter", "encoding", "timezone", "time_format"):
        if key in raw and not isinstance(raw[key], str):
            raise InvalidValue(f"{key} is a text", field=key)
    for key in ("columns", "codes", "places", "offices"):
        if key in raw and not isinstance(raw[key], dict):
            raise InvalidValue(f"[{key}] is a table", field=key)
    return InboundProfile(**raw)
