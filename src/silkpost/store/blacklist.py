"""The SQL shipper blacklist: entries on the unit of work's connection, never deleted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, or_, select, update

from silkpost.domain.blacklist import BlacklistEntry, Shipper, ShipperKind
from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.store.columns import optional_time, optional_us
from silkpost.store.schema import customs_blacklist as b


def _entry(row: Mapping[Any, Any]) -> BlacklistEntry:
    return BlacklistEntry(
        who=Shipper(ShipperKind(row["who_kind"]), row["who_number"]), reason=row["reason"],
        source=row["source"], added_by=row["added_by"], added_at=from_epoch_us(row["added_us"]),
        expires_at=optional_time(row["expires_us"]), removed_at=optional_time(row["removed_us"]),
        removed_by=row["removed_by"], removal_reason=row["removal_reason"])


class SqlBlacklist:
    """Entries on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, entry: BlacklistEntry) -> int:
        """Keep a new entry; its number."""
        result = self._conn.execute(insert(b).values(
            who_kind=entry.who.kind.value, who_number=entry.who.number, reason=entry.reason,
            source=entry.source, added_by=entry.added_by, added_us=to_epoch_us(entry.added_at),
            expires_us=optional_us(entry.expires_at)).returning(b.c.entry_id))
        return int(result.scalar_one())

    def entries(self, *, who: Shipper | None = None, in_force_at: datetime | None = None
                ) -> list[tuple[int, BlacklistEntry]]:
        """Entries oldest first: of one shipper or all, those in force at a moment or all."""
        stmt = select(b).order_by(b.c.entry_id)
        if who is not None:
            stmt = stmt.where(b.c.who_kind == who.kind.value, b.c.who_number == who.number)
        if in_force_at is not None:
            at = to_epoch_us(in_force_at)
            stmt = stmt.where(b.c.added_us <= at,
                              or_(b.c.expires_us.is_(None), b.c.expires_us > at),
                              or_(b.c.removed_us.is_(None), b.c.removed_us > at))
        return [(r["entry_id"], _entry(r)) for r in self._conn.execute(stmt).mappings()]

    def remove(self, entry_id: int, *, at: datetime, by: str, reason: str) -> None:
        """Note an entry's removal (when, by whom, why)."""
        self._conn.execute(update(b).where(b.c.entry_id == entry_id, b.c.removed_us.is_(None))
                           .values(removed_us=to_epoch_us(at), removed_by=by,
                                   removal_reason=reason))
