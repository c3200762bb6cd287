"""The SQL webhook repository: subscriptions and the outbox of deliveries.

Dispatchers take due deliveries with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several can
run side by side without taking the same row; SQLite has one writer at a time, which already
serialises them. A taken delivery is put off by a lease before it is sent: a dispatcher killed
between taking and recording leaves it due again when the lease ends, to be sent once more
with the same ``webhook-id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Dialect, Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.domain.webhooks import (
    Delivery,
    DeliveryState,
    Message,
    Subscription,
    WebhookEventType,
    WebhookSecret,
)
from silkpost.store.columns import optional_time, optional_us
from silkpost.store.schema import events
from silkpost.store.schema import webhook_deliveries as d
from silkpost.store.schema import webhook_messages as m
from silkpost.store.schema import webhook_scans as scans
from silkpost.store.schema import webhook_subscriptions as s
from silkpost.webhooks.items import ItemStanding

_CHUNK = 500
_INSERTS: dict[tuple[str, str], str] = {}


def _insert_ignoring(dialect: Dialect, table: Table, *key: str) -> str:
    """INSERT of a row that skips one already there (by ``key``; with no key, a plain
    INSERT), with named parameters (SQLite's ``:name``, psycopg's ``%(name)s``) so rows go as
    they are, the driver sending many at once; compiled once per dialect and table."""
    if (dialect.name, table.name) not in _INSERTS:
        row = dict.fromkeys(c.name for c in table.columns if c.name != "seq")
        if dialect.name == "postgresql":
            stmt: Any = pg_insert(table).inline().values(row)
            style = dialect
        else:
            stmt = sqlite_insert(table).inline().values(row)
            style = sqlite.dialect(paramstyle="named")
        if key:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
        _INSERTS[dialect.name, table.name] = str(stmt.compile(dialect=style))
    return _INSERTS[dialect.name, table.name]


def subscription_row(sub: Subscription) -> dict[str, Any]:
    """The table row of a subscription."""
    return {"subscription_id": sub.subscription_id, "partner": sub.partner, "url": sub.url,
            "types": json.dumps([t.value for t in sub.types]), "lanes": json.dumps(sub.lanes),
            "nodes": json.dumps(sub.nodes), "object_ids": json.dumps(sub.object_ids),
            "secret": sub.secret.text, "created_us": to_epoch_us(sub.created_at),
            "disabled_us": optional_us(sub.disabled_at), "disabled_reason": sub.disabled_reason}


def subscription_of(row: Mapping[Any, Any]) -> Subscription:
    """The subscription of a table row."""
    return Subscription(
        subscription_id=row["subscription_id"], partner=row["partner"], url=row["url"],
        types=tuple(WebhookEventType(t) for t in json.loads(row["types"])),
        lanes=tuple(json.loads(row["lanes"])), nodes=tuple(json.loads(row["nodes"])),
        object_ids=tuple(json.loads(row["object_ids"])),
        secret=WebhookSecret.parse(row["secret"]), created_at=from_epoch_us(row["created_us"]),
        disabled_at=optional_time(row["disabled_us"]), disabled_reason=row["disabled_reason"])


def delivery_row(x: Delivery) -> dict[str, Any]:
    """The table row of a delivery (without its sequence number)."""
    return {"msg_id": x.msg_id, "subscription_id": x.subscription_id,
            "event_type": x.event_type.value, "body": x.body,
            "created_us": to_epoch_us(x.created_at), "next_us": to_epoch_us(x.next_at),
            "attempts": x.attempts, "state": x.state.value, "last_status": x.last_status,
            "last_error": x.last_error, "done_us": optional_us(x.done_at)}


def delivery_of(row: Mapping[Any, Any]) -> Delivery:
    """The delivery of a table row."""
    return Delivery(
        msg_id=row["msg_id"], subscription_id=row["subscription_id"],
        event_type=WebhookEventType(row["event_type"]), body=bytes(row["body"]),
        created_at=from_epoch_us(row["created_us"]), next_at=from_epoch_us(row["next_us"]),
        attempts=row["attempts"], state=DeliveryState(row["state"]),
        last_status=row["last_status"], last_error=row["last_error"],
        done_at=optional_time(row["done_us"]))


class SqlWebhookRepository:
    """Subscriptions and deliveries on the unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._postgres = conn.dialect.name == "postgresql"

    def add_subscription(self, subscription: Subscription) -> None:
        """Insert a new subscription."""
        self._conn.execute(insert(s).values(subscription_row(subscription)))

    def subscription(self, subscription_id: str) -> Subscription | None:
        """The subscription with this id."""
        row = self._conn.execute(select(s).where(s.c.subscription_id == subscription_id)
                                 ).mappings().first()
        return None if row is None else subscription_of(row)

    def subscriptions(self, partner: str | None = None) -> list[Subscription]:
        """Subscriptions, of one partner or all, oldest first."""
        stmt = select(s).order_by(s.c.created_us, s.c.subscription_id)
        if partner is not None:
            stmt = stmt.where(s.c.partner == partner)
        return [subscription_of(r) for r in self._conn.execute(stmt).mappings()]

    def update_subscription(self, subscription: Subscription) -> None:
        """Store a subscription's disabling."""
        self._conn.execute(update(s).where(
            s.c.subscription_id == subscription.subscription_id).values(
            disabled_us=optional_us(subscription.disabled_at),
            disabled_reason=subscription.disabled_reason))

    def add_messages(self, messages: Sequence[Message]) -> int:
        """Keep messages for the fan-out. A message kept twice is fanned out twice, and
        queued once per subscription (deliveries are unique by subscription and message):
        so no unique index here, whose upkeep would slow every batch of ingest."""
        if not messages:
            return 0
        result = self._conn.exec_driver_sql(_insert_ignoring(self._conn.dialect, m), [
            {"msg_id": x.msg_id, "event_type": x.event_type.value, "body": x.body,
             "object_id": x.object_id, "lane": x.lane, "nodes": orjson.dumps(x.nodes).decode()}
            for x in messages])
        return int(result.rowcount)

    def take_messages(self, limit: int) -> list[Message]:
        """Remove and return up to ``limit`` kept messages, oldest first."""
        stmt = select(m).order_by(m.c.seq).limit(limit)
        if self._postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(self._conn.execute(stmt).mappings())
        for start in range(0, len(rows), _CHUNK):
            self._conn.execute(delete(m).where(
                m.c.seq.in_([r["seq"] for r in rows[start:start + _CHUNK]])))
        return [Message(msg_id=r["msg_id"], event_type=WebhookEventType(r["event_type"]),
                        body=bytes(r["body"]), lane=r["lane"],
                        nodes=tuple(json.loads(r["nodes"])), object_id=r["object_id"])
                for r in rows]

    def sightings(self, item_ids: Sequence[str]) -> Mapping[str, set[tuple[str, str | None]]]:
        """Per item, the distinct (source, office) of its stored events."""
        e = events.c
        found: dict[str, set[tuple[str, str | None]]] = {}
        for start in range(0, len(item_ids), _CHUNK):
            stmt = select(e.object_id, e.source, e.office).distinct().where(
                e.object_kind == ObjectKind.ITEM.value,
                e.object_id.in_(item_ids[start:start + _CHUNK]))
            for object_id, source, office in self._conn.execute(stmt):
                found.setdefault(object_id, set()).add((source, office))
        return found

    def newly_stuck(self, since: datetime, now: datetime) -> list[ItemStanding]:
        """The items that became stuck after ``since`` and by ``now``."""
        from silkpost.store.item_outbox import stuck_standings

        return stuck_standings(self._conn, since, now)

    def scan_mark(self, name: str) -> datetime | None:
        """The time the look called ``name`` last reached."""
        return optional_time(self._conn.execute(
            select(scans.c.at_us).where(scans.c.name == name)).scalar_one_or_none())

    def set_scan_mark(self, name: str, at: datetime) -> None:
        """Remember how far the look called ``name`` reached."""
        at_us = to_epoch_us(at)
        if self._conn.execute(update(scans).where(scans.c.name == name).values(
                at_us=at_us)).rowcount == 0:
            self._conn.execute(insert(scans).values(name=name, at_us=at_us))

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> int:
        """Queue deliveries, skipping those already queued."""
        if not deliveries:
            return 0
        # One statement sent by the driver for all rows (compiled once per dialect); the
        # skipped duplicates count no change, so the row count is the new deliveries.
        result = self._conn.exec_driver_sql(
            _insert_ignoring(self._conn.dialect, d, "subscription_id", "msg_id"),
            [delivery_row(x) for x in deliveries])
        return int(result.rowcount)

    def claim_due(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Delivery]:
        """Take up to ``limit`` due deliveries and put them off to ``lease_until``."""
        stmt = (select(d).where(d.c.state == DeliveryState.PENDING.value,
                                d.c.next_us <= to_epoch_us(now))
                .order_by(d.c.next_us, d.c.seq).limit(limit))
        if self._postgres:
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(self._conn.execute(stmt).mappings())
        if rows:
            self._conn.execute(update(d).where(d.c.seq.in_([r["seq"] for r in rows])).values(
                next_us=to_epoch_us(lease_until)))
        return [delivery_of(r) for r in rows]

    def record(self, deliveries: Sequence[Delivery]) -> None:
        """Store each delivery's state after its attempt (one statement, many rows)."""
        if not deliveries:
            return
        fields = ("next_us", "attempts", "state", "last_status", "last_error", "done_us")
        stmt = update(d).where(and_(d.c.subscription_id == bindparam("k_sub"),
                                    d.c.msg_id == bindparam("k_msg"))).values(
            {name: bindparam(f"v_{name}") for name in fields})
        rows = []
        for x in deliveries:
            row = delivery_row(x)
            rows.append({"k_sub": x.subscription_id, "k_msg": x.msg_id,
                         **{f"v_{name}": row[name] for name in fields}})
        self._conn.execute(stmt, rows)

    def deliveries(self, subscription_id: str, *, limit: int) -> list[Delivery]:
        """The latest deliveries of a subscription, newest first."""
        stmt = (select(d).where(d.c.subscription_id == subscription_id)
                .order_by(d.c.seq.desc()).limit(limit))
        return [delivery_of(r) for r in self._conn.execute(stmt).mappings()]

    def requeue(self, subscription_id: str, *, since: datetime, now: datetime) -> int:
        """Make the subscription's deliveries since ``since`` due again at ``now``."""
        result = self._conn.execute(update(d).where(
            d.c.subscription_id == subscription_id,
            d.c.created_us >= to_epoch_us(since)).values(
            state=DeliveryState.PENDING.value, next_us=to_epoch_us(now), attempts=0,
            done_us=None, last_error=""))
        return max(result.rowcount, 0)
