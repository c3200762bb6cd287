"""The shipper blacklist (失信主体"黑名单", seed 004): senders barred for security violations,
each entry saying who, why, on whose word, who put it there, when, and until when.

A shipper is a person by identity document (checked as the declaration's own identities are,
:func:`~silkpost.domain.customs.identity_problem`) or a company by its customs code (the
declaration's ``ebc_code``). An entry is never rewritten: removing it records who removed it,
when and why, so the list's history stays readable. Whether an entry is in force depends on
the moment asked about (it expires by the clock), which the caller passes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from silkpost.domain.customs import Declaration, IdKind, code_problem, identity_problem
from silkpost.domain.errors import InvalidFormat, InvalidValue, Problem
from silkpost.domain.times import check_time

TEXT_MAX = 250


class ShipperKind(StrEnum):
    """How a shipper is known: a person's identity document or a company's customs code."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class Shipper:
    """Who an entry bars; valid once made (see :func:`shipper`)."""

    kind: ShipperKind
    number: str

    @property
    def key(self) -> str:
        """``kind:number``: how the list looks a shipper up."""
        return f"{self.kind.value}:{self.number}"

    def __str__(self) -> str:
        return self.key


def shipper(kind: str, number: str) -> Shipper:
    """The shipper ``kind`` and ``number`` name, or InvalidValue naming the part at fault."""
    try:
        known = ShipperKind(kind.strip().lower())
    except ValueError:
        raise InvalidFormat(f"{kind!r}: one of {', '.join(k.value for k in ShipperKind)}",
                            field="kind") from None
    compact = number.strip().upper().replace(" ", "")
    if not compact or len(compact) > 32:
        raise InvalidFormat(f"{number!r}: 1-32 characters", field="number")
    why = (code_problem(compact) if known is ShipperKind.COMPANY
           else identity_problem(IdKind(known.value), compact))
    if why is not None:
        raise InvalidFormat(why, field="number")
    return Shipper(known, compact)


def shippers_of(declaration: Declaration) -> tuple[tuple[str, Shipper], ...]:
    """Who ships a declaration, with the field that names them: the sender by identity, the
    e-commerce company by its code."""
    out: list[tuple[str, Shipper]] = []
    sender = declaration.sender
    if sender is not None and sender.identity is not None:
        identity = sender.identity
        out.append(("sender.identity", Shipper(ShipperKind(identity.kind.value),
                                               identity.number)))
    if declaration.ebc_code is not None:
        out.append(("ebc_code", Shipper(ShipperKind.COMPANY, declaration.ebc_code)))
    return tuple(out)


def _text(value: str, name: str, *, required: bool = True) -> None:
    if required and not value.strip():
        raise InvalidValue("is required", field=name)
    if len(value) > TEXT_MAX:
        raise InvalidValue(f"{len(value)} characters, at most {TEXT_MAX}", field=name)


@dataclass(frozen=True, slots=True)
class BlacklistEntry:
    """One shipper barred: why, on whose word (``source``: a notice, a case number), who
    added it and when, until when (None: until removed), and, once removed, by whom and why."""

    who: Shipper
    reason: str
    source: str
    added_by: str
    added_at: datetime
    expires_at: datetime | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None
    removal_reason: str | None = None

    def __post_init__(self) -> None:
        _text(self.reason, "reason")
        _text(self.source, "source")
        _text(self.added_by, "added_by")
        check_time(self.added_at, field="added_at")
        if self.expires_at is not None:
            check_time(self.expires_at, field="expires_at")
            if self.expires_at <= self.added_at:
                raise InvalidValue(f"{self.expires_at.isoformat()} is not after it was added "
                                   f"({self.added_at.isoformat()})", field="expires_at")
        if (self.removed_at is None) != (self.removed_by is None):
            raise InvalidValue("a removal says when and by whom", field="removed_by")
        if self.removed_at is not None:
            check_time(self.removed_at, field="removed_at")
            _text(self.removed_by or "", "removed_by")
            _text(self.removal_reason or "", "removal_reason", required=False)

    def in_force(self, at: datetime) -> bool:
        """Whether the entry bars its shipper at ``at``: added, not expired, not removed."""
        return (self.added_at <= at and (self.expires_at is None or at < self.expires_at)
                and (self.removed_at is None or at < self.removed_at))


class Blacklist:
    """The entries in force at one moment, by shipper: what a check of many declarations
    asks, one dict lookup per shipper."""

    def __init__(self, entries: Iterable[BlacklistEntry], *, at: datetime) -> None:
        self.at = at
        self._by_key: Mapping[str, BlacklistEntry] = {
            e.who.key: e for e in entries if e.in_force(at)}

    def __len__(self) -> int:
        return len(self._by_key)

    def entry(self, who: Shipper) -> BlacklistEntry | None:
        """The entry barring ``who``, or None."""
        return self._by_key.get(who.key)

    def problems(self, declaration: Declaration) -> list[Problem]:
        """A problem for each of the declaration's shippers on the list, naming the field
        that names them and the entry's reason."""
        if not self._by_key:
            return []
        out = []
        for where, who in shippers_of(declaration):
            found = self._by_key.get(who.key)
            if found is not None:
                until = f", until {found.expires_at.isoformat()}" if found.expires_at else ""
                out.append(Problem(where, f"{who.key} is on the blacklist: {found.reason} "
                                          f"(source: {found.source}{until})"))
        return out
