"""The messages an item's events cause: ``item.status_changed``, ``item.delivered`` and
``item.stuck``, written once here for every store.

The store finds the changes in the transaction that appends the events (it knows the status
before and after the batch) and keeps these messages in that same transaction, so a
rolled-back batch sends nothing and a committed one is never forgotten; the dispatcher's
``item.stuck`` look keeps its own. A message's id is derived from the change (the item, the
type and the latest event's order key), so a change found twice is queued once per
subscription.

Whom they go to is the fan-out's to say (:func:`silkpost.webhooks.service.fan_out`): a
subscription hears about an item when its partner sees the item by its events, the rule of
the change feed (:meth:`silkpost.domain.partners.Scope.sees`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from silkpost.domain.codes import Status
from silkpost.domain.events import from_epoch_us, to_epoch_us
from silkpost.domain.status import order_key
from silkpost.domain.tracked import TrackedObject
from silkpost.domain.webhooks import Message, WebhookEventType, derived_id, new_message

ITEM_TYPES = frozenset((WebhookEventType.ITEM_STATUS_CHANGED, WebhookEventType.ITEM_DELIVERED,
                        WebhookEventType.ITEM_STUCK))


@dataclass(frozen=True, slots=True)
class ItemStanding:
    """An item's read-model standing after a batch (or when found stuck)."""

    object_id: str
    status: str
    code: str
    latest_key: int
    latest_us: int
    offset_min: int
    location: str | None
    office: str | None
    destination: str | None

    @classmethod
    def of(cls, tracked: TrackedObject) -> ItemStanding:
        """The standing of a domain record (the in-memory store's fold)."""
        at = tracked.last_at
        offset = at.utcoffset()
        us = to_epoch_us(at)
        return cls(tracked.object_id, tracked.status.value, tracked.last_code,
                   order_key(us, tracked.last_code), us,
                   0 if offset is None else int(offset.total_seconds()) // 60,
                   tracked.last_location, tracked.last_office, tracked.destination)


def message_id(event_type: WebhookEventType, object_id: str, latest_key: int) -> str:
    """The id of the message of ``event_type`` about the item's standing at ``latest_key``."""
    return derived_id(event_type.value, object_id, latest_key)


def _message(event_type: WebhookEventType, item: ItemStanding, at: datetime,
             previous: str | None = None) -> Message:
    data = {"object_id": item.object_id, "status": item.status, "code": item.code,
            "occurred_at": from_epoch_us(item.latest_us, item.offset_min).isoformat(),
            "location": item.location, "office": item.office,
            "destination": item.destination}
    if event_type is WebhookEventType.ITEM_STATUS_CHANGED:
        data["previous_status"] = previous
    nodes: list[str] = []
    for node in (item.office, item.location, item.destination):
        if node and node not in nodes:
            nodes.append(node)
    return new_message(event_type, data, at=at, nodes=nodes, object_id=item.object_id,
                       msg_id=message_id(event_type, item.object_id, item.latest_key))


def status_messages(changes: Iterable[tuple[str | None, ItemStanding]], *, at: datetime
                    ) -> Iterator[Message]:
    """The messages of items whose status a batch changed: (status before, standing after).

    An item seen for the first time (before: None) changes status too. ``item.delivered``
    comes with the change into ``delivered``.
    """
    for before, item in changes:
        if before == item.status:
            continue
        yield _message(WebhookEventType.ITEM_STATUS_CHANGED, item, at, previous=before)
        if item.status == Status.DELIVERED.value:
            yield _message(WebhookEventType.ITEM_DELIVERED, item, at)


def stuck_messages(items: Iterable[ItemStanding], *, at: datetime) -> Iterator[Message]:
    """One ``item.stuck`` per item and standing: found stuck again, it is the same message."""
    for item in items:
        yield _message(WebhookEventType.ITEM_STUCK, item, at)
