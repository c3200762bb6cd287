"""In-memory event log, notices, partners and unit of work: the fakes tests and simulations
run on.

They keep the same promises as the SQL store (idempotent append, read model from the domain's
fold, rollback unless committed) with plain dicts, and are checked against the SQL store by the
same contract tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from silkpost.domain.audit import AuditEntry
from silkpost.domain.blacklist import BlacklistEntry, Shipper
from silkpost.domain.codes import ObjectKind, Status
from silkpost.domain.declarations import StoredDeclaration
from silkpost.domain.events import TrackingEvent, key_of, to_epoch_us
from silkpost.domain.notices import Notice, concerns, state_at
from silkpost.domain.office import Finding, HoldReason
from silkpost.domain.partners import ApiKey, Partner, Scope
from silkpost.domain.status import in_time_order, is_stuck, track
from silkpost.domain.tracked import StatusCount, TrackedObject
from silkpost.domain.webhooks import Delivery, DeliveryState, Message, Subscription
from silkpost.notices.errors import NoticeConflict
from silkpost.notices.ports import NoticeQuery
from silkpost.office.acceptance_ports import AcceptanceRecord
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
from silkpost.partners.errors import PartnerConflict
from silkpost.store.memory_declarations import InMemoryDeclarations
from silkpost.tracking.ports import ObjectQuery
from silkpost.webhooks.items import ITEM_TYPES, ItemStanding, status_messages


class InMemoryEventLog:
    """Events in a dict by idempotency key, plus per-object lists."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, bytes], TrackingEvent] = {}
        self.by_object: dict[tuple[str, str], list[TrackingEvent]] = {}

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Store events not stored before; return how many were new."""
        new = 0
        for e in events:
            key = (e.object_id, key_of(e))
            if key in self.by_key:
                continue
            self.by_key[key] = e
            self.by_object.setdefault((e.object_kind.value, e.object_id), []).append(e)
            new += 1
        return new

    def timeline(self, kind: ObjectKind, object_id: str) -> list[TrackingEvent]:
        """All events of one object, in the domain's total order (not arrival order)."""
        return in_time_order(self.by_object.get((kind.value, object_id), []))

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """The object's read-model record: the domain's fold over its stored events."""
        return track(self.by_object.get((kind.value, object_id), []))

    def find(self, query: ObjectQuery) -> list[TrackedObject]:
        """One page of objects, most recently active first."""
        found = []
        for kind, object_id in self.by_object:
            if kind != query.object_kind.value:
                continue
            t = self.tracked(query.object_kind, object_id)
            if t is None:  # every event it has is retracted, or a retraction
                continue
            if query.status is not None and t.status != query.status:
                continue
            if query.location is not None and t.last_location != query.location:
                continue
            if query.office is not None and t.last_office != query.office:
                continue
            if query.since is not None and t.last_at < query.since:
                continue
            if query.stuck_at is not None and not is_stuck(t.status, t.last_at, query.stuck_at):
                continue
            if query.seen_by is not None and not query.seen_by.sees(
                    (e.source, e.office) for e in self.by_object[(kind, object_id)]):
                continue
            found.append(t)
        found.sort(key=lambda t: (-to_epoch_us(t.last_at), t.object_id))
        if query.after is not None:
            last_us, last_id = query.after
            found = [
                t for t in found if (-to_epoch_us(t.last_at), t.object_id) > (-last_us, last_id)
            ]
        return found[query.offset: query.offset + query.limit]

    def count_by_status(self, kind: ObjectKind, *, stuck_at: datetime) -> list[StatusCount]:
        """Objects per status and last office, and how many are stuck at ``stuck_at``."""
        counts: dict[tuple[Status, str | None], list[int]] = {}
        for k, object_id in self.by_object:
            if k != kind.value:
                continue
            t = self.tracked(kind, object_id)
            if t is None:
                continue
            entry = counts.setdefault((t.status, t.last_office), [0, 0])
            entry[0] += 1
            entry[1] += is_stuck(t.status, t.last_at, stuck_at)
        return [StatusCount(s, o, n, k) for (s, o), (n, k) in counts.items()]

    def count_events(self) -> int:
        """How many events the log holds."""
        return len(self.by_key)

    def changes(self, after: int, *, limit: int, seen_by: Scope | None = None
                ) -> list[tuple[int, TrackingEvent]]:
        """Events stored after position ``after`` (1 for the first stored), in that order."""
        found = []
        for seq, e in enumerate(self.by_key.values(), start=1):
            if seq > after and (seen_by is None or seen_by.sees(
                    (x.source, x.office)
                    for x in self.by_object[(e.object_kind.value, e.object_id)])):
                found.append((seq, e))
                if len(found) == limit:
                    break
        return found

    def high_water_mark(self) -> int:
        """The number of events stored: the in-memory log never deletes."""
        return len(self.by_key)


class InMemoryNotices:
    """Notices in a dict by id; writes wait in ``pending`` until the unit of work commits."""

    def __init__(self, committed: dict[str, Notice] | None = None) -> None:
        self.committed: dict[str, Notice] = {} if committed is None else committed
        self.pending: dict[str, Notice] = {}

    def _all(self) -> dict[str, Notice]:
        return {**self.committed, **self.pending}

    def add(self, notice: Notice) -> None:
        """Keep a new notice; a taken id is a conflict, as in the SQL store."""
        if notice.notice_id in self._all():
            raise NoticeConflict(f"notice id {notice.notice_id} is taken: try again",
                                 field="notice_id")
        self.pending[notice.notice_id] = notice

    def get(self, notice_id: str) -> Notice | None:
        """The notice with this id, as this transaction sees it."""
        return self._all().get(notice_id)

    def update(self, notice: Notice) -> None:
        """Replace a stored notice."""
        if notice.notice_id in self._all():
            self.pending[notice.notice_id] = notice

    def list(self, query: NoticeQuery) -> list[Notice]:
        """Notices matching the query, most recently created first."""
        found = [
            n for n in self._all().values()
            if (query.state is None or state_at(n, query.at) == query.state)
            and (not (query.nodes or query.services)
                 or concerns(n, query.nodes, query.services))
            and (not query.published_only
                 or (n.published_at is not None and n.withdrawn_at is None))
        ]
        found.sort(key=lambda n: (n.created_at, n.notice_id), reverse=True)
        return found[: query.limit]

    def count_created_in(self, year: int) -> int:
        """How many notices carry ids of ``year``."""
        return sum(1 for i in self._all() if i.startswith(f"N-{year:04d}-"))


@dataclass
class InMemoryRegistry:
    """The committed partners and keys every unit of work of one fake store shares."""

    partners: dict[str, Partner] = field(default_factory=dict)
    keys: dict[str, ApiKey] = field(default_factory=dict)
    profiles: dict[str, str | None] = field(default_factory=dict)
    declarations: dict[tuple[str, str], StoredDeclaration] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], Delivery] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)  # oldest first
    scan_marks: dict[str, datetime] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    office: OfficeRecords = field(default_factory=lambda: OfficeRecords())
    blacklist: dict[int, BlacklistEntry] = field(default_factory=dict)
    acceptance: dict[str, AcceptanceRecord] = field(default_factory=dict)


@dataclass(slots=True)
class OfficeRecords:
    """The offices' committed records (see :class:`InMemoryOffice`), with the indexes that
    keep each lookup proportional to what it returns, as the SQL store's indexes do: a
    simulated week puts hundreds of thousands of items through them."""

    pre_advices: dict[str, AdvisedDispatch] = field(default_factory=dict)
    advised: dict[str, tuple[str, float, tuple[str, ...]]] = field(default_factory=dict)
    receipts: dict[str, Receipt] = field(default_factory=dict)
    items: dict[tuple[str, str], ItemAtOffice] = field(default_factory=dict)
    findings: dict[tuple[str, str, str, str], Finding] = field(default_factory=dict)
    bags: dict[int, Bag] = field(default_factory=dict)
    bag_items: dict[tuple[str, str], tuple[int, datetime]] = field(default_factory=dict)
    dispatches: dict[str, OutboundDispatch] = field(default_factory=dict)
    counters: dict[tuple[str, str, str, int], int] = field(default_factory=dict)
    # indexes: (office, receptacle id) -> items; bag -> items; dispatch -> bags; open ones
    in_receptacle: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    in_bag: dict[int, dict[str, datetime]] = field(default_factory=dict)
    of_dispatch: dict[str, set[int]] = field(default_factory=dict)
    open_dispatches: dict[tuple[str, str, str, str, int], set[str]] = field(
        default_factory=dict)
    last_bag: int = 0


_MISSING = object()


class InMemoryOffice:
    """The offices' records for one unit of work: it changes the committed records in place
    and keeps how to undo each change, which rollback replays (the fake serves one caller at a
    time, so nobody else sees a change before it is committed or undone)."""

    def __init__(self, committed: OfficeRecords) -> None:
        self.records = committed
        self._undo: list[Callable[[], None] | tuple[dict[Any, Any], Any, Any]] = []

    def undo(self) -> None:
        """Take back every change of this unit of work, newest first."""
        undo = self._undo
        while undo:
            step = undo.pop()
            if callable(step):
                step()
                continue
            table, key, old = step
            if old is _MISSING:
                del table[key]
            else:
                table[key] = old

    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        # The journal holds (table, key, value before) for a plain write, a function for
        # the rest: a simulated week writes millions of records through here.
        self._undo.append((table, key, table.get(key, _MISSING)))
        table[key] = value

    def _delete(self, table: dict[Any, Any], key: Any) -> None:
        self._undo.append((table, key, table.pop(key)))

    def _index(self, index: dict[Any, Any], key: Any, member: Any, value: Any = None) -> None:
        """Add ``member`` to the set (or, with a value, the dict) ``index[key]``."""
        group = index.setdefault(key, {} if value is not None else set())
        if member in group:
            return
        if value is not None:
            self._set(group, member, value)
        else:
            group.add(member)
            self._undo.append(lambda: group.discard(member))

    def _unindex(self, index: dict[Any, set[Any]], key: Any, member: Any) -> None:
        group = index.get(key)
        if group is not None and member in group:
            group.discard(member)
            self._undo.append(lambda: group.add(member))

    def lock(self, name: str) -> None:
        """Nothing to wait for: the fake serves one caller at a time."""

    def add_pre_advice(self, advised: AdvisedDispatch) -> None:
        r = self.records
        before = r.pre_advices.get(advised.advice.dispatch_id)
        for rec in before.advice.receptacles if before is not None else ():
            if rec.key in r.advised:
                self._delete(r.advised, rec.key)
        self._set(r.pre_advices, advised.advice.dispatch_id, advised)
        for rec in advised.advice.receptacles:
            self._set(r.advised, rec.key,
                      (rec.receptacle_id, float(rec.weight_kg or 0.0), rec.items))

    def pre_advice(self, dispatch_id: str) -> AdvisedDispatch | None:
        return self.records.pre_advices.get(dispatch_id)

    def advised_receptacle(self, key: str) -> tuple[str, float, tuple[str, ...]] | None:
        return self.records.advised.get(key)

    def receipt(self, key: str) -> Receipt | None:
        return self.records.receipts.get(key)

    def receipts(self, dispatch_id: str) -> list[Receipt]:
        return sorted((x for k, x in self.records.receipts.items() if k[:20] == dispatch_id),
                      key=lambda x: x.receptacle_id[:23])

    def put_receipt(self, receipt: Receipt) -> None:
        self._set(self.records.receipts, receipt.receptacle_id[:23], receipt)

    def item(self, office: str, item_id: str) -> ItemAtOffice | None:
        return self.records.items.get((office, item_id))

    def put_item(self, item: ItemAtOffice) -> None:
        r = self.records
        before = r.items.get((item.office, item.item_id))
        if before is not None and before.receptacle_id is not None:
            self._unindex(r.in_receptacle, (item.office, before.receptacle_id), item.item_id)
        self._set(r.items, (item.office, item.item_id), item)
        if item.receptacle_id is not None:
            self._index(r.in_receptacle, (item.office, item.receptacle_id), item.item_id)

    def items_in(self, office: str, receptacle_id: str) -> list[str]:
        r = self.records
        found = [r.items[office, i] for i in r.in_receptacle.get((office, receptacle_id), ())]
        return [x.item_id for x in sorted(found, key=lambda x: (x.scanned_at, x.item_id))]

    def held(self, office: str, reason: HoldReason | None = None, *, limit: int = 1000
             ) -> list[ItemAtOffice]:
        found = [x for x in self.records.items.values()
                 if x.office == office and x.state == ItemState.HELD
                 and (reason is None or x.hold_reason == reason)]
        found.sort(key=lambda x: (to_epoch_us(x.held_at) if x.held_at else 0, x.item_id))
        return found[:limit]

    def _left(self, office: str, item_id: str) -> tuple[int | None, str | None,
                                                        datetime | None]:
        bagged = self.records.bag_items.get((office, item_id))
        if bagged is None:
            return None, None, None
        bag = self.records.bags[bagged[0]]
        dispatch = self.records.dispatches.get(bag.dispatch_id or "")
        return bag.bag_id, bag.dispatch_id, dispatch.handed_over_at if dispatch else None

    def pending(self, office: str, *, limit: int) -> list[PendingItem]:
        out = []
        for x in self.records.items.values():
            if x.office != office or x.state not in ON_THE_CLOCK:
                continue
            bag_id, dispatch_id, left = self._left(office, x.item_id)
            if left is None:
                out.append(PendingItem(x.item_id, x.state, x.scanned_at, x.service_id,
                                       x.destination, x.next_node, bag_id, dispatch_id))
        out.sort(key=lambda p: (p.scanned_at, p.item_id))
        return out[:limit]

    def worked_since(self, office: str, since: datetime
                     ) -> list[tuple[datetime, datetime | None]]:
        return [(x.scanned_at, self._left(office, x.item_id)[2])
                for x in self.records.items.values()
                if x.office == office and x.state in ON_THE_CLOCK
                and x.scanned_at >= since]

    def add_findings(self, findings: list[Finding]) -> int:
        new = 0
        for f in findings:
            key = (f.dispatch_id, f.kind.value, f.receptacle_id or "", f.item_id or "")
            if key not in self.records.findings:
                self._set(self.records.findings, key, f)
                new += 1
        return new

    def findings(self, dispatch_id: str) -> list[Finding]:
        return [f for k, f in self.records.findings.items() if k[0] == dispatch_id]

    def add_bag(self, bag: Bag) -> Bag:
        r = self.records
        number, last = r.last_bag + 1, r.last_bag
        r.last_bag = number

        def back() -> None:
            r.last_bag = last
        self._undo.append(back)
        stored = replace(bag, bag_id=number)
        self._set(r.bags, number, stored)
        return stored

    def bag(self, bag_id: int) -> Bag | None:
        return self.records.bags.get(bag_id)

    def bag_of(self, office: str, item_id: str) -> int | None:
        found = self.records.bag_items.get((office, item_id))
        return None if found is None else found[0]

    def add_to_bag(self, office: str, bag_id: int, item_id: str, at: datetime) -> bool:
        if (office, item_id) in self.records.bag_items:
            return False
        self._set(self.records.bag_items, (office, item_id), (bag_id, at))
        self._index(self.records.in_bag, bag_id, item_id, at)
        return True

    def bag_items(self, bag_id: int) -> list[str]:
        found = self.records.in_bag.get(bag_id, {})
        return [item for _, item in sorted((at, item) for item, at in found.items())]

    def bag_count(self, bag_id: int) -> int:
        return len(self.records.in_bag.get(bag_id, ()))

    def bag_counts(self, bag_ids: list[int]) -> dict[int, int]:
        return {b: n for b in set(bag_ids) if (n := self.bag_count(b))}

    def close_bag(self, bag: Bag) -> None:
        self._set(self.records.bags, bag.bag_id, bag)
        if bag.dispatch_id is not None:
            self._index(self.records.of_dispatch, bag.dispatch_id, bag.bag_id)

    def lock_counter(self, office: str, destination: str, category: str, year: int) -> int:
        return self.records.counters.get((office, destination, category, year), 0)

    def set_counter(self, office: str, destination: str, category: str, year: int,
                    serial: int) -> None:
        self._set(self.records.counters, (office, destination, category, year), serial)

    def open_dispatch(self, office: str, destination: str, category: str, subclass: str,
                      year: int) -> OutboundDispatch | None:
        ids = self.records.open_dispatches.get((office, destination, category, subclass, year),
                                               ())
        found = [self.records.dispatches[i] for i in ids]
        return max(found, key=lambda d: d.serial, default=None)

    def put_dispatch(self, dispatch: OutboundDispatch) -> None:
        self._set(self.records.dispatches, dispatch.dispatch_id, dispatch)
        key = (dispatch.office, dispatch.destination, dispatch.category, dispatch.subclass,
               dispatch.year)
        if dispatch.closed_at is None:
            self._index(self.records.open_dispatches, key, dispatch.dispatch_id)
        else:
            self._unindex(self.records.open_dispatches, key, dispatch.dispatch_id)

    def dispatch(self, dispatch_id: str) -> OutboundDispatch | None:
        return self.records.dispatches.get(dispatch_id)

    def dispatch_bags(self, dispatch_id: str) -> list[Bag]:
        bags = (self.records.bags[b] for b in self.records.of_dispatch.get(dispatch_id, ()))
        return sorted(bags, key=lambda b: b.receptacle_id or "")


class InMemoryAuditLog:
    """Entries in a list; appends wait in ``pending`` until the unit of work commits."""

    def __init__(self, committed: list[AuditEntry]) -> None:
        self.committed = committed
        self.pending: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        """Add one entry."""
        self.pending.append(entry)

    def entries(self, *, partner: str | None = None, since: datetime | None = None,
                before_seq: int | None = None, limit: int = 100) -> list[tuple[int, AuditEntry]]:
        """Entries newest first, with their sequence numbers (1 for the first)."""
        numbered = list(enumerate([*self.committed, *self.pending], start=1))
        found = [(n, e) for n, e in numbered
                 if (partner is None or e.partner == partner)
                 and (since is None or e.at >= since)
                 and (before_seq is None or n < before_seq)]
        return found[::-1][:limit]


class InMemoryWebhooks:
    """Subscriptions and deliveries: a copy of the committed ones, written back on commit."""

    def __init__(self, registry: InMemoryRegistry, log: InMemoryEventLog | None = None) -> None:
        self.subs = dict(registry.subscriptions)
        self.queue = dict(registry.deliveries)  # insertion order is the sequence
        self.messages = list(registry.messages)
        self.scan_marks = dict(registry.scan_marks)
        self._log = log

    def newly_stuck(self, since: datetime, now: datetime) -> list[ItemStanding]:
        """The items the domain's rule finds stuck at ``now`` and not yet at ``since``."""
        if self._log is None:
            return []
        found = []
        for kind, object_id in self._log.by_object:
            if kind != ObjectKind.ITEM.value:
                continue
            t = self._log.tracked(ObjectKind.ITEM, object_id)
            if t is not None and is_stuck(t.status, t.last_at, now) and not is_stuck(
                    t.status, t.last_at, since):
                found.append(ItemStanding.of(t))
        return sorted(found, key=lambda x: (x.latest_us, x.object_id))

    def scan_mark(self, name: str) -> datetime | None:
        """The time the look called ``name`` last reached."""
        return self.scan_marks.get(name)

    def set_scan_mark(self, name: str, at: datetime) -> None:
        """Remember how far the look called ``name`` reached."""
        self.scan_marks[name] = at

    def add_messages(self, messages: Sequence[Message]) -> int:
        """Keep messages for the fan-out."""
        self.messages.extend(messages)
        return len(messages)

    def take_messages(self, limit: int) -> list[Message]:
        """Remove and return up to ``limit`` kept messages, oldest first."""
        taken, self.messages = self.messages[:limit], self.messages[limit:]
        return taken

    def sightings(self, item_ids: Sequence[str]) -> Mapping[str, set[tuple[str, str | None]]]:
        """Per item, the (source, office) of its committed events."""
        if self._log is None:
            return {}
        found: dict[str, set[tuple[str, str | None]]] = {}
        for i in item_ids:
            for e in self._log.by_object.get((ObjectKind.ITEM.value, i), []):
                found.setdefault(i, set()).add((e.source, e.office))
        return found

    def add_subscription(self, subscription: Subscription) -> None:
        """Keep a new subscription."""
        self.subs[subscription.subscription_id] = subscription

    def subscription(self, subscription_id: str) -> Subscription | None:
        """The subscription with this id."""
        return self.subs.get(subscription_id)

    def subscriptions(self, partner: str | None = None) -> list[Subscription]:
        """Subscriptions, of one partner or all, oldest first."""
        found = [x for x in self.subs.values() if partner is None or x.partner == partner]
        return sorted(found, key=lambda x: (x.created_at, x.subscription_id))

    def update_subscription(self, subscription: Subscription) -> None:
        """Replace a stored subscription."""
        if subscription.subscription_id in self.subs:
            self.subs[subscription.subscription_id] = subscription

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> int:
        """Queue deliveries, skipping those already queued."""
        new = 0
        for x in deliveries:
            if (x.subscription_id, x.msg_id) not in self.queue:
                self.queue[(x.subscription_id, x.msg_id)] = x
                new += 1
        return new

    def claim_due(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Delivery]:
        """Take up to ``limit`` due deliveries and put them off to ``lease_until``."""
        order = {k: n for n, k in enumerate(self.queue)}
        due = sorted((x for x in self.queue.values()
                      if x.state is DeliveryState.PENDING and x.next_at <= now),
                     key=lambda x: (x.next_at, order[(x.subscription_id, x.msg_id)]))[:limit]
        for x in due:
            self.queue[(x.subscription_id, x.msg_id)] = replace(x, next_at=lease_until)
        return due

    def record(self, deliveries: Sequence[Delivery]) -> None:
        """Store each delivery's state after its attempt."""
        for x in deliveries:
            self.queue[(x.subscription_id, x.msg_id)] = x

    def deliveries(self, subscription_id: str, *, limit: int) -> list[Delivery]:
        """The latest deliveries of a subscription, newest first."""
        mine = [x for x in self.queue.values() if x.subscription_id == subscription_id]
        return mine[::-1][:limit]

    def requeue(self, subscription_id: str, *, since: datetime, now: datetime) -> int:
        """Make the subscription's deliveries since ``since`` due again at ``now``."""
        count = 0
        for k, x in self.queue.items():
            if x.subscription_id == subscription_id and x.created_at >= since:
                self.queue[k] = replace(x, state=DeliveryState.PENDING, next_at=now,
                                        attempts=0, done_at=None, last_error="")
                count += 1
        return count


class InMemoryPartners:
    """Partners by code; writes wait in ``pending`` until the unit of work commits."""

    def __init__(self, committed: dict[str, Partner],
                 profiles: dict[str, str | None] | None = None) -> None:
        self.committed = committed
        self.pending: dict[str, Partner] = {}
        self.committed_profiles: dict[str, str | None] = {} if profiles is None else profiles
        self.pending_profiles: dict[str, str | None] = {}

    def add(self, partner: Partner) -> None:
        """Keep a new partner; a taken code is a conflict, as in the SQL store."""
        if partner.code in self.committed or partner.code in self.pending:
            raise PartnerConflict(f"partner {partner.code} exists", field="partner")
        self.pending[partner.code] = partner

    def get(self, code: str) -> Partner | None:
        """The partner with this code, as this transaction sees it."""
        return self.pending.get(code) or self.committed.get(code)

    def list(self) -> list[Partner]:
        """Every partner, by code."""
        return sorted({**self.committed, **self.pending}.values(), key=lambda p: p.code)

    def set_profile(self, code: str, profile: str | None) -> None:
        """Store (or, with None, remove) a partner's inbound profile text."""
        self.pending_profiles[code] = profile

    def profile(self, code: str) -> str | None:
        """A partner's inbound profile text, if it has one."""
        if code in self.pending_profiles:
            return self.pending_profiles[code]
        return self.committed_profiles.get(code)


class InMemoryKeys:
    """Keys by id; writes wait in ``pending`` until the unit of work commits."""

    def __init__(self, committed: dict[str, ApiKey]) -> None:
        self.committed = committed
        self.pending: dict[str, ApiKey] = {}

    def add(self, key: ApiKey) -> None:
        """Keep a new key."""
        self.pending[key.key_id] = key

    def get(self, key_id: str) -> ApiKey | None:
        """The key with this id, as this transaction sees it."""
        return self.pending.get(key_id) or self.committed.get(key_id)

    def update(self, key: ApiKey) -> None:
        """Replace a stored key."""
        if self.get(key.key_id) is not None:
            self.pending[key.key_id] = key

    def list(self, partner: str | None = None) -> list[ApiKey]:
        """Keys, of one partner or all, oldest first."""
        found = [k for k in {**self.committed, **self.pending}.values()
                 if partner is None or k.partner == partner]
        return sorted(found, key=lambda k: (k.created_at, k.key_id))


class InMemoryBlacklist:
    """Blacklist entries by number; new and changed ones wait in ``pending`` until commit."""

    def __init__(self, committed: dict[int, BlacklistEntry]) -> None:
        self.committed = committed
        self.pending: dict[int, BlacklistEntry] = {}

    def add(self, entry: BlacklistEntry) -> int:
        """Keep a new entry; its number."""
        number = max((*self.committed, *self.pending), default=0) + 1
        self.pending[number] = entry
        return number

    def entries(self, *, who: Shipper | None = None, in_force_at: datetime | None = None
                ) -> list[tuple[int, BlacklistEntry]]:
        """Entries oldest first: of one shipper or all, those in force at a moment or all."""
        return [(n, e) for n, e in sorted({**self.committed, **self.pending}.items())
                if (who is None or e.who == who)
                and (in_force_at is None or e.in_force(in_force_at))]

    def remove(self, entry_id: int, *, at: datetime, by: str, reason: str) -> None:
        """Note an entry's removal (when, by whom, why)."""
        found = self.pending.get(entry_id) or self.committed.get(entry_id)
        if found is not None and found.removed_at is None:
            self.pending[entry_id] = replace(found, removed_at=at, removed_by=by,
                                             removal_reason=reason)


class InMemoryAcceptance:
    """Items' acceptance records by item; new ones wait in ``pending`` until commit."""

    def __init__(self, committed: dict[str, AcceptanceRecord]) -> None:
        self.committed = committed
        self.pending: dict[str, AcceptanceRecord] = {}

    def _get(self, item_id: str) -> AcceptanceRecord | None:
        return self.pending.get(item_id) or self.committed.get(item_id)

    def records(self, item_ids: Sequence[str]) -> dict[str, AcceptanceRecord]:
        """The records of those items that have one."""
        return {i: r for i in item_ids if (r := self._get(i)) is not None}

    def put_records(self, records: Sequence[AcceptanceRecord]) -> None:
        """Keep records, replacing those of the same items."""
        self.pending.update((r.item_id, r) for r in records)

    def unchecked(self, item_ids: Sequence[str]) -> list[str]:
        """Those of ``item_ids`` whose content check or X-ray is not recorded, in order."""
        return [i for i in dict.fromkeys(item_ids)
                if (r := self._get(i)) is None or not r.complete]


class InMemoryUnitOfWork:
    """A unit of work whose commit makes the pending events and notices visible to all."""

    def __init__(self, log: InMemoryEventLog | None = None,
                 notices: dict[str, Notice] | None = None,
                 registry: InMemoryRegistry | None = None) -> None:
        self.committed_log = log or InMemoryEventLog()
        self.committed_notices: dict[str, Notice] = {} if notices is None else notices
        self.registry = registry or InMemoryRegistry()
        self._fresh_registry()
        self.events = _PendingLog(self.committed_log)
        self.notices = InMemoryNotices(self.committed_notices)
        self.commits = 0

    def __enter__(self) -> Self:
        self.events = _PendingLog(self.committed_log)
        self.notices = InMemoryNotices(self.committed_notices)
        self._fresh_registry()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def appender(self, *, in_line: bool = False) -> InMemoryAppender:
        """An appender that commits each batch to the shared log at once."""
        return InMemoryAppender(self.committed_log, self.registry)

    def commit(self) -> None:
        """Apply the pending events to the shared log."""
        self.committed_log.append(self.events.pending)
        self.committed_notices.update(self.notices.pending)
        self.registry.partners.update(self.partners.pending)
        self.registry.profiles.update(self.partners.pending_profiles)
        self.registry.keys.update(self.keys.pending)
        self.registry.declarations.update(self.declarations.pending)
        self.registry.subscriptions = self.webhooks.subs
        self.registry.audit.extend(self.audit.pending)
        self.registry.deliveries = self.webhooks.queue
        self.registry.messages = self.webhooks.messages
        self.registry.scan_marks = self.webhooks.scan_marks
        self.registry.office = self.office.records
        self.registry.blacklist.update(self.blacklist.pending)
        self.registry.acceptance.update(self.acceptance.pending)
        self.events = _PendingLog(self.committed_log)
        self.notices = InMemoryNotices(self.committed_notices)
        self._fresh_registry()
        self.commits += 1

    def rollback(self) -> None:
        """Forget the pending events, notices, partners and keys."""
        self.office.undo()
        self.events = _PendingLog(self.committed_log)
        self.notices = InMemoryNotices(self.committed_notices)
        self._fresh_registry()

    def _fresh_registry(self) -> None:
        self.partners = InMemoryPartners(self.registry.partners, self.registry.profiles)
        self.keys = InMemoryKeys(self.registry.keys)
        self.declarations = InMemoryDeclarations(self.registry.declarations)
        self.webhooks = InMemoryWebhooks(self.registry, self.committed_log)
        self.audit = InMemoryAuditLog(self.registry.audit)
        self.office = InMemoryOffice(self.registry.office)
        self.blacklist = InMemoryBlacklist(self.registry.blacklist)
        self.acceptance = InMemoryAcceptance(self.registry.acceptance)


class InMemoryAppender:
    """Each batch appended is committed at once, as the SQL appender's in-line path does."""

    def __init__(self, log: InMemoryEventLog, registry: InMemoryRegistry) -> None:
        self._log = log
        self._registry = registry
        self._stored: list[tuple[int, int]] = []

    def append(self, events: Sequence[TrackingEvent]) -> None:
        """Store a batch, and keep its item messages with it (as the SQL store does)."""
        subs = [x for x in self._registry.subscriptions.values()
                if x.disabled_at is None and not ITEM_TYPES.isdisjoint(x.types)]
        items = sorted({e.object_id for e in events if e.object_kind is ObjectKind.ITEM})
        before = {i: self._standing(i) for i in items} if subs else {}
        self._stored.append((len(events), self._log.append(events)))
        if subs and events:
            self._queue(items, before, events)

    def _standing(self, item: str) -> ItemStanding | None:
        tracked = self._log.tracked(ObjectKind.ITEM, item)
        return None if tracked is None else ItemStanding.of(tracked)

    def _queue(self, items: list[str], before: dict[str, ItemStanding | None],
               events: Sequence[TrackingEvent]) -> None:
        at = max(e.received_at or e.occurred_at for e in events)
        changes = []
        for i in items:
            now, was = self._standing(i), before.get(i)
            if now is not None:
                changes.append((None if was is None else was.status, now))
        self._registry.messages.extend(status_messages(changes, at=at))

    def stored(self) -> list[tuple[int, int]]:
        """(events, new events) of the batches stored since last asked."""
        done, self._stored = self._stored, []
        return done

    def close(self) -> list[tuple[int, int]]:
        """Nothing to wait for: what is left to tell."""
        return self.stored()

    def abort(self) -> None:
        """Nothing in flight to stop."""


class _PendingLog(InMemoryEventLog):
    """Reads see committed events; appends wait for commit."""

    def __init__(self, committed: InMemoryEventLog) -> None:
        super().__init__()
        self.by_key = committed.by_key
        self.by_object = committed.by_object
        self.pending: list[TrackingEvent] = []
        self._pending_keys: set[tuple[str, bytes]] = set()

    def append(self, events: Sequence[TrackingEvent]) -> int:
        new = 0
        for e in events:
            key = (e.object_id, key_of(e))
            if key in self.by_key or key in self._pending_keys:
                continue
            self._pending_keys.add(key)
            self.pending.append(e)
            new += 1
        return new
