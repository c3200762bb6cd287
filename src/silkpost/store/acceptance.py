"""The SQL acceptance records: each item's controls, written with their events, read by the
export dispatch gate in chunks of ids (one query per chunk, however many items)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from silkpost.office.acceptance_ports import AcceptanceRecord
from silkpost.store.columns import optional_time, optional_us
from silkpost.store.engine import dialect_insert
from silkpost.store.schema import acceptance_checks as a

CHUNK = 900  # ids per IN list: under SQLite's 999 parameters


def _record(row: Mapping[Any, Any]) -> AcceptanceRecord:
    return AcceptanceRecord(
        item_id=row["item_id"], office=row["office"], sender=row["sender"],
        content_at=optional_time(row["content_us"]), content_operator=row["content_operator"],
        content_outcome=row["content_outcome"], xray_at=optional_time(row["xray_us"]),
        xray_operator=row["xray_operator"], xray_outcome=row["xray_outcome"])


def _row(r: AcceptanceRecord) -> dict[str, Any]:
    return {"item_id": r.item_id, "office": r.office, "sender": r.sender,
            "content_us": optional_us(r.content_at), "content_operator": r.content_operator,
            "content_outcome": r.content_outcome, "xray_us": optional_us(r.xray_at),
            "xray_operator": r.xray_operator, "xray_outcome": r.xray_outcome}


class SqlAcceptanceRecords:
    """Records on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def records(self, item_ids: Sequence[str]) -> dict[str, AcceptanceRecord]:
        """The records of those items that have one."""
        ids = sorted(set(item_ids))
        out: dict[str, AcceptanceRecord] = {}
        for start in range(0, len(ids), CHUNK):
            stmt = select(a).where(a.c.item_id.in_(ids[start:start + CHUNK]))
            out.update((r["item_id"], _record(r))
                       for r in self._conn.execute(stmt).mappings())
        return out

    def put_records(self, records: Sequence[AcceptanceRecord]) -> None:
        """Keep records, replacing those of the same items."""
        if not records:
            return
        stmt = dialect_insert(self._conn, a)
        stmt = stmt.on_conflict_do_update(index_elements=["item_id"], set_={
            c.name: stmt.excluded[c.name] for c in a.columns if c.name != "item_id"})
        self._conn.execute(stmt, [_row(r) for r in records])

    def unchecked(self, item_ids: Sequence[str]) -> list[str]:
        """Those of ``item_ids`` whose content check or X-ray is not recorded, in order."""
        ids = list(dict.fromkeys(item_ids))
        done: set[str] = set()
        for start in range(0, len(ids), CHUNK):
            stmt = select(a.c.item_id).where(a.c.item_id.in_(ids[start:start + CHUNK]),
                                             a.c.content_us.is_not(None),
                                             a.c.xray_us.is_not(None))
            done.update(self._conn.execute(stmt).scalars())
        return [i for i in ids if i not in done]
