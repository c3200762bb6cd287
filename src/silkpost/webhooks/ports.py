"""The ports the webhook services need: the subscription and outbox repository, its unit of
work, and the sender that makes one HTTP attempt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from silkpost.domain.webhooks import Delivery, Message, Outcome, Subscription
from silkpost.partners.ports import PartnerRepository
from silkpost.tracking.ports import Clock
from silkpost.transaction import Transaction
from silkpost.webhooks.items import ItemStanding

__all__ = ["Clock", "Sender", "WebhookRepository", "WebhookUnitOfWork"]


class WebhookRepository(Protocol):
    """Subscriptions (never deleted, only disabled) and their deliveries."""

    def add_subscription(self, subscription: Subscription) -> None:
        """Store a new subscription."""
        ...

    def subscription(self, subscription_id: str) -> Subscription | None:
        """The subscription with this id."""
        ...

    def subscriptions(self, partner: str | None = None) -> list[Subscription]:
        """Subscriptions, of one partner or all, oldest first."""
        ...

    def update_subscription(self, subscription: Subscription) -> None:
        """Store a subscription's disabling (nothing else of it changes)."""
        ...

    def add_messages(self, messages: Sequence[Message]) -> int:
        """Keep messages to be fanned out to the subscriptions after commit (the outbox of
        what ingest found); returns how many. One kept twice is fanned out twice and still
        queued once per subscription (a delivery is unique by subscription and message)."""
        ...

    def take_messages(self, limit: int) -> list[Message]:
        """Remove and return up to ``limit`` kept messages, oldest first (skipping those
        another transaction holds)."""
        ...

    def sightings(self, item_ids: Sequence[str]) -> Mapping[str, set[tuple[str, str | None]]]:
        """Per item, the (source, office) of its stored events: what a partner's scope is
        checked against to tell whether it sees the item."""
        ...

    def newly_stuck(self, since: datetime, now: datetime) -> list[ItemStanding]:
        """The items that became stuck (passed their status's threshold) after ``since``
        and by ``now``."""
        ...

    def scan_mark(self, name: str) -> datetime | None:
        """The time the look called ``name`` last reached, if it ever ran."""
        ...

    def set_scan_mark(self, name: str, at: datetime) -> None:
        """Remember that the look called ``name`` reached ``at``."""
        ...

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> int:
        """Queue deliveries; one already queued (same subscription and message) is skipped.
        Returns how many were new."""
        ...

    def claim_due(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Delivery]:
        """Up to ``limit`` pending deliveries due at ``now``, oldest first, each put off to
        ``lease_until`` so no other dispatcher takes it meanwhile (skipping rows another
        transaction holds)."""
        ...

    def record(self, deliveries: Sequence[Delivery]) -> None:
        """Store the state of deliveries after an attempt."""
        ...

    def deliveries(self, subscription_id: str, *, limit: int) -> list[Delivery]:
        """The latest deliveries of a subscription, newest first (its delivery log)."""
        ...

    def requeue(self, subscription_id: str, *, since: datetime, now: datetime) -> int:
        """Send again, at ``now``, every delivery of the subscription created since
        ``since``: same message ids, attempts counted anew. Returns how many."""
        ...


class WebhookUnitOfWork(Transaction, Protocol):
    """One transaction over subscriptions and deliveries (and the partners they belong to)."""

    @property
    def partners(self) -> PartnerRepository:
        """The partners inside this transaction."""
        ...

    @property
    def webhooks(self) -> WebhookRepository:
        """The webhook repository inside this transaction."""
        ...


class Sender(Protocol):
    """Makes one HTTP POST attempt; never raises for what the network or receiver does."""

    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        """POST ``body`` to ``url``: the status, or the reason there was none."""
        ...
