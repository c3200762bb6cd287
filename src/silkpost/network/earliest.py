"""Earliest-arrival routing over the timetables (a time-dependent Dijkstra).

From a node and a ready time, each service leaving it is taken at its next departure; the
parcel reaches the next node after the ride, the border dwell and any gauge transshipment, and is
ready to leave again after handling (at least the minimum connection) and the customs time of
its regime there. Waiting is never harmful on a timetable (a later ready time cannot give an
earlier arrival), so the first time a node is settled is its earliest arrival.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from silkpost.errors import NotFound
from silkpost.network.corridor import Network, Node, Service

WEEK = timedelta(days=7)


class NoRoute(NotFound):
    """No itinerary meets the constraints."""

    code = "route.not_found"
    title = "No route"


@dataclass(frozen=True, slots=True)
class Leg:
    """One ride: a service from its departure to the arrival at the next node."""

    service: Service
    departs: datetime
    arrives: datetime
    ready_before: datetime  # when the parcel was ready at the departure node

    @property
    def wait(self) -> timedelta:
        """Time spent waiting at the departure node for this departure."""
        return self.departs - self.ready_before


@dataclass(frozen=True, slots=True)
class Itinerary:
    """Legs from origin to destination; ``arrives`` is the arrival at the destination node."""

    origin: str
    destination: str
    ready: datetime
    legs: tuple[Leg, ...]

    @property
    def arrives(self) -> datetime:
        """Arrival at the destination node."""
        return self.legs[-1].arrives if self.legs else self.ready

    def cost(self, weight_kg: float = 1.0) -> float:
        """Transport cost for a shipment of ``weight_kg``."""
        return sum(leg.service.cost_per_kg * weight_kg + leg.service.cost_per_shipment
                   for leg in self.legs)


def next_departure(service: Service, node: Node, ready: datetime) -> datetime | None:
    """The first departure of ``service`` at or after ``ready`` (UTC), from its weekly timetable."""
    if not service.departures:
        return None
    local = ready.astimezone(node.tz)
    week_start = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0)
    for week in (0, 1):
        for d in service.departures:
            candidate = week_start + timedelta(days=d.weekday + 7 * week, minutes=d.minute)
            candidate = candidate.replace(tzinfo=node.tz)
            if candidate >= local:
                return candidate.astimezone(UTC)
    return None


def work_starts(node: Node, arrival: datetime) -> datetime:
    """When work on a parcel arriving at ``arrival`` starts: after the cut-off, next opening."""
    if node.cutoff_minute is None:
        return arrival
    local = arrival.astimezone(node.tz)
    minute = local.hour * 60 + local.minute + (local.second > 0 or local.microsecond > 0)
    if node.opens_minute <= minute <= node.cutoff_minute:
        return arrival
    day = local + timedelta(days=1) if minute > node.cutoff_minute else local
    opening = day.replace(hour=node.opens_minute // 60, minute=node.opens_minute % 60,
                          second=0, microsecond=0)
    return opening.astimezone(arrival.tzinfo)


def ready_after_arrival(node: Node, arrival: datetime, regime: str | None) -> datetime:
    """When a parcel arriving at ``node`` can leave again: cut-off, handling and customs."""
    hours = max(node.handling_hours, node.min_connection_hours) + node.customs_for(regime)
    return work_starts(node, arrival) + timedelta(hours=hours)


def take(network: Network, service: Service, ready: datetime, *, destination: str,
         regime: str | None) -> tuple[datetime, datetime, datetime] | None:
    """Ride ``service`` from ``ready``: (departs, arrives, ready at the next node), or None.

    At the destination the parcel is 'ready' on arrival; elsewhere after handling and customs.
    """
    departs = next_departure(service, network.nodes[service.origin], ready)
    if departs is None:
        return None
    arrives = departs + timedelta(hours=service.duration_hours + service.border_dwell_hours
                                  + service.gauge_break_hours)
    if service.destination == destination:
        return departs, arrives, arrives
    return departs, arrives, ready_after_arrival(network.nodes[service.destination], arrives,
                                                 regime)


def earliest_arrival(
    network: Network,
    origin: str,
    destination: str,
    ready: datetime,
    *,
    regime: str | None = "9610",
    goods: Collection[str] = (),
    exclude_modes: Collection[str] = (),
    latest: datetime | None = None,
) -> Itinerary:
    """The itinerary that reaches ``destination`` first, or NoRoute."""
    network.node(origin)
    network.node(destination)
    if ready.tzinfo is None:
        raise ValueError("ready needs a time zone")
    best: dict[str, datetime] = {origin: ready}
    came_by: dict[str, Leg] = {}
    heap: list[tuple[datetime, str]] = [(ready, origin)]
    goods_set = frozenset(goods)
    while heap:
        at, code = heapq.heappop(heap)
        if at > best.get(code, at):
            continue
        if code == destination:
            break
        for service in network.outgoing[code]:
            if service.mode in exclude_modes or service.forbids & goods_set:
                continue
            step = take(network, service, at, destination=destination, regime=regime)
            if step is None:
                continue
            departs, arrives, ready_next = step
            nxt = service.destination
            if ready_next < best.get(nxt, ready_next + WEEK):
                best[nxt] = ready_next
                came_by[nxt] = Leg(service, departs, arrives, at)
                heapq.heappush(heap, (ready_next, nxt))
    if destination not in best or (destination != origin and destination not in came_by):
        raise NoRoute(f"no route from {origin} to {destination} under these constraints",
                      field="to")
    legs: list[Leg] = []
    code = destination
    while code != origin:
        leg = came_by[code]
        legs.append(leg)
        code = leg.service.origin
    itinerary = Itinerary(origin, destination, ready, tuple(reversed(legs)))
    if latest is not None and itinerary.arrives > latest:
        raise NoRoute(f"earliest arrival {itinerary.arrives.isoformat()} is after the latest "
                      f"allowed {latest.isoformat()}", field="latest")
    return itinerary
