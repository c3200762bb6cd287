"""The shipper blacklist's use cases: add, remove, list, and the list in force for a check.

Each change is written to the audit log in the same transaction as the change itself, so the
list's history (who added or removed whom, when, why) cannot be missing a step.
"""

from __future__ import annotations

from datetime import datetime

from silkpost.customs.errors import BlacklistConflict, NotOnBlacklist
from silkpost.customs.ports import BlacklistUnitOfWork
from silkpost.domain.audit import AuditEntry
from silkpost.domain.blacklist import Blacklist, BlacklistEntry, shipper
from silkpost.errors import InvalidRequest, invalid_request
from silkpost.tracking.ports import Clock

ADDED = "customs blacklist add"
REMOVED = "customs blacklist remove"


def add(kind: str, number: str, *, reason: str, source: str, added_by: str,
        expires_at: datetime | None = None, uow: BlacklistUnitOfWork, clock: Clock
        ) -> tuple[int, BlacklistEntry]:
    """Bar a shipper from now (until ``expires_at``, or until removed); its entry number."""
    now = clock.now()
    with invalid_request():
        entry = BlacklistEntry(shipper(kind, number), reason.strip(), source.strip(),
                               added_by.strip(), now, expires_at)
    with uow:
        current = uow.blacklist.entries(who=entry.who, in_force_at=now)
        if current:
            n, found = current[0]
            raise BlacklistConflict(f"{entry.who} is on the blacklist already (entry {n}, "
                                    f"since {found.added_at.isoformat()}: {found.reason})",
                                    field="number")
        number_ = uow.blacklist.add(entry)
        until = f"; until {expires_at.isoformat()}" if expires_at else ""
        uow.audit.append(AuditEntry(at=now, action=ADDED, status=200, objects=(entry.who.key,),
                                    detail=f"entry {number_} by {entry.added_by}: "
                                           f"{entry.reason} (source: {entry.source}{until})"))
        uow.commit()
    return number_, entry


def remove(kind: str, number: str, *, by: str, reason: str, uow: BlacklistUnitOfWork,
           clock: Clock) -> list[int]:
    """Lift a shipper's entries in force from now; their numbers."""
    now = clock.now()
    with invalid_request():
        who = shipper(kind, number)
    if not by.strip():
        raise InvalidRequest("is required: who lifts the entry", field="by")
    if not reason.strip():
        raise InvalidRequest("is required: why the entry is lifted", field="reason")
    with uow:
        found = uow.blacklist.entries(who=who, in_force_at=now)
        if not found:
            raise NotOnBlacklist(f"{who} is not on the blacklist", field="number")
        for n, _ in found:
            uow.blacklist.remove(n, at=now, by=by.strip(), reason=reason.strip())
        numbers = [n for n, _ in found]
        uow.audit.append(AuditEntry(at=now, action=REMOVED, status=200, objects=(who.key,),
                                    detail=f"entries {', '.join(map(str, numbers))} lifted by "
                                           f"{by.strip()}: {reason.strip()}"))
        uow.commit()
    return numbers


def entries(*, uow: BlacklistUnitOfWork, clock: Clock, everything: bool = False
            ) -> list[tuple[int, BlacklistEntry]]:
    """The entries in force now, oldest first (``everything``: with the expired and lifted)."""
    with uow:
        return uow.blacklist.entries(in_force_at=None if everything else clock.now())


def in_force(*, uow: BlacklistUnitOfWork, clock: Clock) -> Blacklist:
    """The list as it stands now, for checking declarations against."""
    now = clock.now()
    with uow:
        return Blacklist((e for _, e in uow.blacklist.entries(in_force_at=now)), at=now)

