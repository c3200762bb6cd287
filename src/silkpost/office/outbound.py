"""Outbound work at an office of exchange: fill bags, close them into dispatches, close the
dispatches, hand them to a conveyance, and announce them to the office they go to.

Numbers: a dispatch's serial (UPU S8) counts per office pair, mail category and year, and a
receptacle's serial counts within its dispatch. Both are taken inside the transaction that
closes the bag, under a lock on the office pair's counter (a row lock on PostgreSQL, the one
writer on SQLite), so two workers closing bags at the same moment join the same open dispatch
or get consecutive numbers, and a transaction that fails takes its number back with it:
the numbers have no gaps and no repeats.

An item is in at most one bag at an office, which the store holds as a key: a second worker
putting it into another bag is refused, naming the bag it is in. Every action is an event.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent
from silkpost.domain.office import (
    MAX_BAG_ITEMS,
    MAX_RECEPTACLES,
    AdvisedReceptacle,
    Conveyance,
    Direction,
    OfficeAction,
    PreAdvice,
    bill_form,
    check_dispatch_id,
    check_item_id,
    check_receptacle_id,
    check_seal,
    check_weight,
    dispatch_id,
    label_form,
    office_code,
    receptacle_label,
    sends_abroad,
)
from silkpost.domain.webhooks import WebhookEventType, derived_id
from silkpost.errors import invalid_request
from silkpost.network.corridor import Network
from silkpost.office.acceptance import missing_checks
from silkpost.office.documents import BagLabel, BillLine, DeliveryBill
from silkpost.office.errors import DispatchNotFound, InvalidOfficeWork, OfficeConflict
from silkpost.office.ports import (
    AdvisedDispatch,
    Bag,
    Clock,
    ItemState,
    OfficeUnitOfWork,
    OutboundDispatch,
)
from silkpost.office.service import (
    BAG_STARTED,
    OFFICE_KINDS,
    Office,
    advice_taken,
    office_event,
    office_of,
    record,
    scan_time,
)
from silkpost.webhooks.service import new_message, queue

INTO_BAG, BAG_CLOSED, DISPATCH_CLOSED, LOADED = "SIB", "SRC", "SDC", "SLD"


def start_bag(code: str, destination: str, *, category: str = "C", subclass: str = "CC",
              at: datetime | None = None, network: Network, uow: OfficeUnitOfWork,
              clock: Clock) -> Bag:
    """Open a new bag at the office for items going to office of exchange ``destination``."""
    office = office_of(network, code)
    with invalid_request():
        # The dispatch id checks the offices, category and subclass as the label will.
        dispatch_id(office.code, destination.strip().upper(), category.strip().upper(),
                    subclass.strip().upper(), 2000, 1)
    when = scan_time(at, clock)
    bag = Bag(bag_id=0, office=office.code, destination=destination.strip().upper(),
              category=category.strip().upper(), subclass=subclass.strip().upper(),
              opened_at=when)
    with uow:
        bag = uow.office.add_bag(bag)
        uow.commit()
    return bag


@dataclass(frozen=True, slots=True)
class Bagged:
    """An item put into a bag, and how many the bag holds now."""

    bag: Bag
    item_id: str
    items: int
    already: bool  # it was in this bag before: nothing changed


def put_in_bag(code: str, bag_id: int, item_id: str, *, at: datetime | None = None,
               source: str, network: Network, uow: OfficeUnitOfWork, clock: Clock) -> Bagged:
    """Put a sorted item into an open bag: :func:`put_items_in_bag` of one."""
    return put_items_in_bag(code, bag_id, [item_id], at=at, source=source, network=network,
                            uow=uow, clock=clock)[0]


def put_items_in_bag(code: str, bag_id: int, item_ids: Sequence[str], *,
                     at: datetime | None = None, source: str, network: Network,
                     uow: OfficeUnitOfWork, clock: Clock) -> list[Bagged]:
    """Put sorted items into an open bag bound for their destination office, in one
    transaction: one refused item refuses them all, naming it."""
    office = office_of(network, code)
    with invalid_request():
        item_ids = [check_item_id(i) for i in item_ids]
    when = scan_time(at, clock)
    answers: list[Bagged] = []
    events: list[TrackingEvent] = []
    into = {"bag": bag_id}  # one payload for all (see service.record)
    with uow:
        bag = _open_bag(uow, office, bag_id)
        count = uow.office.bag_count(bag.bag_id)
        for item_id in item_ids:
            holder = uow.office.bag_of(office.code, item_id)
            if holder is not None:
                if holder != bag.bag_id:
                    raise OfficeConflict(f"item {item_id} is in bag {holder} already: take it "
                                         "out of that bag first", field="item_id")
                answers.append(Bagged(bag, item_id, count, already=True))
                continue
            _check_bag_fits(uow, office, bag, item_id, network)
            if count >= MAX_BAG_ITEMS:
                raise OfficeConflict(f"bag {bag.bag_id} holds {MAX_BAG_ITEMS:,} items: close "
                                     "it and open another", field="bag")
            if not uow.office.add_to_bag(office.code, bag.bag_id, item_id, when):
                raise OfficeConflict(f"item {item_id} was put into another bag at the same "
                                     "moment", field="item_id")
            count += 1
            events.append(office_event(office, ObjectKind.ITEM, item_id, INTO_BAG, when, source,
                                       into))
            answers.append(Bagged(bag, item_id, count, already=False))
        record(events, uow, clock)
        uow.commit()
    return answers


def _check_bag_fits(uow: OfficeUnitOfWork, office: Office, bag: Bag, item_id: str,
                    network: Network) -> None:
    """A sorted item goes into a bag for its destination office; one bound beyond the
    offices of exchange (a rail terminal, a warehouse) into a bag for whichever office of
    exchange the worker dispatches it to."""
    item = uow.office.item(office.code, item_id)
    if item is None:
        raise OfficeConflict(f"item {item_id} has not been scanned at {office.code}: scan "
                             "it first, for its sort decision", field="item_id")
    if item.state != ItemState.SORTED:
        why = f" ({item.note})" if item.note else ""
        raise OfficeConflict(f"item {item_id} is {item.state}{why}, not sorted: it cannot "
                             "go into a bag", field="item_id")
    if item.destination != bag.destination:
        node = network.nodes.get(item.destination or "")
        if node is None or node.kind in OFFICE_KINDS:
            raise OfficeConflict(f"item {item_id} goes to {item.destination}, this bag to "
                                 f"{bag.destination}", field="item_id")


@dataclass(frozen=True, slots=True)
class ClosedBag:
    """A bag closed into a dispatch: its new S9 id and its label."""

    bag: Bag
    dispatch: OutboundDispatch
    label: BagLabel


def close_bag(code: str, bag_id: int, *, weight_kg: float, seal: str | None = None,
              registered: bool = False, last: bool = False, at: datetime | None = None,
              source: str, network: Network, uow: OfficeUnitOfWork, clock: Clock,
              gate_offices: Collection[str] = ()) -> ClosedBag:
    """Close a bag: weighed and sealed, it joins the open dispatch of its office pair (one is
    opened with the next serial when none is) and gets its S9 id. ``last`` marks it the
    dispatch's highest-numbered bag and closes the dispatch too. At an office of
    ``gate_offices``, a bag with an item whose content check or X-ray is not recorded does
    not close, and the refusal names the items."""
    office = office_of(network, code)
    with invalid_request():
        weight = check_weight(weight_kg)
        seal = check_seal(seal)
    when = scan_time(at, clock)
    with uow:
        bag = _open_bag(uow, office, bag_id)
        items = uow.office.bag_items(bag.bag_id)
        if not items:
            raise OfficeConflict(f"bag {bag.bag_id} is empty: put items in before closing it",
                                 field="bag")
        _gate(uow, office, items, gate_offices, f"bag {bag.bag_id}", "bag")
        dispatch = _open_dispatch(uow, office, bag, when)
        serial = dispatch.receptacles + 1
        label = receptacle_label(dispatch.dispatch_id, serial, weight_kg=weight,
                                 highest=last,
                                 registered="registered" if registered else "none")
        closed = replace(bag, closed_at=when, receptacle_id=label,
                         dispatch_id=dispatch.dispatch_id, weight_kg=weight, seal=seal)
        uow.office.close_bag(closed)
        dispatch = replace(dispatch, receptacles=serial)
        # The bag had no identity while it was filled: its opening is recorded on its label
        # now, at the time it was opened.
        events = [office_event(office, ObjectKind.RECEPTACLE, label, BAG_STARTED, bag.opened_at,
                               source, {"bag": bag.bag_id}),
                  office_event(office, ObjectKind.RECEPTACLE, label, BAG_CLOSED, when, source,
                               {"weight_kg": weight or None, "seal": seal, "items": len(items),
                                "dispatch_id": dispatch.dispatch_id})]
        if last:
            dispatch = replace(dispatch, closed_at=when)
            events.append(_dispatch_closed(office, dispatch, when, source))
        uow.office.put_dispatch(dispatch)
        record(events, uow, clock)
        uow.commit()
    return ClosedBag(closed, dispatch, BagLabel(
        label_form(bag.category), label, office.node.names.get("en", office.code),
        _name(network, bag.destination), when, len(items), seal))


def close_dispatch(code: str, dispatch: str, *, at: datetime | None = None, source: str,
                   network: Network, uow: OfficeUnitOfWork, clock: Clock,
                   gate_offices: Collection[str] = ()) -> DeliveryBill:
    """Close a dispatch (no more bags join it) and give its delivery bill. At an office of
    ``gate_offices`` (the acceptance gate's setting), a dispatch with an item whose content
    check or X-ray is not recorded is refused, naming the items."""
    office = office_of(network, code)
    with invalid_request():
        dispatch = check_dispatch_id(dispatch)
    when = scan_time(at, clock)
    with uow:
        found = _dispatch_here(uow, office, dispatch)
        if found.closed_at is None and office.code in gate_offices:
            _gate(uow, office, [i for bag in uow.office.dispatch_bags(dispatch)
                                for i in uow.office.bag_items(bag.bag_id)],
                  gate_offices, f"dispatch {dispatch}", "dispatch_id")
        if found.closed_at is None:
            found = replace(found, closed_at=when)
            uow.office.put_dispatch(found)
            record([_dispatch_closed(office, found, when, source)], uow, clock)
        bill = _bill(uow, network, found)
        uow.commit()
    return bill


def delivery_bill(code: str, dispatch: str, *, network: Network, uow: OfficeUnitOfWork
                  ) -> DeliveryBill:
    """The delivery bill of a dispatch made at office ``code`` (closed or not yet)."""
    office = office_of(network, code)
    with invalid_request():
        dispatch = check_dispatch_id(dispatch)
    with uow:
        return _bill(uow, network, _dispatch_here(uow, office, dispatch))


@dataclass(frozen=True, slots=True)
class Departure:
    """A dispatch as it left the office: when, on what, and its bags' items (what China
    customs' departure message, CEB509, lists per parcel with its mail bag)."""

    dispatch_id: str
    left_at: datetime
    conveyance_mode: str
    conveyance: str
    service_id: str | None
    bags: tuple[tuple[str, tuple[str, ...]], ...]  # (S9 receptacle id, its items)


def departure_of(code: str, dispatch: str, *, network: Network, uow: OfficeUnitOfWork
                 ) -> Departure:
    """The departure of a dispatch handed over at office ``code``; a dispatch not handed
    over yet has none (conflict, naming it)."""
    office = office_of(network, code)
    with invalid_request():
        dispatch = check_dispatch_id(dispatch)
    with uow:
        found = _dispatch_here(uow, office, dispatch)
        if (found.handed_over_at is None or found.conveyance_mode is None
                or found.conveyance is None):
            raise OfficeConflict(f"dispatch {dispatch} has not left: hand it over first",
                                 field="dispatch_id")
        bags = tuple((bag.receptacle_id or "", tuple(uow.office.bag_items(bag.bag_id)))
                     for bag in uow.office.dispatch_bags(dispatch))
    return Departure(dispatch, found.handed_over_at, found.conveyance_mode, found.conveyance,
                     found.service_id, bags)


def bag_label(code: str, receptacle_id: str, *, network: Network, uow: OfficeUnitOfWork
              ) -> BagLabel:
    """The label of a bag closed here (to print it again)."""
    office = office_of(network, code)
    with invalid_request():
        label = check_receptacle_id(receptacle_id)
    with uow:
        found = next((b for b in uow.office.dispatch_bags(label[:20])
                      if b.receptacle_id == label and b.office == office.code), None)
        if found is None or found.closed_at is None:
            raise DispatchNotFound(f"no bag {label} was closed at {office.code}",
                                   field="receptacle_id")
        items = uow.office.bag_count(found.bag_id)
    return BagLabel(label_form(found.category), label, office.node.names.get("en", office.code),
                    _name(network, found.destination), found.closed_at, items, found.seal)


def hand_over(code: str, dispatch: str, conveyance: Conveyance, *, at: datetime | None = None,
              source: str, network: Network, uow: OfficeUnitOfWork, clock: Clock
              ) -> AdvisedDispatch:
    """Hand a closed dispatch to a conveyance: loaded events on the dispatch, its bags and
    its items, and its pre-advice to the office it goes to (stored, and sent to the partners
    that operate that office). Returns the pre-advice."""
    office = office_of(network, code)
    with invalid_request():
        dispatch = check_dispatch_id(dispatch)
    when = scan_time(at, clock)
    with uow:
        found = _dispatch_here(uow, office, dispatch)
        if found.closed_at is None:
            raise OfficeConflict(f"dispatch {dispatch} is still open: close it first",
                                 field="dispatch_id")
        if found.handed_over_at is not None:
            if (found.conveyance_mode, found.conveyance) != (conveyance.mode.value,
                                                               conveyance.reference):
                raise OfficeConflict(f"dispatch {dispatch} was handed to "
                                     f"{found.conveyance_mode} {found.conveyance} already",
                                     field="dispatch_id")
            stored = uow.office.pre_advice(dispatch)
            assert stored is not None
            return stored
        bags = uow.office.dispatch_bags(dispatch)
        found = replace(found, handed_over_at=when, conveyance_mode=conveyance.mode.value,
                        conveyance=conveyance.reference, service_id=conveyance.service_id)
        uow.office.put_dispatch(found)
        carried = {"conveyance": f"{conveyance.mode.value} {conveyance.reference}",
                   **({"service": conveyance.service_id} if conveyance.service_id else {})}
        events = [office_event(office, ObjectKind.DISPATCH, dispatch, LOADED, when, source,
                               carried)]
        advised: list[AdvisedReceptacle] = []
        for bag in bags:
            assert bag.receptacle_id is not None
            items = uow.office.bag_items(bag.bag_id)
            events.append(office_event(office, ObjectKind.RECEPTACLE, bag.receptacle_id, LOADED,
                                 when, source, carried))
            left = office_code(OfficeAction.LEFT, Direction.OUTWARD if sends_abroad(
                office.node.country, "", bag.destination[:2]) else Direction.INWARD)
            in_bag = {"receptacle_id": bag.receptacle_id}  # one payload for the bag's items
            events.extend(office_event(office, ObjectKind.ITEM, i, left, when, source, in_bag)
                          for i in items)
            advised.append(AdvisedReceptacle(bag.receptacle_id, tuple(items), bag.weight_kg))
        record(events, uow, clock)
        advice = PreAdvice.of(dispatch, year=found.year, receptacles=advised)
        stored = AdvisedDispatch(advice, source.split("/")[0], when)
        to = network.nodes.get(found.destination)
        if to is not None and to.kind in OFFICE_KINDS:  # received here too: kept to check
            uow.office.add_pre_advice(stored)
            record([advice_taken(Office(to), stored, source)], uow, clock)
        _announce(uow, stored, when)
        uow.commit()
    return stored


# --- helpers ------------------------------------------------------------------------------


def _gate(uow: OfficeUnitOfWork, office: Office, items: Sequence[str],
          gate_offices: Collection[str], what: str, field: str) -> None:
    """Acceptance security's gate: at an office of ``gate_offices``, no item leaves in an
    export dispatch without its content check and X-ray."""
    if office.code not in gate_offices:
        return
    why = missing_checks(uow, items)
    if why is not None:
        raise OfficeConflict(f"{what} cannot close: {why}", field=field)


def _open_dispatch(uow: OfficeUnitOfWork, office: Office, bag: Bag, when: datetime
                   ) -> OutboundDispatch:
    """The open dispatch this bag joins, opened with the next serial if there is none; under
    the office pair's counter lock, so concurrent closers agree."""
    year = when.astimezone(office.node.tz).year
    serial = uow.office.lock_counter(office.code, bag.destination, bag.category, year)
    found = uow.office.open_dispatch(office.code, bag.destination, bag.category,
                                     bag.subclass, year)
    if found is not None and found.receptacles < MAX_RECEPTACLES:
        return found
    if found is not None:  # full: close it, the bag opens the next
        uow.office.put_dispatch(replace(found, closed_at=when))
    if serial >= 9999:
        raise OfficeConflict(f"dispatch serials {office.code}>{bag.destination} category "
                             f"{bag.category} are used up for {year}", field="bag")
    uow.office.set_counter(office.code, bag.destination, bag.category, year, serial + 1)
    new = OutboundDispatch(
        dispatch_id(office.code, bag.destination, bag.category, bag.subclass, year,
                    serial + 1),
        office=office.code, destination=bag.destination, category=bag.category,
        subclass=bag.subclass, year=year, serial=serial + 1, opened_at=when)
    uow.office.put_dispatch(new)
    return new


def _dispatch_closed(office: Office, dispatch: OutboundDispatch, when: datetime, source: str
                     ) -> TrackingEvent:
    return office_event(office, ObjectKind.DISPATCH, dispatch.dispatch_id, DISPATCH_CLOSED, when,
                  source, {"receptacles": dispatch.receptacles})


def _bill(uow: OfficeUnitOfWork, network: Network, found: OutboundDispatch) -> DeliveryBill:
    bags = uow.office.dispatch_bags(found.dispatch_id)
    counts = uow.office.bag_counts([b.bag_id for b in bags])
    lines = tuple(BillLine(b.receptacle_id, counts.get(b.bag_id, 0), b.seal)
                  for b in bags if b.receptacle_id is not None)
    conveyance = None
    if found.conveyance is not None:
        conveyance = f"{found.conveyance_mode} {found.conveyance}" + (
            f" ({found.service_id})" if found.service_id else "")
    return DeliveryBill(bill_form(found.category), found.dispatch_id,
                        _name(network, found.office), _name(network, found.destination),
                        found.closed_at or found.opened_at, lines, conveyance)


def _announce(uow: OfficeUnitOfWork, stored: AdvisedDispatch, when: datetime) -> None:
    """``dispatch.advised`` to the partners operating the destination office."""
    advice = stored.advice
    data = {
        "dispatch_id": advice.dispatch_id, "origin": advice.origin,
        "destination": advice.destination, "category": advice.category,
        "subclass": advice.subclass, "year": advice.year, "serial": advice.serial,
        "receptacles": [{"receptacle_id": r.receptacle_id, "weight_kg": r.weight_kg,
                         "items": list(r.items)} for r in advice.receptacles],
    }
    message = new_message(WebhookEventType.DISPATCH_ADVISED, data, at=when,
                          nodes=(advice.destination,), object_id=advice.dispatch_id,
                          msg_id=derived_id("dispatch.advised", advice.dispatch_id))
    operators = {p.code for p in uow.partners.list() if advice.destination in p.nodes}
    queue([message], outbox=uow.webhooks, at=when,
          visible_to=lambda partner, _: partner in operators)


def _open_bag(uow: OfficeUnitOfWork, office: Office, bag_id: int) -> Bag:
    bag = uow.office.bag(bag_id)
    if bag is None or bag.office != office.code:
        raise InvalidOfficeWork(f"no bag {bag_id} at {office.code}", field="bag")
    if bag.closed_at is not None:
        raise OfficeConflict(f"bag {bag_id} is closed ({bag.receptacle_id}): open a new one",
                             field="bag")
    return bag


def _dispatch_here(uow: OfficeUnitOfWork, office: Office, dispatch: str) -> OutboundDispatch:
    found = uow.office.dispatch(dispatch)
    if found is None or found.office != office.code:
        raise DispatchNotFound(f"no dispatch {dispatch} was made at {office.code}",
                               field="dispatch_id")
    return found


def _name(network: Network, code: str) -> str:
    node = network.nodes.get(code)
    return node.names.get("en", code) if node is not None else code


__all__ = ["Bagged", "ClosedBag", "DeliveryBill", "bag_label", "close_bag", "close_dispatch",
           "delivery_bill", "hand_over", "put_in_bag", "put_items_in_bag", "start_bag"]
