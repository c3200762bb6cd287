"""The payload of an event: the fields the platform reads are typed; the rest is kept, bounded.

The payload is where partners put what the record's columns do not hold. The platform reads some
of it (the destination makes an item's lane on the dashboard, the weight its tonnage), so those
fields are checked like the record's own: a destination with a ``>`` would break the lane keys,
a weight of ``1.5e308`` every sum. Unknown fields are kept (partners send what they have) but
bounded in size, depth and characters, so that no payload can fail to be written back as JSON
(orjson writes 255 levels at most), fill a column or a page. The schema lives here because it
is the wire shape of a record, like records.py; the rules it applies (codes, ids, regimes) are
the domain's. :func:`payload_problem` is the reference (it walks everything and words the
reason); :class:`PayloadCheck` is the fast path's cheap yes-or-defer, built on the same checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
import pycountry

from silkpost.domain.codes import ObjectKind, customs_regimes
from silkpost.domain.locations import validate_locode, validate_office
from silkpost.domain.objects import validate_object_id
from silkpost.domain.text import forbidden_character
from silkpost.tracking.limits import TEXT, shown_name, text_problem

MAX_BYTES = 16_384
"""The longest payload, in bytes of compact JSON."""
MAX_DEPTH = 8
"""The deepest nesting: the payload object is level 1, an object or array in it level 2."""
MAX_KEY_LENGTH = 64
MAX_STRING_LENGTH = 1_024
"""The longest string value of a field the platform does not know."""
MAX_INTEGER = 2**53
"""Integers beyond ±2^53 are not exact in JSON readers (JavaScript, DuckDB's DOUBLE)."""

# Heavier than this is a mistake in kg (grams sent as kilograms): an item or a bag of the
# mail weighs at most a few tens of kg, a dispatch or a conveyance (a block train) < 5,000 t.
MAX_WEIGHT_KG: dict[ObjectKind, float] = {
    ObjectKind.ITEM: 1_000.0, ObjectKind.RECEPTACLE: 1_000.0,
    ObjectKind.DISPATCH: 5_000_000.0, ObjectKind.CONVEYANCE: 5_000_000.0,
}
MAX_DECLARED_USD = 1_000_000.0
MAX_DECLARED_VALUE = 1e12  # in any currency (1 USD is thousands of some currencies)
MAX_CODE_LENGTH = 32  # the read model's destination column, varchar(32)
MAX_ID_LENGTH = 64
MAX_RETRACTS_LENGTH = 128  # an event_id
MAX_REASON_LENGTH = 500

Check = Callable[[Any, ObjectKind], str | None]


@dataclass(frozen=True, slots=True)
class PayloadField:
    """A payload field the platform knows: its type and limits as documented, and its check."""

    name: str
    type: str
    max_length: int | None
    characters: str
    bounds: str
    check: Check


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)  # not bool, whose type is bool


def _weight(value: Any, kind: ObjectKind) -> str | None:
    if not _is_number(value):
        return "must be a number of kilograms"
    limit = MAX_WEIGHT_KG[kind]
    if not 0 < value <= limit:  # NaN and infinities fail this too
        return f"must be more than 0 and at most {limit:,.0f} kg for a {kind.value}"
    return None


def _amount(limit: float) -> Check:
    def check(value: Any, kind: ObjectKind) -> str | None:
        if not _is_number(value):
            return "must be a number"
        if not 0 <= value <= limit:
            return f"must be between 0 and {limit:,.0f}"
        return None
    return check


def _flag(value: Any, kind: ObjectKind) -> str | None:
    return None if type(value) is bool else "must be true or false"


def _text(limit: int) -> Check:
    def check(value: Any, kind: ObjectKind) -> str | None:
        if type(value) is not str:
            return "must be a string"
        if not 0 < len(value) <= limit:
            return f"must be 1 to {limit} characters, not {len(value)}"
        return text_problem(value)
    return check


def _canonical(value: Any, limit: int, normalise: Callable[[str], str], what: str) -> str | None:
    """None if ``value`` is a string already in the form ``normalise`` gives; else why not."""
    if type(value) is not str:
        return f"must be a string: {what}"
    if not 0 < len(value) <= limit:
        return f"must be 1 to {limit} characters: {what}"
    try:
        if normalise(value) == value:
            return None
    except ValueError:
        pass
    shown = repr(value) if forbidden_character(value) is None else ascii(value)
    return f"{shown} is not {what}, written in capitals without spaces"


def _destination(value: Any, kind: ObjectKind) -> str | None:
    def normalise(code: str) -> str:
        try:
            return validate_locode(code)
        except ValueError:
            return validate_office(code)
    return _canonical(value, MAX_CODE_LENGTH, normalise,
                      "a UN/LOCODE or node code (A-Z, 0-9, '-', '_', '.'; e.g. KZALA, CNHRS-XS)")


def _object_id(of: ObjectKind) -> Check:
    what = f"a {of.value} id (A-Z, 0-9, '-', '_', '.', '/')"

    def check(value: Any, kind: ObjectKind) -> str | None:
        return _canonical(value, MAX_ID_LENGTH, lambda v: validate_object_id(of, v), what)
    return check


def _regime(value: Any, kind: ObjectKind) -> str | None:
    regimes = customs_regimes()
    if type(value) is str and value in regimes:
        return None
    return f"must be a customs regime code, one of {', '.join(regimes)} (see event-codes.md)"


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 alphabetic currency codes (from pycountry's table, no network)."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def _currency(value: Any, kind: ObjectKind) -> str | None:
    if type(value) is str and value in currencies():
        return None
    return "must be an ISO 4217 currency code in capitals (USD, CNY, KZT, EUR …)"


_CODE = "`A-Z 0-9 - _ .`"
_ID = "`A-Z 0-9 - _ . /`"
_LIGHT, _HEAVY = MAX_WEIGHT_KG[ObjectKind.ITEM], MAX_WEIGHT_KG[ObjectKind.CONVEYANCE]
KNOWN: dict[str, PayloadField] = {f.name: f for f in (
    PayloadField("destination", "string", MAX_CODE_LENGTH, _CODE, "a UN/LOCODE or network node "
                 "code, as written (capitals, no spaces)", _destination),
    PayloadField("weight_kg", "number", None, "", f"> 0 and ≤ {_LIGHT:,.0f} for an item or "
                 f"receptacle, ≤ {_HEAVY:,.0f} for a dispatch or conveyance", _weight),
    PayloadField("declared_value_usd", "number", None, "", f"0 to {MAX_DECLARED_USD:,.0f}",
                 _amount(MAX_DECLARED_USD)),
    PayloadField("declared_value", "number", None, "", f"0 to {MAX_DECLARED_VALUE:,.0f}, "
                 "with `currency`", _amount(MAX_DECLARED_VALUE)),
    PayloadField("currency", "string", 3, "`A-Z`", "ISO 4217 code, with `declared_value`",
                 _currency),
    PayloadField("regime", "string", 4, "`0-9`", "a customs regime of event-codes.md",
                 _regime),
    PayloadField("battery", "boolean", None, "", "goods flag", _flag),
    PayloadField("lithium_battery", "boolean", None, "", "goods flag", _flag),
    PayloadField("dangerous_goods", "boolean", None, "", "goods flag", _flag),
    PayloadField("receptacle_id", "string", MAX_ID_LENGTH, _ID, "an S9 id (29 characters) or "
                 "another receptacle id, as written", _object_id(ObjectKind.RECEPTACLE)),
    PayloadField("dispatch_id", "string", MAX_ID_LENGTH, _ID, "a dispatch id, as written",
                 _object_id(ObjectKind.DISPATCH)),
    PayloadField("conveyance_id", "string", MAX_ID_LENGTH, _ID, "a conveyance id, as written",
                 _object_id(ObjectKind.CONVEYANCE)),
    PayloadField("retracts", "string", MAX_RETRACTS_LENGTH, TEXT, "what a retraction "
                 "retracts: an `event_id` or `CODE@TIME` ([Retractions](#retractions))",
                 _text(MAX_RETRACTS_LENGTH)),
    PayloadField("reason", "string", MAX_REASON_LENGTH, TEXT, "why (a retraction's reason, a "
                 "delay's)", _text(MAX_REASON_LENGTH)),
)}
# Each names the other: a value in an unknown currency cannot be compared or converted.
_PAIRED = (("declared_value", "currency"), ("currency", "declared_value"))


def payload_problem(payload: Mapping[str, Any], kind: ObjectKind) -> tuple[str, str] | None:
    """The first field of ``payload`` that breaks a rule, and why; None when it is valid."""
    for key, value in payload.items():
        if type(key) is not str:
            return "payload", "keys must be strings"
        field = f"payload.{shown_name(key)}"
        reason = _key_problem(key)
        if reason is not None:
            return field, reason
        spec = KNOWN.get(key)
        if spec is not None:
            reason = spec.check(value, kind)
            if reason is not None:
                return field, reason
            continue
        found = _value_problem(value, "", 2)
        if found is not None:
            inner, reason = found
            return field, reason if not inner else f"{reason} (at {shown_name(key + inner)})"
    for key, other in _PAIRED:
        if key in payload and other not in payload:
            return f"payload.{other}", f"is required with {key}"
    size = len(orjson.dumps(payload))
    if size > MAX_BYTES:
        largest = max(payload, key=lambda k: len(orjson.dumps({k: payload[k]})))
        return (f"payload.{largest}", f"makes the payload {size:,} bytes of JSON, over the "
                f"limit of {MAX_BYTES:,}")
    return None


def _key_problem(key: str) -> str | None:
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        return f"a payload key must be 1 to {MAX_KEY_LENGTH} characters, not {len(key)}"
    return text_problem(key)


def _value_problem(value: Any, path: str, depth: int) -> tuple[str, str] | None:
    """Where in an unknown field's value (a path below the field) a rule is broken, and why.

    ``depth`` is the level ``value`` sits at; the walk stops at the limit, so a value nested
    a thousand levels deep costs no more than one nested nine.
    """
    kind = type(value)
    if kind is str:
        if len(value) > MAX_STRING_LENGTH:
            return path, (f"is {len(value):,} characters, over the limit of "
                           f"{MAX_STRING_LENGTH:,} for a string")
        reason = text_problem(value)
        return None if reason is None else (path, reason)
    if kind is bool or value is None:
        return None
    if kind is int:
        if -MAX_INTEGER <= value <= MAX_INTEGER:
            return None
        return path, "is an integer beyond ±2^53, not exact in JSON"
    if kind is float:
        return None if math.isfinite(value) else (path, "must be a finite number")
    if kind is dict or kind is list:
        if depth >= MAX_DEPTH:
            return path, f"is nested deeper than {MAX_DEPTH} levels"
        if kind is list:
            for i, item in enumerate(value):
                found = _value_problem(item, f"{path}[{i}]", depth + 1)
                if found is not None:
                    return found
            return None
        for key, item in value.items():
            if type(key) is not str:
                return path, "keys must be strings"
            reason = _key_problem(key)
            if reason is not None:
                return path, reason
            found = _value_problem(item, f"{path}.{key}", depth + 1)
            if found is not None:
                return found
        return None
    return path, "must be a JSON value (string, number, true, false, null, array, object)"


_CACHE_LIMIT = 100_000
_GUESS_PER_FIELD = 32  # bytes of compact JSON a field may take beyond its key and text


class PayloadCheck:
    """The fast path's payload check: True when plainly valid, False to defer to the reference.

    It takes only flat payloads (no object or array inside; nested ones go to
    :func:`payload_problem`) and calls the same field checks, remembering the text values
    found good (a file names the same destinations and bag ids many times). The size is
    bounded from the lengths seen, and measured only when that bound is over the limit.
    """

    def __init__(self) -> None:
        self._good: set[tuple[str, str]] = set()
        self._keys: set[str] = set()

    def ok(self, payload: dict[str, Any], kind: ObjectKind) -> bool:
        """True if the reference would accept ``payload`` on an object of ``kind``."""
        if "declared_value" in payload or "currency" in payload:
            return False  # a pair: the reference checks it
        good, keys, known = self._good, self._keys, KNOWN
        chars = 0
        for key, value in payload.items():
            if key not in keys:
                if type(key) is not str or _key_problem(key) is not None:
                    return False
                if len(keys) >= _CACHE_LIMIT:
                    keys.clear()
                keys.add(key)
            vtype = type(value)
            spec = known.get(key)
            if vtype is str:
                chars += len(key) + len(value)
                if (key, value) in good:
                    continue
                if (_value_problem(value, "", 2) if spec is None
                        else spec.check(value, kind)) is not None:
                    return False
                if len(good) >= _CACHE_LIMIT:
                    good.clear()
                good.add((key, value))
                continue
            chars += len(key)
            if spec is not None:
                if spec.check(value, kind) is not None:
                    return False
            elif vtype is dict or vtype is list or _value_problem(value, "", 2) is not None:
                return False
        if 4 * chars + _GUESS_PER_FIELD * len(payload) > MAX_BYTES:
            return payload_problem(payload, kind) is None
        return True


def markdown_table() -> str:
    """The payload's known fields and the limits of the rest, as docs/events.md shows them."""
    rows = ["| field | max length | allowed characters | type | bounds |",
            "|---|---|---|---|---|"]
    for f in KNOWN.values():
        rows.append(f"| `{f.name}` | {f.max_length or ''} | {f.characters} | {f.type} | "
                    f"{f.bounds} |")
    rows.append(f"| any other key | {MAX_KEY_LENGTH} | {TEXT} | string | |")
    rows.append(f"| any other string value | {MAX_STRING_LENGTH:,} | {TEXT} | string | |")
    rows.append("| any other number | | | number | finite; integers within ±2^53 |")
    rows.append(f"| the whole payload | {MAX_BYTES:,} bytes of compact JSON | | JSON object | "
                f"nested at most {MAX_DEPTH} levels (the payload itself is level 1) |")
    return "\n".join(rows)
