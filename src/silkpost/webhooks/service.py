"""Use cases of webhooks: subscribe, queue messages in the caller's transaction (the outbox),
dispatch what is due, replay.

A message is queued in the same transaction as the change that caused it, so a rolled-back
change sends nothing and a committed one is never forgotten; the dispatcher sends after
commit, from the queue, at least once per subscription, with the same ``webhook-id`` every
time (receivers drop repeats by it).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from silkpost import __version__
from silkpost.domain.partners import check_partner_code
from silkpost.domain.webhooks import (
    Delivery,
    DeliveryState,
    Message,
    Outcome,
    Subscription,
    WebhookEventType,
    WebhookSecret,
    after_attempt,
    derived_id,
)
from silkpost.domain.webhooks import new_message as new_message  # its home is the domain
from silkpost.errors import InvalidRequest, NotFound, invalid_request
from silkpost.webhooks.items import stuck_messages
from silkpost.webhooks.ports import Clock, Sender, WebhookRepository, WebhookUnitOfWork

LEASE = timedelta(minutes=2)  # the default of SILKPOST_WEBHOOKS_LEASE_SECONDS
MAX_LOG = 1000


class SubscriptionNotFound(NotFound):
    """No subscription with this id (or not the caller's)."""

    code = "webhooks.not_found"
    title = "Subscription not found"


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """A subscription just made, and its secret as shown once."""

    subscription: Subscription
    secret: str


def subscribe(partner: str, url: str, types: Sequence[str], *, uow: WebhookUnitOfWork,
              clock: Clock, lanes: Sequence[str] = (), nodes: Sequence[str] = (),
              object_ids: Sequence[str] = ()) -> NewSubscription:
    """Subscribe ``partner``'s endpoint to ``types``; the secret is in the answer only."""
    secret = WebhookSecret(secrets.token_bytes(32))
    with invalid_request():
        code = check_partner_code(partner)
        sub = Subscription(
            subscription_id="wh_" + secrets.token_hex(8), partner=code, url=url,
            types=tuple(types),  # type: ignore[arg-type]  # checked on construction
            secret=secret, created_at=clock.now(), lanes=tuple(lanes),
            nodes=tuple(n.upper() for n in nodes), object_ids=tuple(object_ids))
    with uow:
        if uow.partners.get(code) is None:
            raise InvalidRequest(f"no partner {code}", field="partner")
        uow.webhooks.add_subscription(sub)
        uow.commit()
    return NewSubscription(sub, secret.text)


def subscriptions(*, uow: WebhookUnitOfWork, partner: str | None = None) -> list[Subscription]:
    """Subscriptions, of one partner or all."""
    with uow:
        return uow.webhooks.subscriptions(partner)


def queue(messages: Sequence[Message], *, outbox: WebhookRepository, at: datetime,
          visible_to: Callable[[str, Message], bool] | None = None) -> int:
    """Queue each message for every enabled subscription that wants it, inside the caller's
    transaction (``outbox`` is its webhook repository; no commit here).

    ``visible_to(partner, message)`` keeps a partner from hearing about what it may not see.
    Returns how many deliveries were queued.
    """
    if not messages:
        return 0
    subs = [x for x in outbox.subscriptions() if x.disabled_at is None]
    deliveries = [
        Delivery(msg_id=m.msg_id, subscription_id=x.subscription_id, event_type=m.event_type,
                 body=m.body, created_at=at, next_at=at)
        for m in messages for x in subs
        if x.wants(m.event_type, lane=m.lane, nodes=m.nodes, object_id=m.object_id)
        and (visible_to is None or visible_to(x.partner, m))
    ]
    return outbox.add_deliveries(deliveries)


FAN_OUT_LIMIT = 2_000


def fan_out(*, uow: WebhookUnitOfWork, clock: Clock, limit: int = FAN_OUT_LIMIT) -> int:
    """Queue the kept messages (up to ``limit``) for every subscription that wants them and
    whose partner sees their item; returns how many messages were taken.

    Ingest keeps one row per change in its own transaction (:meth:`WebhookRepository.
    add_messages`); the per-subscription rows are made here, after commit, so ingest costs
    the same with one subscription as with a hundred. What a partner sees is asked when the
    message is fanned out: by then it sees the item if it saw it at the change, and perhaps
    since (a partner that begins to see an item sees its whole history, as in its feed).
    """
    with uow:
        messages = uow.webhooks.take_messages(limit)
        if not messages:
            return 0
        scopes = {p.code: p.scope for p in uow.partners.list()}
        sightings = uow.webhooks.sightings(
            sorted({m.object_id for m in messages if m.object_id is not None}))

        def visible_to(partner: str, m: Message) -> bool:
            scope = scopes.get(partner)
            return scope is not None and m.object_id is not None and scope.sees(
                sightings.get(m.object_id, ()))

        queue(messages, outbox=uow.webhooks, at=clock.now(), visible_to=visible_to)
        uow.commit()
    return len(messages)


STUCK_SCAN = "item.stuck"


def watch_stuck(*, uow: WebhookUnitOfWork, clock: Clock) -> int:
    """Keep an ``item.stuck`` message for each item that became stuck since the last look
    (or, the first time, since the oldest subscription to it); returns how many.

    Being stuck happens by time passing, not by an event, so it is looked for here, each
    round of the dispatcher. A message's id names the item and its last event: an item
    stuck again after moving on is a new message; found twice, the same one.
    """
    with uow:
        subs = [x for x in uow.webhooks.subscriptions()
                if x.disabled_at is None and WebhookEventType.ITEM_STUCK in x.types]
        if not subs:
            return 0
        now = clock.now()
        since = uow.webhooks.scan_mark(STUCK_SCAN) or min(x.created_at for x in subs)
        if since >= now:
            return 0
        kept = uow.webhooks.add_messages(
            list(stuck_messages(uow.webhooks.newly_stuck(since, now), at=now)))
        uow.webhooks.set_scan_mark(STUCK_SCAN, now)
        uow.commit()
    return kept


def headers(sub: Subscription, delivery: Delivery, timestamp: int) -> dict[str, str]:
    """The headers of one attempt: Standard Webhooks' three and the content type."""
    return {"webhook-id": delivery.msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sub.secret.sign(delivery.msg_id, timestamp, delivery.body),
            "content-type": "application/json", "user-agent": f"Silkpost/{__version__}"}


@dataclass(frozen=True, slots=True)
class DispatchRound:
    """What one round of the dispatcher did."""

    attempted: int
    delivered: int
    failed_for_good: int
    disabled: tuple[str, ...]
    fanned_out: int = 0  # messages of ingest queued for their subscriptions this round


def dispatch_due(*, uow: Callable[[], WebhookUnitOfWork], sender: Sender, clock: Clock,
                 limit: int = 500, executor: Executor | None = None, lease: timedelta = LEASE,
                 jitter: Callable[[], float] = random.random) -> DispatchRound:
    """Look for items that became stuck (:func:`watch_stuck`), fan out the messages kept
    (:func:`fan_out`), then send every due delivery (up
    to ``limit``) once and record how each went.

    Taking the deliveries is its own committed transaction, so the sends happen outside any
    transaction; recording is another. An endpoint that answers 410, or whose delivery has
    failed for the whole retry schedule (three days), is disabled, with the reason.
    """
    watch_stuck(uow=uow(), clock=clock)
    fanned = fan_out(uow=uow(), clock=clock)
    now = clock.now()
    with uow() as taking:
        due = taking.webhooks.claim_due(now, lease_until=now + lease, limit=limit)
        subs = {x.subscription_id: x for x in taking.webhooks.subscriptions()}
        taking.commit()
    if not due:
        return DispatchRound(0, 0, 0, (), fanned)

    def attempt(delivery: Delivery) -> Outcome:
        sub = subs[delivery.subscription_id]
        if sub.disabled_at is not None:
            return Outcome(None, error=f"subscription disabled: {sub.disabled_reason}")
        stamp = int(clock.now().timestamp())
        return sender.send(sub.url, headers(sub, delivery, stamp), delivery.body)

    outcomes = list(executor.map(attempt, due)) if executor else [attempt(x) for x in due]
    done = clock.now()
    after = [after_attempt(x, o, now=done, jitter=jitter()) for x, o in zip(due, outcomes,
                                                                             strict=True)]
    disabled: dict[str, str] = {}
    for x, o in zip(after, outcomes, strict=True):
        sub = subs[x.subscription_id]
        if sub.disabled_at is None and o.gone:
            disabled[sub.subscription_id] = "the endpoint answered 410 Gone"
        elif sub.disabled_at is None and x.state is DeliveryState.FAILED:
            disabled[sub.subscription_id] = (f"failed for the whole retry schedule: "
                                             f"{x.last_error}")
    with uow() as recording:
        recording.webhooks.record(after)
        for sub_id, reason in disabled.items():
            off = replace(subs[sub_id], disabled_at=done, disabled_reason=reason)
            recording.webhooks.update_subscription(off)
            queue([disabled_message(off, done)], outbox=recording.webhooks, at=done,
                  visible_to=_same_partner(off.partner))
        recording.commit()
    return DispatchRound(
        attempted=len(after),
        delivered=sum(x.state is DeliveryState.DELIVERED for x in after),
        failed_for_good=sum(x.state is DeliveryState.FAILED for x in after),
        disabled=tuple(disabled), fanned_out=fanned)


def disabled_message(sub: Subscription, at: datetime) -> Message:
    """``webhook.disabled``: the notice to a partner's other endpoints (those subscribed to
    it) that this one, disabled at ``at``, gets nothing more until enabled again, and why."""
    data = {"subscription_id": sub.subscription_id, "url": sub.url,
            "disabled_at": at.isoformat(), "reason": sub.disabled_reason}
    return new_message(WebhookEventType.WEBHOOK_DISABLED, data, at=at,
                       msg_id=derived_id(sub.subscription_id, at.isoformat()))


def _same_partner(partner: str) -> Callable[[str, Message], bool]:
    return lambda who, _: who == partner


def _own(uow: WebhookUnitOfWork, subscription_id: str, partner: str | None) -> Subscription:
    sub = uow.webhooks.subscription(subscription_id)
    if sub is None or (partner is not None and sub.partner != partner):
        raise SubscriptionNotFound(f"no subscription {subscription_id}", field="id")
    return sub


def replay(subscription_id: str, *, since: datetime, uow: WebhookUnitOfWork, clock: Clock,
           partner: str | None = None) -> int:
    """Send again everything queued for the subscription since ``since`` (same ids)."""
    with uow:
        _own(uow, subscription_id, partner)
        count = uow.webhooks.requeue(subscription_id, since=since, now=clock.now())
        uow.commit()
    return count


def enable(subscription_id: str, *, uow: WebhookUnitOfWork, partner: str | None = None
           ) -> Subscription:
    """Turn a disabled subscription back on (after its endpoint is mended)."""
    with uow:
        sub = replace(_own(uow, subscription_id, partner), disabled_at=None, disabled_reason="")
        uow.webhooks.update_subscription(sub)
        uow.commit()
    return sub


def delivery_log(subscription_id: str, *, uow: WebhookUnitOfWork, limit: int = 100,
                 partner: str | None = None) -> list[Delivery]:
    """A subscription's latest deliveries, newest first."""
    with uow:
        _own(uow, subscription_id, partner)
        return uow.webhooks.deliveries(subscription_id, limit=min(limit, MAX_LOG))
