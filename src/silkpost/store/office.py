"""The SQL office repository: pre-advices, receipts, items' work, findings, bags, dispatches.

Times are epoch microseconds (UTC). Upserts use each dialect's ON CONFLICT; the serial
counter of an office pair is locked with ``SELECT … FOR UPDATE`` on PostgreSQL (SQLite has
one writer: the office's unit of work takes the write lock when it begins).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, and_, delete, func, insert, select, update

from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.domain.office import (
    AdvisedReceptacle,
    Finding,
    FindingKind,
    HoldReason,
    PreAdvice,
    ReceiptOutcome,
)
from silkpost.office.ports import (
    ON_THE_CLOCK,
    AdvisedDispatch,
    Bag,
    ItemAtOffice,
    ItemState,
    OutboundDispatch,
    PendingItem,
    Receipt,
)
from silkpost.store.columns import optional_time, optional_us
from silkpost.store.engine import dialect_insert
from silkpost.store.schema import (
    office_advised_receptacles,
    office_bag_items,
    office_bags,
    office_dispatch_counters,
    office_dispatches,
    office_findings,
    office_items,
    office_pre_advices,
    office_receipts,
)

_UPSERTS: dict[tuple[str, str], Any] = {}


class SqlOfficeRepository:
    """The offices' records on one connection, inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def lock(self, name: str) -> None:
        """A transaction-scoped advisory lock on PostgreSQL; nothing on SQLite, where the
        office's unit of work holds the one write lock already."""
        if self._conn.dialect.name == "postgresql":
            self._conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                                       (name,))

    # --- pre-advices ---------------------------------------------------------------------

    def add_pre_advice(self, advised: AdvisedDispatch) -> None:
        """Store a pre-advice, replacing an earlier one of the same dispatch."""
        a = advised.advice
        c = self._conn
        c.execute(delete(office_advised_receptacles)
                  .where(office_advised_receptacles.c.dispatch_id == a.dispatch_id))
        c.execute(delete(office_pre_advices)
                  .where(office_pre_advices.c.dispatch_id == a.dispatch_id))
        receptacles = [{"receptacle_id": r.receptacle_id, "weight_kg": r.weight_kg,
                        "items": list(r.items)} for r in a.receptacles]
        c.execute(insert(office_pre_advices), {
            "dispatch_id": a.dispatch_id, "year": a.year, "sender": advised.sender,
            "advised_us": to_epoch_us(advised.advised_at),
            "receptacles": orjson.dumps(receptacles).decode()})
        c.execute(insert(office_advised_receptacles), [
            {"receptacle_key": r.key, "dispatch_id": a.dispatch_id, "label": r.receptacle_id,
             "weight_kg": r.weight_kg, "items": orjson.dumps(list(r.items)).decode()}
            for r in a.receptacles])

    def pre_advice(self, dispatch_id: str) -> AdvisedDispatch | None:
        """The pre-advice of a dispatch."""
        t = office_pre_advices.c
        row = self._conn.execute(select(office_pre_advices)
                                 .where(t.dispatch_id == dispatch_id)).mappings().first()
        if row is None:
            return None
        receptacles = [AdvisedReceptacle(r["receptacle_id"], tuple(r["items"]), r["weight_kg"])
                       for r in orjson.loads(row["receptacles"])]
        return AdvisedDispatch(PreAdvice(row["dispatch_id"], row["year"], tuple(receptacles)),
                               row["sender"], from_epoch_us(row["advised_us"]))

    def advised_receptacle(self, key: str) -> tuple[str, float, tuple[str, ...]] | None:
        """(label, weight, items) of the advised receptacle with this key."""
        t = office_advised_receptacles.c
        row = self._conn.execute(select(t.label, t.weight_kg, t["items"])
                                 .where(t.receptacle_key == key)).first()
        if row is None:
            return None
        return row[0], float(row[1]), tuple(orjson.loads(row[2]))

    # --- receipts ------------------------------------------------------------------------

    def receipt(self, key: str) -> Receipt | None:
        """The receipt of the receptacle with this key."""
        row = self._conn.execute(select(office_receipts)
                                 .where(office_receipts.c.receptacle_key == key)
                                 ).mappings().first()
        return None if row is None else _receipt(row)

    def receipts(self, dispatch_id: str) -> list[Receipt]:
        """The receipts of a dispatch's receptacles, by receptacle serial."""
        t = office_receipts.c
        rows = self._conn.execute(select(office_receipts).where(t.dispatch_id == dispatch_id)
                                  .order_by(t.receptacle_key)).mappings().all()
        return [_receipt(r) for r in rows]

    def put_receipt(self, receipt: Receipt) -> None:
        """Store a receipt, or its new state (opened, verified) when stored."""
        row = {
            "receptacle_key": receipt.receptacle_id[:23], "dispatch_id": receipt.dispatch_id,
            "office": receipt.office, "label": receipt.receptacle_id,
            "outcome": receipt.outcome.value, "received_us": to_epoch_us(receipt.received_at),
            "declared_kg": receipt.declared_kg, "weighed_kg": receipt.weighed_kg,
            "seal": receipt.seal, "operator": receipt.operator,
            "opened_us": optional_us(receipt.opened_at),
            "verified_us": optional_us(receipt.verified_at),
        }
        self._upsert(office_receipts, row, ("receptacle_key",))

    # --- items ---------------------------------------------------------------------------

    def item(self, office: str, item_id: str) -> ItemAtOffice | None:
        """An item's work at an office."""
        t = office_items.c
        row = self._conn.execute(select(office_items).where(t.office == office,
                                                            t.item_id == item_id)
                                 ).mappings().first()
        return None if row is None else _item(row)

    def put_item(self, item: ItemAtOffice) -> None:
        """Store an item's work at an office (its new state when stored)."""
        row = {
            "office": item.office, "item_id": item.item_id, "state": item.state,
            "scanned_us": to_epoch_us(item.scanned_at),
            "updated_us": to_epoch_us(item.updated_at), "receptacle_id": item.receptacle_id,
            "destination": item.destination, "service_id": item.service_id,
            "next_node": item.next_node,
            "hold_reason": None if item.hold_reason is None else item.hold_reason.value,
            "held_us": optional_us(item.held_at), "note": item.note,
        }
        self._upsert(office_items, row, ("office", "item_id"))

    def items_in(self, office: str, receptacle_id: str) -> list[str]:
        """The items scanned out of a receptacle at an office."""
        t = office_items.c
        return list(self._conn.execute(
            select(t.item_id).where(t.office == office, t.receptacle_id == receptacle_id)
            .order_by(t.scanned_us, t.item_id)).scalars())

    def held(self, office: str, reason: HoldReason | None = None, *, limit: int = 1000
             ) -> list[ItemAtOffice]:
        """Items held at an office (for one reason), longest held first."""
        t = office_items.c
        query = select(office_items).where(t.office == office, t.state == ItemState.HELD)
        if reason is not None:
            query = query.where(t.hold_reason == reason.value)
        rows = self._conn.execute(query.order_by(t.held_us, t.item_id).limit(limit)).mappings()
        return [_item(r) for r in rows]

    def pending(self, office: str, *, limit: int) -> list[PendingItem]:
        """Items on the clock at an office that have not left it, earliest scanned first."""
        i, b, bi, d = (office_items.c, office_bags.c, office_bag_items.c,
                       office_dispatches.c)
        query = (
            select(i.item_id, i.state, i.scanned_us, i.service_id, i.destination, i.next_node,
                   bi.bag_id, b.dispatch_id)
            .select_from(office_items
                         .outerjoin(office_bag_items, and_(bi.office == i.office,
                                                           bi.item_id == i.item_id))
                         .outerjoin(office_bags, b.bag_id == bi.bag_id)
                         .outerjoin(office_dispatches, d.dispatch_id == b.dispatch_id))
            .where(i.office == office, i.state.in_(ON_THE_CLOCK),
                   d.handed_over_us.is_(None))
            .order_by(i.scanned_us, i.item_id).limit(limit)
        )
        return [PendingItem(r[0], ItemState(r[1]), from_epoch_us(r[2]), r[3], r[4], r[5], r[6],
                            r[7])
                for r in self._conn.execute(query)]

    def worked_since(self, office: str, since: datetime
                     ) -> list[tuple[datetime, datetime | None]]:
        """(scanned, left) of the items on the clock scanned at an office since ``since``."""
        i, b, bi, d = (office_items.c, office_bags.c, office_bag_items.c,
                       office_dispatches.c)
        query = (
            select(i.scanned_us, d.handed_over_us)
            .select_from(office_items
                         .outerjoin(office_bag_items, and_(bi.office == i.office,
                                                           bi.item_id == i.item_id))
                         .outerjoin(office_bags, b.bag_id == bi.bag_id)
                         .outerjoin(office_dispatches, d.dispatch_id == b.dispatch_id))
            .where(i.office == office, i.state.in_(ON_THE_CLOCK),
                   i.scanned_us >= to_epoch_us(since))
        )
        return [(from_epoch_us(r[0]), optional_time(r[1])) for r in self._conn.execute(query)]

    # --- findings ------------------------------------------------------------------------

    def add_findings(self, findings: list[Finding]) -> int:
        """Store findings not stored before; return how many were new."""
        rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for f in findings:  # the first of a finding listed twice, as the unique index keeps
            key = (f.dispatch_id, f.kind.value, f.receptacle_id or "", f.item_id or "")
            rows.setdefault(key, {
                "dispatch_id": key[0], "kind": key[1], "found_us": to_epoch_us(f.found_at),
                "receptacle_id": key[2], "item_id": key[3], "detail": f.detail})
        if not rows:
            return 0
        # One statement for all of them (a bag's missing items may be thousands), and the
        # new ones counted by what RETURNING gives back: rowcount is -1 on psycopg when the
        # insert returns the generated key, and not portable for a many-row insert.
        stmt = (self._insert(office_findings)
                .on_conflict_do_nothing(
                    index_elements=["dispatch_id", "kind", "receptacle_id", "item_id"])
                .returning(office_findings.c.seq))
        return len(self._conn.execute(stmt, list(rows.values())).all())

    def findings(self, dispatch_id: str) -> list[Finding]:
        """The findings of a dispatch, in the order found."""
        t = office_findings.c
        rows = self._conn.execute(select(office_findings).where(t.dispatch_id == dispatch_id)
                                  .order_by(t.seq)).mappings()
        return [Finding(r["dispatch_id"], FindingKind(r["kind"]), from_epoch_us(r["found_us"]),
                        r["receptacle_id"] or None, r["item_id"] or None, r["detail"])
                for r in rows]

    # --- outbound ------------------------------------------------------------------------

    def add_bag(self, bag: Bag) -> Bag:
        """Store a new bag; the bag with its number."""
        result = self._conn.execute(insert(office_bags).values(
            office=bag.office, destination=bag.destination, category=bag.category,
            subclass=bag.subclass, opened_us=to_epoch_us(bag.opened_at)))
        key = result.inserted_primary_key
        assert key is not None
        return Bag(int(key[0]), bag.office, bag.destination, bag.category, bag.subclass,
                   bag.opened_at)

    def bag(self, bag_id: int) -> Bag | None:
        """A bag by its number."""
        row = self._conn.execute(select(office_bags).where(office_bags.c.bag_id == bag_id)
                                 ).mappings().first()
        return None if row is None else _bag(row)

    def bag_of(self, office: str, item_id: str) -> int | None:
        """The bag an item was put into at an office."""
        t = office_bag_items.c
        found = self._conn.execute(select(t.bag_id).where(t.office == office,
                                                          t.item_id == item_id)).scalar()
        return None if found is None else int(found)

    def add_to_bag(self, office: str, bag_id: int, item_id: str, at: datetime) -> bool:
        """Put an item into a bag; False when it is in a bag at that office already."""
        # Whether the row went in, by what RETURNING gives back: psycopg reports no row count
        # (-1) for an insert that skipped, which would read as "put in".
        stmt = self._insert(office_bag_items).on_conflict_do_nothing(
            index_elements=["office", "item_id"]).returning(office_bag_items.c.bag_id)
        return self._conn.execute(stmt, {"office": office, "item_id": item_id,
                                         "bag_id": bag_id, "added_us": to_epoch_us(at)}
                                  ).first() is not None

    def bag_items(self, bag_id: int) -> list[str]:
        """The items of a bag, in the order put in."""
        t = office_bag_items.c
        return list(self._conn.execute(select(t.item_id).where(t.bag_id == bag_id)
                                       .order_by(t.added_us, t.item_id)).scalars())

    def bag_count(self, bag_id: int) -> int:
        """How many items a bag holds."""
        t = office_bag_items.c
        return int(self._conn.execute(select(func.count()).where(t.bag_id == bag_id)).scalar()
                   or 0)

    def bag_counts(self, bag_ids: list[int]) -> dict[int, int]:
        """How many items each of these bags holds."""
        if not bag_ids:
            return {}
        t = office_bag_items.c
        rows = self._conn.execute(select(t.bag_id, func.count()).where(t.bag_id.in_(bag_ids))
                                  .group_by(t.bag_id))
        return {int(r[0]): int(r[1]) for r in rows}

    def close_bag(self, bag: Bag) -> None:
        """Store a bag's closing: its S9 id, weight, seal and dispatch."""
        self._conn.execute(update(office_bags).where(office_bags.c.bag_id == bag.bag_id).values(
            closed_us=optional_us(bag.closed_at), receptacle_id=bag.receptacle_id,
            dispatch_id=bag.dispatch_id, weight_kg=bag.weight_kg, seal=bag.seal))

    def lock_counter(self, office: str, destination: str, category: str, year: int) -> int:
        """The last dispatch serial of an office pair, category and year, locked."""
        key = {"office": office, "destination": destination, "category": category,
               "year": year}
        self._conn.execute(self._insert(office_dispatch_counters).on_conflict_do_nothing(
            index_elements=list(key)), {**key, "last_serial": 0})
        t = office_dispatch_counters.c
        query = select(t.last_serial).where(t.office == office, t.destination == destination,
                                            t.category == category, t.year == year)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        return int(self._conn.execute(query).scalar_one())

    def set_counter(self, office: str, destination: str, category: str, year: int,
                    serial: int) -> None:
        """Store the last serial (under the lock taken by :meth:`lock_counter`)."""
        t = office_dispatch_counters.c
        self._conn.execute(update(office_dispatch_counters).where(
            t.office == office, t.destination == destination, t.category == category,
            t.year == year).values(last_serial=serial))

    def open_dispatch(self, office: str, destination: str, category: str, subclass: str,
                      year: int) -> OutboundDispatch | None:
        """The dispatch still open for these, if any."""
        t = office_dispatches.c
        row = self._conn.execute(
            select(office_dispatches).where(
                t.office == office, t.destination == destination, t.category == category,
                t.subclass == subclass, t.year == year, t.closed_us.is_(None))
            .order_by(t.serial.desc()).limit(1)).mappings().first()
        return None if row is None else _dispatch(row)

    def put_dispatch(self, dispatch: OutboundDispatch) -> None:
        """Store a dispatch made here, or its new state."""
        d = dispatch
        row = {
            "dispatch_id": d.dispatch_id, "office": d.office, "destination": d.destination,
            "category": d.category, "subclass": d.subclass, "year": d.year,
            "serial": d.serial, "opened_us": to_epoch_us(d.opened_at),
            "receptacles": d.receptacles, "closed_us": optional_us(d.closed_at),
            "handed_over_us": optional_us(d.handed_over_at),
            "conveyance_mode": d.conveyance_mode, "conveyance": d.conveyance,
            "service_id": d.service_id,
        }
        self._upsert(office_dispatches, row, ("dispatch_id",))

    def dispatch(self, dispatch_id: str) -> OutboundDispatch | None:
        """A dispatch made here."""
        row = self._conn.execute(select(office_dispatches)
                                 .where(office_dispatches.c.dispatch_id == dispatch_id)
                                 ).mappings().first()
        return None if row is None else _dispatch(row)

    def dispatch_bags(self, dispatch_id: str) -> list[Bag]:
        """The closed bags of a dispatch, by receptacle serial."""
        t = office_bags.c
        rows = self._conn.execute(select(office_bags).where(t.dispatch_id == dispatch_id)
                                  .order_by(t.receptacle_id)).mappings()
        return [_bag(r) for r in rows]

    # --- helpers -------------------------------------------------------------------------

    def _insert(self, table: Table) -> Any:
        return dialect_insert(self._conn, table)

    def _upsert(self, table: Table, row: dict[str, Any], key: Sequence[str]) -> None:
        # Built once per dialect and table, the rows passed as parameters: SQLAlchemy then
        # reuses the compiled statement (a statement with the values in it compiles anew).
        cached = _UPSERTS.get((self._conn.dialect.name, table.name))
        if cached is None:
            stmt = self._insert(table)
            cached = stmt.on_conflict_do_update(
                index_elements=list(key),
                set_={c.name: stmt.excluded[c.name] for c in table.columns
                      if c.name not in key})
            _UPSERTS[self._conn.dialect.name, table.name] = cached
        self._conn.execute(cached, row)


def _receipt(row: Mapping[Any, Any]) -> Receipt:
    return Receipt(
        office=row["office"], receptacle_id=row["label"],
        outcome=ReceiptOutcome(row["outcome"]), received_at=from_epoch_us(row["received_us"]),
        declared_kg=float(row["declared_kg"]),
        weighed_kg=None if row["weighed_kg"] is None else float(row["weighed_kg"]),
        seal=row["seal"], operator=row["operator"], opened_at=optional_time(row["opened_us"]),
        verified_at=optional_time(row["verified_us"]))


def _item(row: Mapping[Any, Any]) -> ItemAtOffice:
    return ItemAtOffice(
        office=row["office"], item_id=row["item_id"], state=ItemState(row["state"]),
        scanned_at=from_epoch_us(row["scanned_us"]),
        updated_at=from_epoch_us(row["updated_us"]), receptacle_id=row["receptacle_id"],
        destination=row["destination"], service_id=row["service_id"],
        next_node=row["next_node"],
        hold_reason=None if row["hold_reason"] is None else HoldReason(row["hold_reason"]),
        held_at=optional_time(row["held_us"]), note=row["note"])


def _bag(row: Mapping[Any, Any]) -> Bag:
    return Bag(int(row["bag_id"]), row["office"], row["destination"], row["category"],
               row["subclass"], from_epoch_us(row["opened_us"]), optional_time(row["closed_us"]),
               row["receptacle_id"], row["dispatch_id"],
               None if row["weight_kg"] is None else float(row["weight_kg"]), row["seal"])


def _dispatch(row: Mapping[Any, Any]) -> OutboundDispatch:
    return OutboundDispatch(
        row["dispatch_id"], row["office"], row["destination"], row["category"],
        row["subclass"], int(row["year"]), int(row["serial"]), from_epoch_us(row["opened_us"]),
        int(row["receptacles"]), optional_time(row["closed_us"]),
        optional_time(row["handed_over_us"]), row["conveyance_mode"], row["conveyance"],
        row["service_id"])


__all__ = ["SqlOfficeRepository"]

