"""The deadline monitor: every item received at an office before its cut-off leaves the same
day, one received after it the next day (the seeds' same-day processing at Urumqi).

"Leaves" is the handover of the item's dispatch to a conveyance. An item's deadline is the end
of its office's local day of receipt, or of the next day when it came after the cut-off; an
office without a cut-off gives every item the day of receipt. Held and returned items are
not on the clock (the hold area lists them with their age); items without a route are,
since nobody will move them unless someone sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from silkpost.network.corridor import Network, Node
from silkpost.office.errors import InvalidOfficeWork
from silkpost.office.ports import Clock, OfficeUnitOfWork, PendingItem
from silkpost.office.service import office_of

MAX_LISTED = 10_000


def deadline(node: Node, received_at: datetime) -> datetime:
    """When an item received at ``node`` at ``received_at`` must have left (local midnight
    ending its day of receipt, or the next day's when it came after the cut-off)."""
    local = received_at.astimezone(node.tz)
    day = local.date()
    if node.cutoff_minute is not None and local.hour * 60 + local.minute >= node.cutoff_minute:
        day += timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=node.tz)


@dataclass(frozen=True, slots=True)
class OnTheClock:
    """An item not yet left, with its deadline and the time left (negative: overdue)."""

    item: PendingItem
    deadline: datetime
    left_hours: float

    @property
    def overdue(self) -> bool:
        """Whether its deadline has passed."""
        return self.left_hours < 0


@dataclass(frozen=True, slots=True)
class ServiceDeadlines:
    """One outbound service's items on the clock: overdue first, then least time left."""

    service_id: str | None  # None: items with no route
    overdue: int
    items: tuple[OnTheClock, ...]


def monitor(code: str, *, network: Network, uow: OfficeUnitOfWork, clock: Clock,
            limit: int = 1000) -> list[ServiceDeadlines]:
    """The office's items that have not left, per outbound service, overdue first."""
    office = office_of(network, code)
    if not 1 <= limit <= MAX_LISTED:
        raise InvalidOfficeWork(f"limit is 1 to {MAX_LISTED:,}, not {limit}", field="limit")
    now = clock.now()
    with uow:
        pending = uow.office.pending(office.code, limit=MAX_LISTED)
    clocked = sorted((_clocked(office.node, p, now) for p in pending),
                     key=lambda c: c.left_hours)
    by_service: dict[str | None, list[OnTheClock]] = {}
    for c in clocked:
        by_service.setdefault(c.item.service_id, []).append(c)
    out = [ServiceDeadlines(service, sum(1 for c in items if c.overdue), tuple(items[:limit]))
           for service, items in by_service.items()]
    return sorted(out, key=lambda s: (-s.overdue, s.items[0].left_hours if s.items else 0))


@dataclass(frozen=True, slots=True)
class SameDayShare:
    """Of the items whose deadline fell in a window, how many left by it."""

    office: str
    due: int
    on_time: int

    @property
    def share(self) -> float | None:
        """on_time / due, None when nothing was due."""
        return self.on_time / self.due if self.due else None


def same_day_share(code: str, *, days: int = 7, network: Network, uow: OfficeUnitOfWork,
                   clock: Clock) -> SameDayShare:
    """The office's same-day share over the last ``days`` days: items whose deadline has
    passed in that window, and how many of them had left by it."""
    office = office_of(network, code)
    if not 1 <= days <= 366:
        raise InvalidOfficeWork(f"days is 1 to 366, not {days}", field="days")
    now = clock.now()
    since = now - timedelta(days=days + 2)  # an item's deadline is at most 2 days later
    with uow:
        worked = uow.office.worked_since(office.code, since)
    return _share(office.node, worked, now - timedelta(days=days), now)


def _share(node: Node, worked: Iterable[tuple[datetime, datetime | None]],
           start: datetime, end: datetime) -> SameDayShare:
    due = on_time = 0
    for received_at, left_at in worked:
        limit = deadline(node, received_at)
        if not start <= limit <= end:
            continue
        due += 1
        on_time += left_at is not None and left_at <= limit
    return SameDayShare(node.code, due, on_time)


def _clocked(node: Node, item: PendingItem, now: datetime) -> OnTheClock:
    limit = deadline(node, item.scanned_at)
    return OnTheClock(item, limit, (limit - now).total_seconds() / 3600)
