"""The ports the office services need, as Protocols: the office's records and its unit of work.

The office keeps working records (what was announced, received, opened, found, held) beside
the tracking log; every action also appends its event to the log in the same transaction, so
an item's timeline shows the office's work. The SQL store and the in-memory fake satisfy the
ports by shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent
from silkpost.domain.office import Finding, HoldReason, PreAdvice, ReceiptOutcome
from silkpost.domain.tracked import TrackedObject
from silkpost.office.acceptance_ports import AcceptanceRepository
from silkpost.partners.ports import PartnerRepository
from silkpost.tracking.ports import Clock
from silkpost.transaction import Transaction
from silkpost.webhooks.ports import WebhookRepository

__all__ = [
    "AdvisedDispatch",
    "Bag",
    "Clock",
    "ItemAtOffice",
    "OfficeLog",
    "OfficeRepository",
    "OfficeUnitOfWork",
    "OutboundDispatch",
    "Receipt",
]


@dataclass(frozen=True, slots=True)
class AdvisedDispatch:
    """A pre-advice as stored: who sent it and when."""

    advice: PreAdvice
    sender: str
    advised_at: datetime


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receptacle received at an office: the label scanned, weights, seal, when opened.

    ``declared_kg`` is the pre-advice's weight, else the label's. A receptacle is received
    once (keyed by :func:`silkpost.domain.office.receptacle_key`); ``outcome`` is the first
    scan's, ``announced`` or ``unannounced``.
    """

    office: str
    receptacle_id: str
    outcome: ReceiptOutcome
    received_at: datetime
    declared_kg: float
    weighed_kg: float | None
    seal: str | None
    operator: str
    opened_at: datetime | None = None
    verified_at: datetime | None = None

    @property
    def dispatch_id(self) -> str:
        """The S8 dispatch id the receptacle belongs to."""
        return self.receptacle_id[:20]


class ItemState(StrEnum):
    """Where an item stands in an office's work (stored as its value)."""

    SORTED = "sorted"
    PRESENTED = "presented"  # to customs, keeping its sort decision until released
    HELD = "held"
    RETURNED = "returned"
    UNROUTED = "unrouted"


# The states whose items must still leave the office the day they came (the deadline
# monitor's): held and returned items are off the clock.
ON_THE_CLOCK = (ItemState.SORTED, ItemState.PRESENTED, ItemState.UNROUTED)


@dataclass(frozen=True, slots=True)
class ItemAtOffice:
    """An item's work at one office: where it came from, its sort decision or its hold.

    ``destination``/``service_id``/``next_node`` are the sort decision (none when held or
    unrouted); ``hold_reason`` and ``held_at`` are set while it is held.
    """

    office: str
    item_id: str
    state: ItemState
    scanned_at: datetime
    updated_at: datetime
    receptacle_id: str | None = None
    destination: str | None = None
    service_id: str | None = None
    next_node: str | None = None
    hold_reason: HoldReason | None = None
    held_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Bag:
    """A bag being filled at an office for one destination office, or closed: then it has
    its S9 id, weight and seal and belongs to a dispatch. ``bag_id`` is the store's number
    (0 before it is stored)."""

    bag_id: int
    office: str
    destination: str
    category: str
    subclass: str
    opened_at: datetime
    closed_at: datetime | None = None
    receptacle_id: str | None = None
    dispatch_id: str | None = None
    weight_kg: float | None = None
    seal: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundDispatch:
    """A dispatch made at an office: open while bags join it, then closed, then handed to a
    conveyance. ``receptacles`` is how many bags it holds (the last receptacle serial)."""

    dispatch_id: str
    office: str
    destination: str
    category: str
    subclass: str
    year: int
    serial: int
    opened_at: datetime
    receptacles: int = 0
    closed_at: datetime | None = None
    handed_over_at: datetime | None = None
    conveyance_mode: str | None = None
    conveyance: str | None = None
    service_id: str | None = None


@dataclass(frozen=True, slots=True)
class PendingItem:
    """An item worked at an office that has not left it (its dispatch not handed over)."""

    item_id: str
    state: ItemState
    scanned_at: datetime
    service_id: str | None
    destination: str | None
    next_node: str | None
    bag_id: int | None = None
    dispatch_id: str | None = None


class OfficeRepository(Protocol):
    """Pre-advices, receipts, item work and findings of the offices of exchange."""

    def lock(self, name: str) -> None:
        """Serialise the rest of this transaction with any other that locks ``name`` (an
        item or a bag at an office): two scanners scanning the same thing at the same moment
        take turns, and the second finds the first's work done."""
        ...

    def add_pre_advice(self, advised: AdvisedDispatch) -> None:
        """Store a pre-advice, replacing an earlier one of the same dispatch."""
        ...

    def pre_advice(self, dispatch_id: str) -> AdvisedDispatch | None:
        """The pre-advice of a dispatch."""
        ...

    def advised_receptacle(self, key: str) -> tuple[str, float, tuple[str, ...]] | None:
        """(label, weight, items) of the advised receptacle with this key (first 23
        characters of its label)."""
        ...

    def receipt(self, key: str) -> Receipt | None:
        """The receipt of the receptacle with this key."""
        ...

    def receipts(self, dispatch_id: str) -> list[Receipt]:
        """The receipts of a dispatch's receptacles, by receptacle serial."""
        ...

    def put_receipt(self, receipt: Receipt) -> None:
        """Store a receipt, or its new state (opened, verified) when stored."""
        ...

    def item(self, office: str, item_id: str) -> ItemAtOffice | None:
        """An item's work at an office."""
        ...

    def put_item(self, item: ItemAtOffice) -> None:
        """Store an item's work at an office (its new state when stored)."""
        ...

    def items_in(self, office: str, receptacle_id: str) -> list[str]:
        """The items scanned out of a receptacle at an office."""
        ...

    def held(self, office: str, reason: HoldReason | None = None, *, limit: int = 1000
             ) -> list[ItemAtOffice]:
        """Items held at an office (for one reason), longest held first."""
        ...

    def add_findings(self, findings: list[Finding]) -> int:
        """Store findings not stored before (same dispatch, kind, receptacle and item);
        return how many were new."""
        ...

    def findings(self, dispatch_id: str) -> list[Finding]:
        """The findings of a dispatch, in the order found."""
        ...

    def pending(self, office: str, *, limit: int) -> list[PendingItem]:
        """Items sorted (or left without a route) at an office that have not left it: not in
        a bag, or in one whose dispatch is not handed over; earliest scanned first."""
        ...

    def worked_since(self, office: str, since: datetime
                     ) -> list[tuple[datetime, datetime | None]]:
        """(scanned, left) of the items scanned at an office since ``since``, held and
        returned ones left out; left is the handover of their dispatch, if any."""
        ...

    # Outbound.

    def add_bag(self, bag: Bag) -> Bag:
        """Store a new bag; the bag with its number."""
        ...

    def bag(self, bag_id: int) -> Bag | None:
        """A bag by its number."""
        ...

    def bag_of(self, office: str, item_id: str) -> int | None:
        """The bag an item was put into at an office."""
        ...

    def add_to_bag(self, office: str, bag_id: int, item_id: str, at: datetime) -> bool:
        """Put an item into a bag; False when it is in a bag at that office already."""
        ...

    def bag_items(self, bag_id: int) -> list[str]:
        """The items of a bag, in the order put in."""
        ...

    def bag_count(self, bag_id: int) -> int:
        """How many items a bag holds."""
        ...

    def bag_counts(self, bag_ids: list[int]) -> dict[int, int]:
        """How many items each of these bags holds."""
        ...

    def close_bag(self, bag: Bag) -> None:
        """Store a bag's closing: its S9 id, weight, seal and dispatch."""
        ...

    def lock_counter(self, office: str, destination: str, category: str, year: int) -> int:
        """The last dispatch serial of an office pair, category and year (0 at first), taking
        the counter's lock for the rest of the transaction."""
        ...

    def set_counter(self, office: str, destination: str, category: str, year: int,
                    serial: int) -> None:
        """Store the last serial (under the lock taken by :meth:`lock_counter`)."""
        ...

    def open_dispatch(self, office: str, destination: str, category: str, subclass: str,
                      year: int) -> OutboundDispatch | None:
        """The dispatch still open for these, if any."""
        ...

    def put_dispatch(self, dispatch: OutboundDispatch) -> None:
        """Store a dispatch made here, or its new state."""
        ...

    def dispatch(self, dispatch_id: str) -> OutboundDispatch | None:
        """A dispatch made here."""
        ...

    def dispatch_bags(self, dispatch_id: str) -> list[Bag]:
        """The closed bags of a dispatch, by receptacle serial."""
        ...


class OfficeLog(Protocol):
    """What the office asks of the tracking log: to append its actions' events, and what is
    known of an item (its destination, whether customs holds it). The store's event log is
    one; the simulator's offices have their own (see silkpost.sim.offices)."""

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        ...

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """An object's current standing, or None if nothing is known of it."""
        ...


class OfficeUnitOfWork(Transaction, Protocol):
    """One transaction over the office's records and the tracking log."""

    @property
    def office(self) -> OfficeRepository:
        """The office's records inside this transaction."""
        ...

    @property
    def events(self) -> OfficeLog:
        """The tracking log, which gets the event of every action in the same transaction."""
        ...

    @property
    def webhooks(self) -> WebhookRepository:
        """The webhook outbox: the sender of a dispatch hears of its receipt in the same
        transaction."""
        ...

    @property
    def partners(self) -> PartnerRepository:
        """The partners, to tell who operates the office a dispatch goes to."""
        ...

    @property
    def acceptance(self) -> AcceptanceRepository:
        """Items' acceptance security records (the export dispatch gate reads them)."""
        ...
