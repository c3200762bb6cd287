"""Exchange-office use cases: take pre-advices, receive and open receptacles, scan, sort,
hold and release items, and tell what the verification note holds.

The API, the CLI, the scanner screen and the simulator's offices call these functions; the
item actions come in batch form too (a conveyor's or a truck's items at one moment), of
which the one-item form is the case of one. Each action is one
transaction: the office's records and the action's events in the tracking log are stored
together or not at all, so an item's timeline shows exactly the work its office recorded.
A scan repeated (a worker's second pull of the trigger, a device resending after the network
came back) finds its work done and changes nothing: the same answer, no second event.

Scan times: a scanner that was offline sends the time it scanned (``at``); the platform
records the work at that time, not when the request arrived.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from silkpost.domain import s9
from silkpost.domain.codes import ObjectKind, Status
from silkpost.domain.errors import InvalidValue
from silkpost.domain.events import TrackingEvent
from silkpost.domain.office import (
    HOLDS,
    Direction,
    Finding,
    FindingKind,
    HoldReason,
    OfficeAction,
    PreAdvice,
    ReceiptOutcome,
    check_item_id,
    check_receptacle_id,
    check_seal,
    check_weight,
    missing_items,
    office_code,
    receipt_outcome,
    receptacle_key,
    sends_abroad,
    weight_finding,
)
from silkpost.domain.times import check_time
from silkpost.domain.webhooks import WebhookEventType, derived_id
from silkpost.errors import invalid_request
from silkpost.network.corridor import Network, Node
from silkpost.network.itinerary import NoRoute
from silkpost.network.service import DEFAULT_REGIME, plan
from silkpost.office.errors import (
    DispatchNotFound,
    InvalidOfficeWork,
    OfficeConflict,
    ReceptacleNotReceived,
    UnknownOffice,
)
from silkpost.office.ports import (
    AdvisedDispatch,
    Clock,
    ItemAtOffice,
    ItemState,
    OfficeUnitOfWork,
    Receipt,
)
from silkpost.tracking.service import record_in
from silkpost.webhooks.service import new_message, queue

# Nodes where receptacles are received and opened: offices and stations of exchange, and
# the partner posts' offices of exchange (the inward office of a dispatch).
OFFICE_KINDS = frozenset(("exchange_office", "exchange_station", "partner_post_office"))

SORTED, OPENED, DAMAGED, RETURNED = "SIS", "SBO", "SXD", "SRT"
# The office's own steps that no UPU code names (see domain/tables/event_codes.csv).
ADVICE_TAKEN, BAG_STARTED, VERIFIED, NOTE_SENT, ANSWERED = "SYA", "SYB", "SYC", "SYD", "SYR"
RESORT_AFTER = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Office:
    """An office of exchange of the network, where the work happens."""

    node: Node

    @property
    def code(self) -> str:
        """The office's code (its IMPC code on the default network)."""
        return self.node.code


def office_of(network: Network, code: str) -> Office:
    """The office with this code, or an error that names the offices there are."""
    node = network.nodes.get(code.strip().upper())
    if node is None or node.kind not in OFFICE_KINDS:
        known = sorted(c for c, n in network.nodes.items() if n.kind in OFFICE_KINDS)
        raise UnknownOffice(f"{code!r} is not an office of exchange of network "
                            f"{network.name}: the offices are {', '.join(known)}",
                            field="office")
    return Office(node)


# --- pre-advice -------------------------------------------------------------------------


def advise(advice: PreAdvice, *, sender: str, network: Network, uow: OfficeUnitOfWork,
           clock: Clock) -> tuple[AdvisedDispatch, bool]:
    """Store a dispatch's pre-advice; (the stored one, whether it was new or changed).

    The same pre-advice again changes nothing. A corrected one replaces it until the first
    of its receptacles is received; after that, what was received is checked against what
    was announced, so a change is refused.
    """
    office_of(network, advice.destination)
    with uow:
        stored = uow.office.pre_advice(advice.dispatch_id)
        if stored is not None and stored.advice == advice:
            return stored, False
        if stored is not None and uow.office.receipts(advice.dispatch_id):
            raise OfficeConflict(f"dispatch {advice.dispatch_id} has receptacles received "
                                 "already: its pre-advice can no longer change",
                                 field="dispatch_id")
        advised = AdvisedDispatch(advice, sender, clock.now())
        uow.office.add_pre_advice(advised)
        record([advice_taken(office_of(network, advice.destination), advised, sender)],
               uow, clock)
        uow.commit()
    return advised, True


def advice_taken(office: Office, advised: AdvisedDispatch, source: str) -> TrackingEvent:
    """The event of a pre-advice taken at the office its dispatch goes to."""
    advice = advised.advice
    return office_event(office, ObjectKind.DISPATCH, advice.dispatch_id, ADVICE_TAKEN,
                        advised.advised_at, source,
                        {"receptacles": len(advice.receptacles),
                         "items": sum(len(r.items) for r in advice.receptacles)})


def pre_advice(dispatch_id: str, *, uow: OfficeUnitOfWork) -> AdvisedDispatch:
    """A stored pre-advice, or DispatchNotFound."""
    with uow:
        stored = uow.office.pre_advice(dispatch_id.strip().upper())
    if stored is None:
        raise DispatchNotFound(f"no pre-advice names dispatch {dispatch_id!r}",
                               field="dispatch_id")
    return stored


# --- receiving receptacles ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReceiptAnswer:
    """What scanning a bag's label came to, as the screen and the API show it."""

    outcome: ReceiptOutcome
    receptacle_id: str
    dispatch_id: str
    office: str
    received_at: datetime | None  # when first received here (None: not received here)
    declared_kg: float
    weighed_kg: float | None
    seal: str | None
    advised_items: int
    weight_note: str | None  # the verification note's line on the weight, if any

    @property
    def difference_kg(self) -> float | None:
        """Weighed minus declared weight."""
        if self.weighed_kg is None:
            return None
        return round(self.weighed_kg - self.declared_kg, 3)


def receive(code: str, label: str, *, weighed_kg: float | None = None, seal: str | None = None,
            at: datetime | None = None, source: str, network: Network, uow: OfficeUnitOfWork,
            clock: Clock) -> ReceiptAnswer:
    """Receive a receptacle by its label at office ``code``: one outcome per scan.

    A received bag gets its arrival event; an unannounced one, a duplicate and a weight off
    its declaration become findings of the dispatch's verification note. A bag addressed to
    another office is not received here.
    """
    office = office_of(network, code)
    with invalid_request():
        label = check_receptacle_id(label, field="receptacle_id")
        seal = check_seal(seal)
        if weighed_kg is not None:
            weighed_kg = check_weight(weighed_kg, field="weighed_kg")
    when = scan_time(at, clock)
    key = receptacle_key(label)
    with uow:
        uow.office.lock(f"receptacle:{key}")
        earlier = uow.office.receipt(key)
        advised = uow.office.advised_receptacle(key)
        declared = advised[1] if advised is not None else s9.parse(label).weight_kg
        items = len(advised[2]) if advised is not None else 0
        outcome = receipt_outcome(office.code, label, advised=advised is not None,
                                  received_label=None if earlier is None
                                  else earlier.receptacle_id)
        if earlier is not None:
            if outcome is ReceiptOutcome.DUPLICATE:
                uow.office.add_findings([Finding(
                    label[:20], FindingKind.DUPLICATE_RECEPTACLE, when, receptacle_id=label,
                    detail=f"a second label with the number of {earlier.receptacle_id}, "
                           f"received {earlier.received_at.isoformat()}")])
                uow.commit()
            return ReceiptAnswer(outcome, label, label[:20], office.code, earlier.received_at,
                                 earlier.declared_kg, earlier.weighed_kg, earlier.seal, items,
                                 _weight_note(earlier.declared_kg, earlier.weighed_kg))
        if outcome is ReceiptOutcome.WRONG_OFFICE:
            return ReceiptAnswer(outcome, label, label[:20], office.code, None, declared,
                                 weighed_kg, seal, items, None)
        receipt = Receipt(office.code, label, outcome, when, declared, weighed_kg, seal, source)
        uow.office.put_receipt(receipt)
        findings = []
        if outcome is ReceiptOutcome.UNANNOUNCED:
            findings.append(Finding(label[:20], FindingKind.SURPLUS_RECEPTACLE, when,
                                    receptacle_id=label,
                                    detail="received but named by no pre-advice"))
        note = _weight_note(declared, weighed_kg)
        if note is not None:
            findings.append(Finding(label[:20], FindingKind.WEIGHT, when, receptacle_id=label,
                                    detail=note))
        uow.office.add_findings(findings)
        payload = {"outcome": outcome.value, "weight_kg": weighed_kg or None, "seal": seal}
        arrived = office_code(OfficeAction.ARRIVED, _dispatch_direction(office, label))
        record([office_event(office, ObjectKind.RECEPTACLE, label, arrived, when, source,
                             payload), *_answer_sender(uow, office, receipt)], uow, clock)
        uow.commit()
    return ReceiptAnswer(outcome, label, label[:20], office.code, when, declared, weighed_kg,
                         seal, items, note)


@dataclass(frozen=True, slots=True)
class OpenedReceptacle:
    """A bag opened: the items the pre-advice lists in it and those scanned out so far."""

    receptacle_id: str
    opened_at: datetime
    advised: tuple[str, ...]
    scanned: tuple[str, ...]

    @property
    def still_expected(self) -> list[str]:
        """Advised items not scanned yet."""
        return missing_items(self.advised, self.scanned)


def open_receptacle(code: str, label: str, *, at: datetime | None = None, source: str,
                    network: Network, uow: OfficeUnitOfWork, clock: Clock) -> OpenedReceptacle:
    """Open a bag received here (again: the same answer, no second event)."""
    office = office_of(network, code)
    with invalid_request():
        label = check_receptacle_id(label, field="receptacle_id")
    when = scan_time(at, clock)
    with uow:
        uow.office.lock(f"receptacle:{receptacle_key(label)}")
        receipt = _received_here(uow, office, label)
        advised = uow.office.advised_receptacle(receptacle_key(label))
        if receipt.opened_at is None:
            receipt = replace(receipt, opened_at=when)
            uow.office.put_receipt(receipt)
            record([office_event(office, ObjectKind.RECEPTACLE, receipt.receptacle_id, OPENED,
                            when, source, None)], uow, clock)
        scanned = uow.office.items_in(office.code, receipt.receptacle_id)
        uow.commit()
    assert receipt.opened_at is not None
    return OpenedReceptacle(receipt.receptacle_id, receipt.opened_at,
                            advised[2] if advised is not None else (), tuple(scanned))


# --- items: scan, sort, hold -------------------------------------------------------------


class ScanOutcome(StrEnum):
    """What scanning an item came to (its value is what the screen picks colour and sound
    by)."""

    SORTED = "sorted"
    HELD = "held"
    UNROUTED = "unrouted"
    ALREADY_SCANNED = "already_scanned"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class Handling:
    """What the sort decision must respect of an item beyond its destination: its customs
    regime (None: the network's default), its goods (a lithium battery never flies) and the
    modes its service may not use (an economy item does not fly)."""

    regime: str | None = None
    goods: tuple[str, ...] = ()
    exclude_modes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemIn:
    """An item put before the office: scanned (out of ``receptacle`` when opening one),
    or released, with what its sort decision must respect."""

    item_id: str
    receptacle: str | None = None
    damaged: bool = False
    handling: Handling = Handling()


@dataclass(frozen=True, slots=True)
class ItemScan:
    """The answer to an item's scan: where it goes (large on the screen), or why it stays."""

    outcome: ScanOutcome
    item: ItemAtOffice
    surplus: bool = False  # not listed in the bag it came out of
    damaged: bool = False
    reason: str = ""  # why it is held or has no route


def scan_item(code: str, item_id: str, *, receptacle: str | None = None, damaged: bool = False,
              goods: Sequence[str] = (), at: datetime | None = None, source: str,
              network: Network, uow: OfficeUnitOfWork, clock: Clock) -> ItemScan:
    """An item scanned at the office: :func:`scan_items` of one. ``goods`` are what the
    worker sees it carries (a battery on the X-ray: its route may not fly)."""
    with invalid_request():
        handling = Handling(goods=check_goods(goods, network))
    return scan_items(code, [ItemIn(item_id, receptacle, damaged, handling)], at=at,
                      source=source, network=network, uow=uow, clock=clock)[0]


def check_goods(goods: Sequence[str], network: Network) -> tuple[str, ...]:
    """Goods flags the network knows (those some service refuses), normalised."""
    flags = tuple(sorted({g.strip().lower() for g in goods}))
    unknown = [g for g in flags if g not in network.goods_flags]
    if unknown:
        raise InvalidValue(f"{', '.join(unknown)} is not a goods flag of network "
                           f"{network.name}: the flags are {', '.join(network.goods_flags)}",
                           field="goods")
    return flags


def scan_items(code: str, items: Sequence[ItemIn], *, at: datetime | None = None, source: str,
               network: Network, uow: OfficeUnitOfWork, clock: Clock) -> list[ItemScan]:
    """Items scanned at the office at one moment (a scanner's one item, a conveyor's or a
    truck's many), in one transaction: each checked against the pre-advice of the bag it
    came out of, then sorted to its next service, or sent to the hold area when customs
    selected it, or reported as having no route (and why). One answer per item, in order."""
    office = office_of(network, code)
    with invalid_request():
        items = [_checked(i) for i in items]
    when = scan_time(at, clock)
    routes = _Routes(office, network)
    events: list[TrackingEvent] = []
    findings: list[Finding] = []
    with uow:
        _lock_items(uow, office, (i.item_id for i in items))
        for key in sorted({receptacle_key(i.receptacle) for i in items if i.receptacle}):
            uow.office.lock(f"receptacle:{key}")  # after the items'
        answers = [_scan_one(uow, office, item, when, source, routes, events, findings)
                   for item in items]
        uow.office.add_findings(findings)
        record(events, uow, clock)
        uow.commit()
    return answers


def _checked(item: ItemIn) -> ItemIn:
    """The item with its ids checked and normalised (the same object when they were)."""
    item_id = check_item_id(item.item_id)
    receptacle = (None if item.receptacle is None
                  else check_receptacle_id(item.receptacle, field="receptacle_id"))
    if item_id == item.item_id and receptacle == item.receptacle:
        return item
    return replace(item, item_id=item_id, receptacle=receptacle)


def _scan_one(uow: OfficeUnitOfWork, office: Office, scanned: ItemIn, when: datetime,
              source: str, routes: _Routes, events: list[TrackingEvent],
              findings: list[Finding]) -> ItemScan:
    item_id, receptacle, damaged = scanned.item_id, scanned.receptacle, scanned.damaged
    done = uow.office.item(office.code, item_id)
    if done is not None:
        outcome = (ScanOutcome.ALREADY_SCANNED if done.state != ItemState.RETURNED
                   else ScanOutcome.RETURNED)
        return ItemScan(outcome, done, reason=done.note)
    surplus = False
    if receptacle is not None:
        bag = _received_here(uow, office, receptacle)
        receptacle = bag.receptacle_id
        if bag.opened_at is None:  # scanning its items out of it opens it
            uow.office.put_receipt(replace(bag, opened_at=when))
            events.append(office_event(office, ObjectKind.RECEPTACLE, receptacle, OPENED, when,
                                       source, None))
        advised = uow.office.advised_receptacle(receptacle_key(receptacle))
        surplus = advised is not None and item_id not in advised[2]
        if surplus:
            findings.append(Finding(receptacle[:20], FindingKind.SURPLUS_ITEM, when,
                                    receptacle_id=receptacle, item_id=item_id,
                                    detail="in the bag but not in its pre-advice"))
        if damaged:
            findings.append(Finding(receptacle[:20], FindingKind.DAMAGED, when,
                                    receptacle_id=receptacle, item_id=item_id,
                                    detail="found damaged on opening"))
    tracked = uow.events.tracked(ObjectKind.ITEM, item_id)
    destination = tracked.destination if tracked else None
    direction = routes.direction(item_id, destination)
    events.append(_item_event(office, item_id, OfficeAction.ARRIVED, direction, when,
                              source, {"receptacle_id": receptacle}))
    if damaged:
        events.append(office_event(office, ObjectKind.ITEM, item_id, DAMAGED, when, source,
                                   {"reason": "found damaged at the office of exchange"}))
    if tracked is not None and tracked.status is Status.HELD_BY_CUSTOMS:
        item = ItemAtOffice(office.code, item_id, ItemState.HELD, when, when,
                            receptacle_id=receptacle, hold_reason=HoldReason.CUSTOMS,
                            held_at=when, note="selected by customs")
        outcome, reason = ScanOutcome.HELD, "selected by customs: to the hold area"
    else:
        item, reason = routes.sorted(item_id, destination, receptacle, when, scanned.handling)
        outcome = ScanOutcome.SORTED if item.state == ItemState.SORTED else \
            ScanOutcome.UNROUTED
        if item.state == ItemState.SORTED:
            events.append(office_event(office, ObjectKind.ITEM, item_id, SORTED, when, source,
                                       routes.payload(item)))
    uow.office.put_item(item)
    return ItemScan(outcome, item, surplus=surplus, damaged=damaged, reason=reason)


def finish_receptacle(code: str, label: str, *, at: datetime | None = None, source: str,
                      network: Network, uow: OfficeUnitOfWork, clock: Clock) -> list[Finding]:
    """Close the verification of an opened bag: the advised items not scanned out of it
    become findings. Returns the bag's findings (missing, surplus, damaged, weight)."""
    office = office_of(network, code)
    with invalid_request():
        label = check_receptacle_id(label, field="receptacle_id")
    when = scan_time(at, clock)
    with uow:
        receipt = _received_here(uow, office, label)
        if receipt.opened_at is None:
            raise OfficeConflict(f"receptacle {receipt.receptacle_id} is not opened yet: open "
                                 "it and scan its items first", field="receptacle_id")
        advised = uow.office.advised_receptacle(receptacle_key(label))
        scanned = uow.office.items_in(office.code, receipt.receptacle_id)
        missing = missing_items(advised[2] if advised else (), scanned)
        uow.office.add_findings([
            Finding(receipt.dispatch_id, FindingKind.MISSING_ITEM, when,
                    receptacle_id=receipt.receptacle_id, item_id=i,
                    detail="in the pre-advice but not in the bag") for i in missing])
        findings = [f for f in uow.office.findings(receipt.dispatch_id)
                    if f.receptacle_id == receipt.receptacle_id]
        if receipt.verified_at is None:
            uow.office.put_receipt(replace(receipt, verified_at=when))
            record([office_event(office, ObjectKind.RECEPTACLE, receipt.receptacle_id, VERIFIED,
                                 when, source, {"findings": len(findings),
                                                "missing": len(missing)})], uow, clock)
        uow.commit()
    return findings


def hold(code: str, item_id: str, reason: HoldReason | str, *, note: str = "",
         at: datetime | None = None, source: str, network: Network, uow: OfficeUnitOfWork,
         clock: Clock) -> ItemAtOffice:
    """Keep an item at the office for customs, security or its address."""
    return hold_items(code, [item_id], reason, note=note, at=at, source=source,
                      network=network, uow=uow, clock=clock)[0]


def hold_items(code: str, item_ids: Sequence[str], reason: HoldReason | str, *, note: str = "",
               at: datetime | None = None, source: str, network: Network,
               uow: OfficeUnitOfWork, clock: Clock) -> list[ItemAtOffice]:
    """Keep items at the office for one reason, in one transaction (customs selecting a
    truck's share for inspection); an item held for that reason already stays as it is."""
    office = office_of(network, code)
    with invalid_request():
        item_ids = [check_item_id(i) for i in item_ids]
        reason = _hold_reason(reason)
        note = _note(note)
    when = scan_time(at, clock)
    routes = _Routes(office, network)
    events: list[TrackingEvent] = []
    with uow:
        answers = hold_here(uow, office, item_ids, reason, note, when, source, routes, events)
        record(events, uow, clock)
        uow.commit()
    return answers


def hold_here(uow: OfficeUnitOfWork, office: Office, item_ids: Sequence[str],
              reason: HoldReason, note: str, when: datetime, source: str, routes: _Routes,
              events: list[TrackingEvent]) -> list[ItemAtOffice]:
    """The work of :func:`hold_items` inside a transaction another use case owns (checked
    ids; the hold events added to ``events``)."""
    answers = []
    held_payload = _reason_payload(reason, note)
    _lock_items(uow, office, item_ids)
    for item_id in item_ids:
        item = _item_here(uow, office, item_id, when, source, routes, events)
        if item.state == ItemState.HELD and item.hold_reason is reason:
            answers.append(item)
            continue
        if item.state == ItemState.RETURNED:
            raise OfficeConflict(f"item {item_id} was returned to its sender",
                                 field="item_id")
        held = ItemAtOffice(office.code, item_id, ItemState.HELD, item.scanned_at, when,
                            receptacle_id=item.receptacle_id, hold_reason=reason,
                            held_at=when, note=note)
        uow.office.put_item(held)
        events.append(_item_event(office, item_id, HOLDS[reason],
                                  routes.direction_of(uow, item_id), when, source,
                                  held_payload))
        answers.append(held)
    return answers


def present(code: str, item_id: str, *, at: datetime | None = None, source: str,
            network: Network, uow: OfficeUnitOfWork, clock: Clock) -> ItemAtOffice:
    """Present an item to customs at the office: :func:`present_items` of one."""
    return present_items(code, [item_id], at=at, source=source, network=network, uow=uow,
                         clock=clock)[0]


def present_items(code: str, item_ids: Sequence[str], *, at: datetime | None = None,
                  source: str, network: Network, uow: OfficeUnitOfWork, clock: Clock
                  ) -> list[ItemAtOffice]:
    """Present items to customs at the office (an event on each timeline), in one
    transaction. A sorted item keeps its sort decision but goes into no bag until customs
    releases it; a held or returned one stays as it is."""
    office = office_of(network, code)
    with invalid_request():
        item_ids = [check_item_id(i) for i in item_ids]
    when = scan_time(at, clock)
    routes = _Routes(office, network)
    events: list[TrackingEvent] = []
    answers = []
    with uow:
        _lock_items(uow, office, item_ids)
        for item_id in item_ids:
            item = _item_here(uow, office, item_id, when, source, routes, events)
            if item.state in (ItemState.SORTED, ItemState.UNROUTED):
                item = replace(item, state=ItemState.PRESENTED, updated_at=when)
                uow.office.put_item(item)
            events.append(_item_event(office, item_id, OfficeAction.PRESENTED,
                                      routes.direction_of(uow, item_id), when, source, None))
            answers.append(item)
        record(events, uow, clock)
        uow.commit()
    return answers


def release(code: str, item_id: str, *, at: datetime | None = None, source: str,
            network: Network, uow: OfficeUnitOfWork, clock: Clock) -> ItemScan:
    """Release a held or presented item: :func:`release_items` of one."""
    return release_items(code, [ItemIn(item_id)], at=at, source=source, network=network,
                         uow=uow, clock=clock)[0]


def release_items(code: str, items: Sequence[ItemIn], *, at: datetime | None = None,
                  source: str, network: Network, uow: OfficeUnitOfWork, clock: Clock
                  ) -> list[ItemScan]:
    """Release items held or presented to customs, in one transaction: each is sorted again
    from the release time (a new sort event when the decision is not the one it had)."""
    office = office_of(network, code)
    with invalid_request():
        items = [_checked(i) for i in items]
    when = scan_time(at, clock)
    routes = _Routes(office, network)
    events: list[TrackingEvent] = []
    with uow:
        answers = release_here(uow, office, items, when, source, routes, events)
        record(events, uow, clock)
        uow.commit()
    return answers


def release_here(uow: OfficeUnitOfWork, office: Office, items: Sequence[ItemIn],
                 when: datetime, source: str, routes: _Routes, events: list[TrackingEvent]
                 ) -> list[ItemScan]:
    """The work of :func:`release_items` inside a transaction another use case owns
    (checked items; the release and sort events added to ``events``)."""
    # Sorted again just after the release, so the timeline shows them in that order.
    resorted = when + RESORT_AFTER
    released_payloads = {r: _reason_payload(r, "") for r in HoldReason}
    answers = []
    _lock_items(uow, office, (i.item_id for i in items))
    for released in items:
        item_id = released.item_id
        item = uow.office.item(office.code, item_id)
        if item is None or item.state not in (ItemState.HELD, ItemState.PRESENTED):
            raise OfficeConflict(f"item {item_id} is not held at or presented to customs "
                                 f"at {office.code}", field="item_id")
        tracked = uow.events.tracked(ObjectKind.ITEM, item_id)
        destination = tracked.destination if tracked else None
        reason_payload = (None if item.hold_reason is None
                          else released_payloads[item.hold_reason])
        events.append(_item_event(office, item_id, OfficeAction.RELEASED,
                                  routes.direction(item_id, destination), when, source,
                                  reason_payload))
        after, reason = routes.sorted(item_id, destination, item.receptacle_id, resorted,
                                      released.handling, scanned_at=item.scanned_at)
        decided = (after.state, after.service_id, after.next_node)
        if after.state == ItemState.SORTED and decided != (
                ItemState.SORTED, item.service_id, item.next_node):
            events.append(office_event(office, ObjectKind.ITEM, item_id, SORTED, resorted,
                                       source, routes.payload(after)))
        uow.office.put_item(after)
        outcome = (ScanOutcome.SORTED if after.state == ItemState.SORTED
                   else ScanOutcome.UNROUTED)
        answers.append(ItemScan(outcome, after, reason=reason))
    return answers


def return_to_sender(code: str, item_id: str, *, note: str = "", at: datetime | None = None,
                     source: str, network: Network, uow: OfficeUnitOfWork,
                     clock: Clock) -> ItemAtOffice:
    """Send an item back to its sender from the office (its return starts here)."""
    office = office_of(network, code)
    with invalid_request():
        item_id = check_item_id(item_id)
        note = _note(note)
    when = scan_time(at, clock)
    events: list[TrackingEvent] = []
    with uow:
        returned = return_here(uow, office, item_id, note, when, source,
                               _Routes(office, network), events)
        if events:
            record(events, uow, clock)
            uow.commit()
    return returned


def return_here(uow: OfficeUnitOfWork, office: Office, item_id: str, note: str,
                when: datetime, source: str, routes: _Routes, events: list[TrackingEvent]
                ) -> ItemAtOffice:
    """The work of :func:`return_to_sender` inside a transaction another use case owns
    (a checked id; the return event added to ``events``; a returned item stays as it is)."""
    _lock_items(uow, office, [item_id])
    item = _item_here(uow, office, item_id, when, source, routes, events)
    if item.state == ItemState.RETURNED:
        return item
    returned = ItemAtOffice(office.code, item_id, ItemState.RETURNED, item.scanned_at, when,
                            receptacle_id=item.receptacle_id, note=note)
    uow.office.put_item(returned)
    events.append(office_event(office, ObjectKind.ITEM, item_id, RETURNED, when, source,
                               {"reason": note} if note else None))
    return returned


@dataclass(frozen=True, slots=True)
class HeldItem:
    """An item in the hold area and how long it has been there."""

    item: ItemAtOffice
    age_hours: float


def held_items(code: str, *, reason: HoldReason | str | None = None, limit: int = 1000,
               network: Network, uow: OfficeUnitOfWork, clock: Clock) -> list[HeldItem]:
    """Items held at the office (for one reason), longest held first, with their age."""
    office = office_of(network, code)
    with invalid_request():
        wanted = None if reason is None else _hold_reason(reason)
    if not 1 <= limit <= 10_000:
        raise InvalidOfficeWork(f"limit is 1 to 10,000, not {limit}", field="limit")
    now = clock.now()
    with uow:
        items = uow.office.held(office.code, wanted, limit=limit)
    return [HeldItem(i, max(0.0, (now - (i.held_at or i.updated_at)).total_seconds() / 3600))
            for i in items]


# --- the verification note and the receipt answer -----------------------------------------


@dataclass(frozen=True, slots=True)
class VerificationNote:
    """A dispatch as received: what arrived, what is missing, and every irregularity found
    (the content of a UPU CN 43; no findings means the dispatch was in order) and of the
    receipt answer to its sender (as RESDES: which receptacles arrived, which are missing)."""

    dispatch_id: str
    origin: str
    destination: str
    advised_by: str | None
    received: tuple[Receipt, ...]
    missing: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def in_order(self) -> bool:
        """Whether nothing irregular was found."""
        return not self.findings and not self.missing


def verification_note(dispatch_id: str, *, uow: OfficeUnitOfWork, clock: Clock
                      ) -> VerificationNote:
    """The dispatch's note so far."""
    dispatch_id = dispatch_id.strip().upper()
    with uow:
        return _note_of(uow, dispatch_id)


def close_verification_note(dispatch_id: str, *, at: datetime | None = None, source: str,
                            network: Network, uow: OfficeUnitOfWork, clock: Clock
                            ) -> VerificationNote:
    """Close the dispatch's note when its conveyance has been unloaded: the receptacles not
    received are recorded as missing, and the note goes to the pre-advice's sender (an
    event on the dispatch at the office it went to; closed again, the note goes again with
    what was found since)."""
    dispatch_id = dispatch_id.strip().upper()
    office = office_of(network, dispatch_id[6:12])
    when = scan_time(at, clock)
    with uow:
        note = _note_of(uow, dispatch_id)
        if note.missing:
            uow.office.add_findings([Finding(dispatch_id, FindingKind.MISSING_RECEPTACLE, when,
                                             receptacle_id=m, detail="announced, not received")
                                     for m in note.missing])
            note = _note_of(uow, dispatch_id)
        _send_note(uow, note, when)
        record([office_event(office, ObjectKind.DISPATCH, dispatch_id, NOTE_SENT, when, source,
                             {"findings": len(note.findings), "missing": len(note.missing)})],
               uow, clock)
        uow.commit()
    return note


def _note_of(uow: OfficeUnitOfWork, dispatch_id: str) -> VerificationNote:
    advised = uow.office.pre_advice(dispatch_id)
    receipts = uow.office.receipts(dispatch_id)
    if advised is None and not receipts:
        raise DispatchNotFound(f"no pre-advice or receptacle names dispatch "
                               f"{dispatch_id!r}", field="dispatch_id")
    got = {receptacle_key(r.receptacle_id) for r in receipts}
    missing = tuple(r.receptacle_id for r in (advised.advice.receptacles if advised else ())
                    if r.key not in got)
    return VerificationNote(dispatch_id, dispatch_id[:6], dispatch_id[6:12],
                            advised.sender if advised else None, tuple(receipts), missing,
                            tuple(uow.office.findings(dispatch_id)))


def _answer_sender(uow: OfficeUnitOfWork, office: Office, receipt: Receipt
                   ) -> list[TrackingEvent]:
    """``dispatch.received`` to the partner that sent the pre-advice: this receptacle, and
    what of the dispatch has arrived and what is still missing (the content of a RESDES).
    Also an event on the dispatch, which its sender sees in its feed (the pre-advice's
    event on the dispatch is its own)."""
    advised = uow.office.pre_advice(receipt.dispatch_id)
    if advised is None:
        return []
    got = {receptacle_key(r.receptacle_id) for r in uow.office.receipts(receipt.dispatch_id)}
    got.add(receptacle_key(receipt.receptacle_id))
    arrived = [r.receptacle_id for r in advised.advice.receptacles if r.key in got]
    missing = [r.receptacle_id for r in advised.advice.receptacles if r.key not in got]
    data = {
        "dispatch_id": receipt.dispatch_id, "office": receipt.office,
        "receptacle_id": receipt.receptacle_id, "outcome": receipt.outcome.value,
        "received_at": receipt.received_at.isoformat(), "declared_kg": receipt.declared_kg,
        "weighed_kg": receipt.weighed_kg, "seal": receipt.seal,
        "arrived": arrived, "missing": missing,
    }
    message = new_message(WebhookEventType.DISPATCH_RECEIVED, data, at=receipt.received_at,
                          nodes=(receipt.office,), object_id=receipt.receptacle_id,
                          msg_id=derived_id("dispatch.received", receipt.receptacle_id))
    queue([message], outbox=uow.webhooks, at=receipt.received_at,
          visible_to=lambda partner, _: partner == advised.sender)
    return [office_event(office, ObjectKind.DISPATCH, receipt.dispatch_id, ANSWERED,
                         receipt.received_at, receipt.operator,
                         {"receptacle_id": receipt.receptacle_id,
                          "outcome": receipt.outcome.value, "arrived": len(arrived),
                          "missing": len(missing)})]


def _send_note(uow: OfficeUnitOfWork, note: VerificationNote, at: datetime) -> None:
    """``dispatch.verified`` to the pre-advice's sender: the verification note as closed."""
    if note.advised_by is None:
        return
    sender = note.advised_by
    data = {
        "dispatch_id": note.dispatch_id, "office": note.destination, "in_order": note.in_order,
        "received": [r.receptacle_id for r in note.received], "missing": list(note.missing),
        "findings": [{"kind": f.kind.value, "receptacle_id": f.receptacle_id,
                      "item_id": f.item_id, "detail": f.detail,
                      "found_at": f.found_at.isoformat()} for f in note.findings],
    }
    message = new_message(WebhookEventType.DISPATCH_VERIFIED, data, at=at,
                          nodes=(note.destination,), object_id=note.dispatch_id,
                          msg_id=derived_id("dispatch.verified", note.dispatch_id,
                                            len(note.findings)))
    queue([message], outbox=uow.webhooks, at=at, visible_to=lambda who, _: who == sender)


# --- helpers ----------------------------------------------------------------------------


def scan_time(at: datetime | None, clock: Clock) -> datetime:
    """The time an action happened: the scanner's own (checked), else now."""
    if at is None:
        return clock.now()
    with invalid_request():
        return check_time(at, field="at")


def _weight_note(declared: float, weighed: float | None) -> str | None:
    return None if weighed is None else weight_finding(declared, weighed)


def _dispatch_direction(office: Office, label: str) -> Direction:
    """Outward where the dispatch starts in the office's own country (an outward office
    receives it from inland), inward where it comes from abroad."""
    return Direction.INWARD if label[:2] != office.code[:2] else Direction.OUTWARD


class _Routes:
    """An office's sort decisions within one action: the router is asked once per
    destination, handling and moment, however many items share them."""

    def __init__(self, office: Office, network: Network) -> None:
        self.office, self.network = office, network
        self._payloads: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        self._legs: dict[tuple[str, str | None, tuple[str, ...], tuple[str, ...], datetime],
                         tuple[str, str] | str] = {}

    def direction(self, item_id: str, destination: str | None) -> Direction:
        """Outward where the office sends the item abroad (export codes), inward where it
        came in (import codes): abroad when its destination lies in another country, else
        by its S10 country."""
        node = self.network.nodes.get(destination) if destination else None
        abroad = sends_abroad(self.office.node.country, item_id,
                              node.country if node is not None else None)
        return Direction.OUTWARD if abroad else Direction.INWARD

    def payload(self, item: ItemAtOffice) -> dict[str, Any]:
        """The payload of a sort event: one object per decision, shared by the items that
        get it (the validation takes a run of equal payloads at its cheapest)."""
        key = (item.next_node, item.service_id)
        found = self._payloads.get(key)
        if found is None:
            # Not "destination": that payload field sets an item's destination in the read
            # model.
            found = self._payloads[key] = {"sort_to": item.next_node,
                                           "service": item.service_id}
        return found

    def direction_of(self, uow: OfficeUnitOfWork, item_id: str) -> Direction:
        """The direction of an item as the tracking log knows its destination."""
        tracked = uow.events.tracked(ObjectKind.ITEM, item_id)
        return self.direction(item_id, tracked.destination if tracked else None)

    def sorted(self, item_id: str, destination: str | None, receptacle: str | None,
               when: datetime, handling: Handling, *, scanned_at: datetime | None = None
               ) -> tuple[ItemAtOffice, str]:
        """The item's sort decision at the office from ``when``, or why it has none."""
        office = self.office
        first = scanned_at or when
        if destination == office.code:
            return ItemAtOffice(office.code, item_id, ItemState.SORTED, first, when,
                                receptacle_id=receptacle, destination=destination,
                                service_id="LOCAL", next_node=office.code), ""
        leg = self._first_leg(destination, when, handling)
        if isinstance(leg, str):
            return ItemAtOffice(office.code, item_id, ItemState.UNROUTED, first, when,
                                receptacle_id=receptacle, note=leg), leg
        return ItemAtOffice(office.code, item_id, ItemState.SORTED, first, when,
                            receptacle_id=receptacle, destination=destination,
                            service_id=leg[0], next_node=leg[1]), ""

    def _first_leg(self, destination: str | None, when: datetime, handling: Handling
                   ) -> tuple[str, str] | str:
        """(service, next node) of the earliest itinerary, or why there is none."""
        if destination is None:
            return "no destination: its posting event named none"
        key = (destination, handling.regime, handling.goods, handling.exclude_modes, when)
        if key in self._legs:
            return self._legs[key]
        network, office = self.network, self.office
        leg: tuple[str, str] | str
        if destination not in network.nodes:
            leg = f"destination {destination} is not a node of network {network.name}"
        else:
            try:
                itinerary = plan(network, office.code, destination, when,
                                 regime=handling.regime or DEFAULT_REGIME,
                                 goods=handling.goods, exclude_modes=handling.exclude_modes)
            except NoRoute as exc:
                leg = f"no route to {destination}: {exc.detail}"
            else:
                if itinerary.legs:
                    service = itinerary.legs[0].service
                    leg = (service.id, service.destination)
                else:
                    leg = f"no service leaves {office.code} towards {destination}"
        self._legs[key] = leg
        return leg


# The sort and direction answers of one office, for the *_here helpers' callers elsewhere
# (acceptance security holds, releases and returns in its own transactions).
Routes = _Routes


def _lock_items(uow: OfficeUnitOfWork, office: Office, item_ids: Iterable[str]) -> None:
    """Take the items' locks in one order, so two batches sharing items cannot deadlock."""
    for item_id in sorted(set(item_ids)):
        uow.office.lock(f"item:{office.code}:{item_id}")


def _reason_payload(reason: HoldReason, note: str) -> dict[str, Any]:
    return {"reason": f"{reason.value}: {note}" if note else reason.value}


def _hold_reason(value: HoldReason | str) -> HoldReason:
    try:
        return HoldReason(value)
    except ValueError:
        raise InvalidValue(f"a hold reason is one of {', '.join(r.value for r in HoldReason)}, "
                           f"not {value!r}", field="reason") from None


def _note(value: str) -> str:
    note = value.strip()
    if len(note) > 500:
        raise InvalidValue("a note has at most 500 characters", field="note")
    return note


def _received_here(uow: OfficeUnitOfWork, office: Office, label: str) -> Receipt:
    receipt = uow.office.receipt(receptacle_key(label))
    if receipt is None or receipt.office != office.code:
        raise ReceptacleNotReceived(f"receptacle {label} has not been received at "
                                    f"{office.code}: scan it in first", field="receptacle_id")
    return receipt


def _item_here(uow: OfficeUnitOfWork, office: Office, item_id: str, when: datetime,
               source: str, routes: _Routes, events: list[TrackingEvent]) -> ItemAtOffice:
    """The item's work here; an item not scanned here yet (presented or held straight off
    the truck) is recorded as arrived, not yet sorted, its arrival added to ``events``."""
    item = uow.office.item(office.code, item_id)
    if item is not None:
        return item
    item = ItemAtOffice(office.code, item_id, ItemState.UNROUTED, when, when,
                        note="not sorted yet")
    uow.office.put_item(item)
    events.append(_item_event(office, item_id, OfficeAction.ARRIVED,
                              routes.direction_of(uow, item_id), when, source, None))
    return item


def office_event(office: Office, kind: ObjectKind, object_id: str, code: str,
                 when: datetime, source: str, payload: dict[str, Any] | None) -> TrackingEvent:
    """The event of an action at ``office`` (its place and code; empty payload fields
    left out)."""
    clean = payload
    if payload is not None and None in payload.values():
        clean = {k: v for k, v in payload.items() if v is not None}
    return TrackingEvent(kind, object_id, code, when, source, office.node.locode, office.code,
                         None, clean or None)


def _item_event(office: Office, item_id: str, action: OfficeAction, direction: Direction,
                when: datetime, source: str, payload: dict[str, Any] | None) -> TrackingEvent:
    return office_event(office, ObjectKind.ITEM, item_id, office_code(action, direction), when,
                        source, payload)


def record(events: list[TrackingEvent], uow: OfficeUnitOfWork, clock: Clock) -> None:
    """Append the actions' events in the unit of work's transaction, validated as any.

    Grouped by code first (the log orders them by time, not by arrival): the validation
    then meets a truckload's arrivals, then its sort decisions, each a run of records that
    differ only in the item, which it checks at a fraction of the cost of a mixed batch."""
    record_in(sorted(events, key=_code_of), log=uow.events, clock=clock)


def _code_of(event: TrackingEvent) -> str:
    return event.code


def known_offices(network: Network) -> Collection[str]:
    """The codes of the network's offices of exchange."""
    return sorted(c for c, n in network.nodes.items() if n.kind in OFFICE_KINDS)
