"""Validation errors of the domain core, shaped like python-stdnum's exception family.

Every error carries the name of the field it concerns and a sentence saying why, so that an
ingest result or an HTTP problem can tell a partner exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass


class InvalidValue(ValueError):
    """A value that cannot be what it claims to be."""

    reason = "invalid value"

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.reason
        self.field = field
        super().__init__(self.message)

    def for_field(self, field: str) -> InvalidValue:
        """Return the same error attributed to ``field`` (kept if one was already set)."""
        if self.field is None:
            self.field = field
        return self


class InvalidFormat(InvalidValue):
    """The value has the wrong length, characters or layout."""

    reason = "wrong format"


class InvalidChecksum(InvalidValue):
    """The value's check digit does not match the rest of it."""

    reason = "check digit does not match"


class InvalidComponent(InvalidValue):
    """A part of the value (a country, a date, a code) is not a known one."""

    reason = "unknown component"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one record: the field (its path) and why, as a report lists it
    (a partner's event record, a broker's declaration)."""

    field: str
    reason: str
