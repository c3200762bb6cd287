"""The audit log: appended and read the same on the fake and both SQL stores, and the SQL
stores refuse to change or remove an entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from silkpost.audit import service
from silkpost.bootstrap import Platform
from silkpost.domain.audit import MAX_OBJECTS, AuditEntry


def _entry(p: Platform, n: int, partner: str | None = "KAZPOST") -> AuditEntry:
    return AuditEntry(at=p.clock.now() + timedelta(seconds=n), action="POST /api/v1/events",
                      status=200 if partner else 401, partner=partner,
                      key_id="k0123456789ab" if partner else None, client="10.0.0.7",
                      objects=[f"RR{n:08d}5CN"], counts={"accepted": n})


def test_entries_come_back_newest_first_and_filter(any_platform: Platform) -> None:
    for n in range(5):
        service.record(_entry(any_platform, n, "KAZPOST" if n % 2 else None),
                       uow=any_platform.audit_uow())
    found = service.entries(uow=any_platform.audit_uow())
    assert [e.counts["accepted"] for _, e in found] == [4, 3, 2, 1, 0]
    mine = service.entries(uow=any_platform.audit_uow(), partner="KAZPOST")
    assert [e.counts["accepted"] for _, e in mine] == [3, 1]
    cursor = found[1][0]
    older = service.entries(uow=any_platform.audit_uow(), before_seq=cursor, limit=2)
    assert [e.counts["accepted"] for _, e in older] == [2, 1]
    assert found[0][1] == _entry(any_platform, 4, None)


def test_an_entry_keeps_a_bounded_list_of_ids(any_platform: Platform) -> None:
    entry = AuditEntry(at=any_platform.clock.now(), action="POST /api/v1/events", status=200,
                       objects=[f"id{n}" for n in range(10 * MAX_OBJECTS)],
                       counts={"received": 10 * MAX_OBJECTS})
    assert len(entry.objects) == MAX_OBJECTS


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET status = 200",
                                       "DELETE FROM audit_log"])
def test_the_sql_log_refuses_change(platform: Platform, statement: str) -> None:
    service.record(_entry(platform, 1, None), uow=platform.audit_uow())
    assert platform.engine is not None
    with pytest.raises(DBAPIError, match="append-only"), platform.engine.begin() as conn:
        conn.execute(text(statement))
    [(_, kept)] = service.entries(uow=platform.audit_uow())
    assert kept.status == 401
