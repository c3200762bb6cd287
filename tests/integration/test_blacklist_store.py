"""The shipper blacklist: the same behaviour on the in-memory fake, SQLite and PostgreSQL;
each change in the audit log; expiry by the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from silkpost.audit import service as audit
from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.customs import blacklist
from silkpost.customs.errors import BlacklistConflict, NotOnBlacklist
from silkpost.customs.service import check
from silkpost.domain.blacklist import ShipperKind
from silkpost.errors import InvalidRequest
from tests.unit.customs.test_declarations import RESIDENT, b2c


def _add(p: Platform, kind: str = "resident_id", number: str = RESIDENT,
         **changes: object) -> int:
    kw: dict[str, object] = {"reason": "undeclared lithium batteries, twice",
                             "source": "case 2026-117", "added_by": "inspector Li"}
    kw.update(changes)
    n, _ = blacklist.add(kind, number, uow=p.blacklist_uow(), clock=p.clock,
                         **kw)  # type: ignore[arg-type]
    return n


def test_an_entry_is_kept_whole_and_listed(any_platform: Platform) -> None:
    p = any_platform
    until = p.clock.now() + timedelta(days=365)
    n = _add(p, expires_at=until)
    [(number, entry)] = blacklist.entries(uow=p.blacklist_uow(), clock=p.clock)
    assert number == n
    assert (entry.who.kind, entry.who.number) == (ShipperKind.RESIDENT_ID, RESIDENT)
    assert (entry.reason, entry.source, entry.added_by) == (
        "undeclared lithium batteries, twice", "case 2026-117", "inspector Li")
    assert (entry.added_at, entry.expires_at, entry.removed_at) == (p.clock.now(), until, None)


def test_a_shipper_in_force_cannot_be_added_twice(any_platform: Platform) -> None:
    _add(any_platform)
    with pytest.raises(BlacklistConflict, match="already") as caught:
        _add(any_platform, number=RESIDENT.lower())
    assert caught.value.field == "number"
    assert len(blacklist.entries(uow=any_platform.blacklist_uow(),
                                 clock=any_platform.clock)) == 1


def test_removal_lifts_the_entry_and_keeps_it_in_the_history(any_platform: Platform) -> None:
    p = any_platform
    _add(p, kind="company", number="3301968e2u")
    assert blacklist.remove("company", "3301968E2U", by="chief Wang", reason="appeal upheld",
                            uow=p.blacklist_uow(), clock=p.clock) == [1]
    assert blacklist.entries(uow=p.blacklist_uow(), clock=p.clock) == []
    [(_, lifted)] = blacklist.entries(uow=p.blacklist_uow(), clock=p.clock, everything=True)
    assert (lifted.removed_by, lifted.removal_reason) == ("chief Wang", "appeal upheld")
    with pytest.raises(NotOnBlacklist):
        blacklist.remove("company", "3301968E2U", by="chief Wang", reason="again",
                         uow=p.blacklist_uow(), clock=p.clock)
    _add(p, kind="company", number="3301968E2U")  # may be barred again after
    trail = [(e.action, e.objects) for _, e in audit.entries(uow=p.audit_uow())]
    assert trail == [(blacklist.ADDED, ("company:3301968E2U",)),
                     (blacklist.REMOVED, ("company:3301968E2U",)),
                     (blacklist.ADDED, ("company:3301968E2U",))]


def test_an_entry_expires_by_the_clock(any_platform: Platform) -> None:
    p = any_platform
    assert isinstance(p.clock, FixedClock)
    _add(p, expires_at=p.clock.now() + timedelta(days=30))
    assert len(blacklist.in_force(uow=p.blacklist_uow(), clock=p.clock)) == 1
    p.clock.moment += timedelta(days=30)
    assert len(blacklist.in_force(uow=p.blacklist_uow(), clock=p.clock)) == 0
    assert blacklist.entries(uow=p.blacklist_uow(), clock=p.clock) == []
    _add(p)  # expired: the shipper may be barred again


@pytest.mark.parametrize(("kind", "number", "changes", "field"), [
    ("person", RESIDENT, {}, "kind"),
    ("resident_id", "110105194912310021", {}, "number"),
    ("company", "33-01", {}, "number"),
    ("resident_id", RESIDENT, {"reason": "  "}, "reason"),
    ("resident_id", RESIDENT, {"added_by": ""}, "added_by"),
    ("resident_id", RESIDENT, {"expires_at": "past"}, "expires_at"),
])
def test_a_wrong_entry_is_refused_naming_the_field_and_nothing_is_written(
        any_platform: Platform, kind: str, number: str, changes: dict[str, object],
        field: str) -> None:
    p = any_platform
    if changes.get("expires_at") == "past":
        changes = {"expires_at": p.clock.now() - timedelta(days=1)}
    with pytest.raises(InvalidRequest) as caught:
        _add(p, kind, number, **changes)
    assert caught.value.field == field
    assert blacklist.entries(uow=p.blacklist_uow(), clock=p.clock, everything=True) == []
    assert audit.entries(uow=p.audit_uow()) == []


def test_a_blacklisted_senders_declaration_is_refused_at_check(any_platform: Platform) -> None:
    p = any_platform
    _add(p)
    listed = blacklist.in_force(uow=p.blacklist_uow(), clock=p.clock)
    report = check([(1, b2c()), (2, b2c(reference="D-2", sender={
        "name": "王芳", "identity": {"kind": "passport", "number": "E12345678"}}))],
        blacklist=listed)
    assert (report.valid, report.refused_count) == (1, 1)
    [refused] = report.refused
    [problem] = refused.problems
    assert problem.field == "sender.identity"
    assert "undeclared lithium batteries" in problem.reason and "case 2026-117" in problem.reason
