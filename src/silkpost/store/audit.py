"""The SQL audit log: appended on the unit of work's connection, read newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from silkpost.domain.audit import AuditEntry
from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.store.schema import audit_log as a


def entry_row(e: AuditEntry) -> dict[str, Any]:
    """The table row of an entry."""
    return {"at_us": to_epoch_us(e.at), "action": e.action[:200], "status": e.status,
            "partner": e.partner, "key_id": e.key_id, "client": (e.client or "")[:64] or None,
            "request_id": e.request_id, "objects": json.dumps(list(e.objects)),
            "counts": json.dumps(dict(e.counts)), "detail": e.detail}


def entry_of(row: Mapping[Any, Any]) -> AuditEntry:
    """The entry of a table row."""
    return AuditEntry(at=from_epoch_us(row["at_us"]), action=row["action"],
                      status=row["status"], partner=row["partner"], key_id=row["key_id"],
                      client=row["client"], request_id=row["request_id"],
                      objects=tuple(json.loads(row["objects"])),
                      counts=json.loads(row["counts"]), detail=row["detail"])


class SqlAuditLog:
    """Entries on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def append(self, entry: AuditEntry) -> None:
        """Add one entry."""
        self._conn.execute(insert(a).values(entry_row(entry)))

    def entries(self, *, partner: str | None = None, since: datetime | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[tuple[int, AuditEntry]]:
        """Entries newest first, with their sequence numbers (the next page's cursor)."""
        stmt = select(a).order_by(a.c.seq.desc()).limit(limit)
        if partner is not None:
            stmt = stmt.where(a.c.partner == partner)
        if since is not None:
            stmt = stmt.where(a.c.at_us >= to_epoch_us(since))
        if before_seq is not None:
            stmt = stmt.where(a.c.seq < before_seq)
        return [(r["seq"], entry_of(r)) for r in self._conn.execute(stmt).mappings()]
