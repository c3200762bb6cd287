"""The SQL declaration repository: a broker's declarations keyed by (broker, reference).

A new declaration is inserted with ON CONFLICT DO NOTHING and the row under its key read
after: two requests sending the same reference at once both end in an answer (one stores it,
the other finds it), and the transaction stays usable on PostgreSQL, where a failed INSERT
would abort it. The keyset order of lists is (received, broker, reference), descending.

The order, waybill and inventory numbers are copied from the record into columns of their
own, indexed: customs' receipts name a declaration by them, and a record's JSON cannot be
searched on every database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, literal, select, tuple_, update

from silkpost.customs.ports import DeclarationQuery
from silkpost.domain.declarations import (
    CustomsReference,
    DeclarationStatus,
    StoredDeclaration,
)
from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.store.engine import dialect_insert
from silkpost.store.schema import customs_declarations as t

_ORDER = (t.c.received_us.desc(), t.c.partner.desc(), t.c.reference.desc())
_REFERENCE_COLUMNS = (CustomsReference.ORDER, CustomsReference.WAYBILL,
                      CustomsReference.INVENTORY)


def to_row(d: StoredDeclaration) -> dict[str, Any]:
    """The table row of a stored declaration."""
    return {
        "partner": d.broker, "reference": d.reference, "regime": d.regime,
        "direction": d.direction, "item_id": d.item_id,
        "record": json.dumps(d.record, ensure_ascii=False, separators=(",", ":")),
        "status": d.status.value, "received_us": to_epoch_us(d.received_at),
        "updated_us": to_epoch_us(d.updated_at),
        **{kind.value: _text(d.record.get(kind.value)) for kind in _REFERENCE_COLUMNS},
    }


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def from_row(row: Mapping[Any, Any]) -> StoredDeclaration:
    """The stored declaration of a table row (times come back in UTC)."""
    return StoredDeclaration(
        broker=row["partner"], reference=row["reference"], regime=row["regime"],
        direction=row["direction"], item_id=row["item_id"], record=json.loads(row["record"]),
        status=DeclarationStatus(row["status"]), received_at=from_epoch_us(row["received_us"]),
        updated_at=from_epoch_us(row["updated_us"]),
    )


class SqlDeclarationRepository:
    """Declarations on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, declaration: StoredDeclaration) -> StoredDeclaration | None:
        """Insert a declaration under a new key (None), or return the one stored under it."""
        # RETURNING says whether a row went in: the driver's rowcount does not (-1 on
        # PostgreSQL through this engine).
        stmt = (dialect_insert(self._conn, t).values(to_row(declaration))
                .on_conflict_do_nothing(index_elements=["partner", "reference"])
                .returning(t.c.partner))
        if self._conn.execute(stmt).first() is not None:
            return None
        found = self.get(declaration.broker, declaration.reference)
        assert found is not None  # the conflict was on this key, and rows are never deleted
        return found

    def get(self, broker: str, reference: str) -> StoredDeclaration | None:
        """The declaration ``broker`` stored under ``reference``."""
        row = self._conn.execute(select(t).where(
            t.c.partner == broker, t.c.reference == reference)).mappings().first()
        return None if row is None else from_row(row)

    def with_reference(self, reference: str, *, limit: int) -> list[StoredDeclaration]:
        """Declarations of any broker under ``reference``, by broker."""
        rows = self._conn.execute(select(t).where(t.c.reference == reference)
                                  .order_by(t.c.partner).limit(limit)).mappings()
        return [from_row(r) for r in rows]

    def with_customs_reference(self, kind: CustomsReference, value: str, *,
                               limit: int) -> list[StoredDeclaration]:
        """Declarations whose ``kind`` number is ``value``: newest first, then by broker and
        reference."""
        column = t.c[CustomsReference(kind).value]
        rows = self._conn.execute(select(t).where(column == value).order_by(
            t.c.received_us.desc(), t.c.partner, t.c.reference).limit(limit)).mappings()
        return [from_row(r) for r in rows]

    def set_status(self, broker: str, reference: str, status: DeclarationStatus, *,
                   at: datetime) -> bool:
        """Set a declaration's status and updated time; False when there is none."""
        found = self.get(broker, reference)
        if found is None:
            return False
        # Checked as the domain checks it: not updated before it was received.
        StoredDeclaration(**{**{k: getattr(found, k) for k in StoredDeclaration.__slots__},
                             "status": status, "updated_at": at})
        self._conn.execute(update(t).where(t.c.partner == broker, t.c.reference == reference)
                           .values(status=DeclarationStatus(status).value,
                                   updated_us=to_epoch_us(at)))
        return True

    def list(self, query: DeclarationQuery) -> list[StoredDeclaration]:
        """Declarations matching the query, in the keyset order."""
        conditions = []
        if query.broker is not None:
            conditions.append(t.c.partner == query.broker)
        if query.regime is not None:
            conditions.append(t.c.regime == query.regime)
        if query.status is not None:
            conditions.append(t.c.status == query.status.value)
        if query.since is not None:
            conditions.append(t.c.received_us >= to_epoch_us(query.since))
        if query.after is not None:
            us, broker, reference = query.after
            conditions.append(tuple_(t.c.received_us, t.c.partner, t.c.reference)
                              < tuple_(literal(us), literal(broker), literal(reference)))
        stmt = select(t).where(*conditions).order_by(*_ORDER).limit(query.limit)
        return [from_row(r) for r in self._conn.execute(stmt).mappings()]
