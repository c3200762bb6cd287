"""Item messages kept in the transaction that appends their events (the webhook outbox).

:func:`silkpost.store.events.write` asks :func:`watch` before it folds a batch into the read
model and :func:`queue_changes` after: the statuses before and after are read from the read
model in the same transaction, the messages are made by :mod:`silkpost.webhooks.items` and
kept with the events, one per change; after commit the dispatcher fans each out to the
subscriptions that want it (:func:`silkpost.webhooks.service.fan_out`). With no enabled
subscription to an item message, nothing is read and a batch costs what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, select

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import to_epoch_us
from silkpost.store.schema import object_status
from silkpost.store.webhooks import SqlWebhookRepository
from silkpost.webhooks.items import ITEM_TYPES, ItemStanding, status_messages

_CHUNK = 500
_ITEM = ObjectKind.ITEM.value
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class Watch:
    """The items of one batch and their statuses before it."""

    items: list[str]
    before: dict[str, str]


def watch(conn: Connection, item_ids: Callable[[], Collection[str]]) -> Watch | None:
    """The statuses before a batch of the items it touches (``item_ids``, asked only then),
    when anyone subscribes to item messages; None (nothing read) when no one does."""
    subs = [x for x in SqlWebhookRepository(conn).subscriptions()
            if x.disabled_at is None and not ITEM_TYPES.isdisjoint(x.types)]
    if not subs:
        return None
    items = sorted(item_ids())
    if not items:
        return None
    c = object_status.c
    before: dict[str, str] = {}
    for start in range(0, len(items), _CHUNK):
        rows = conn.execute(select(c.object_id, c.status).where(
            c.object_kind == _ITEM, c.object_id.in_(items[start:start + _CHUNK])))
        before.update((object_id, status) for object_id, status in rows)
    return Watch(items, before)


def standings(conn: Connection, item_ids: Sequence[str]) -> list[ItemStanding]:
    """The read-model standing of each of these items that is stored."""
    found: list[ItemStanding] = []
    for start in range(0, len(item_ids), _CHUNK):
        stmt = _standing_select().where(
            object_status.c.object_id.in_(item_ids[start:start + _CHUNK]))
        found.extend(ItemStanding(*row) for row in conn.execute(stmt))
    return found


def stuck_standings(conn: Connection, since: datetime, now: datetime) -> list[ItemStanding]:
    """The standings of the items that became stuck between ``since`` and ``now`` (by the
    thresholds of the status table), oldest last event first."""
    from silkpost.store.events import became_stuck

    c = object_status.c
    # The kind is checked here, not in SQL: SQLite would then scan every item by the kind's
    # index instead of one range per status.
    stmt = select(c.object_kind, *_STANDING).where(
        became_stuck(to_epoch_us(since), to_epoch_us(now))).order_by(c.latest_us, c.object_id)
    return [ItemStanding(*row[1:]) for row in conn.execute(stmt) if row[0] == _ITEM]


def _standing_select() -> Select[Any]:
    return select(*_STANDING).where(object_status.c.object_kind == _ITEM)


_STANDING = (object_status.c.object_id, object_status.c.status, object_status.c.latest_code,
             object_status.c.latest_key, object_status.c.latest_us,
             object_status.c.latest_offset_min, object_status.c.latest_location,
             object_status.c.latest_office, object_status.c.destination)


def queue_changes(conn: Connection, watched: Watch, rows: Sequence[tuple[Any, ...]]) -> int:
    """Keep the messages of the watched items' status changes; how many.

    ``rows`` are the batch's event rows (EVENT_COLUMNS order): the messages are stamped with
    the latest receipt time among them. Which subscriptions get each message, and whether
    their partners see the item, is the fan-out's to say after commit
    (:func:`silkpost.webhooks.service.fan_out`).
    """
    after = standings(conn, watched.items)
    received_us = max((r[6] for r in rows), default=0)
    at = _EPOCH + timedelta(microseconds=received_us)
    messages = list(status_messages(((watched.before.get(s.object_id), s) for s in after),
                                    at=at))
    return SqlWebhookRepository(conn).add_messages(messages)
