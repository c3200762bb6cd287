"""Pareto plans: every itinerary not beaten on all of arrival time, cost and transfers at once.

Planners choose between the freighter that arrives tomorrow and costs ten times the truck, and
the truck that arrives in six days; the earliest arrival alone hides that choice. Labels
(ready time, cost, transfers) are settled in time order per node and a label dominated by
another at the same node — or by one already at the destination — is dropped. Every extra leg
adds time and a transfer, so cycles are always dominated and the search ends.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from silkpost.network.corridor import Network
from silkpost.network.earliest import Itinerary, Leg, NoRoute, take


@dataclass(frozen=True, slots=True)
class _Label:
    ready: datetime
    cost: float
    legs: int
    node: str
    leg: Leg | None
    parent: _Label | None

    def dominated_by(self, other: _Label) -> bool:
        return (other.ready <= self.ready and other.cost <= self.cost + 1e-9
                and other.legs <= self.legs)


def pareto_plans(
    network: Network,
    origin: str,
    destination: str,
    ready: datetime,
    *,
    weight_kg: float = 1.0,
    regime: str | None = "9610",
    goods: Collection[str] = (),
    exclude_modes: Collection[str] = (),
    latest: datetime | None = None,
    budget: float | None = None,
    max_legs: int = 8,
) -> list[Itinerary]:
    """Non-dominated itineraries over (arrival, cost for ``weight_kg``, transfers), by arrival."""
    network.node(origin)
    network.node(destination)
    goods_set = frozenset(goods)
    bags: dict[str, list[_Label]] = {code: [] for code in network.nodes}
    start = _Label(ready, 0.0, 0, origin, None, None)
    bags[origin].append(start)
    heap: list[tuple[datetime, float, int, int, _Label]] = [(ready, 0.0, 0, 0, start)]
    counter = 1
    found: list[_Label] = []
    while heap:
        *_, label = heapq.heappop(heap)
        if label not in bags[label.node] or label.node == destination:
            continue
        if any(label.dominated_by(d) for d in found):
            continue
        for service in network.outgoing[label.node]:
            if service.mode in exclude_modes or service.forbids & goods_set:
                continue
            if label.legs >= max_legs:
                continue
            step = take(network, service, label.ready, destination=destination, regime=regime)
            if step is None:
                continue
            departs, arrives, ready_next = step
            nxt = service.destination
            cost = label.cost + service.cost_per_kg * weight_kg + service.cost_per_shipment
            if (latest is not None and ready_next > latest) or (budget is not None
                                                                 and cost > budget):
                continue
            new = _Label(ready_next, cost, label.legs + 1, nxt, Leg(service, departs, arrives,
                                                                    label.ready), label)
            bag = bags[nxt]
            if any(new.dominated_by(old) for old in bag):
                continue
            bag[:] = [old for old in bag if not old.dominated_by(new)]
            bag.append(new)
            if nxt == destination:
                found = [f for f in found if not f.dominated_by(new)] + [new]
            else:
                heapq.heappush(heap, (ready_next, cost, new.legs, counter, new))
                counter += 1
    if not found:
        raise NoRoute(f"no route from {origin} to {destination} under these constraints",
                      field="to")
    plans = []
    for label in sorted(found, key=lambda f: (f.ready, f.cost, f.legs)):
        legs = []
        walk: _Label | None = label
        while walk is not None and walk.leg is not None:
            legs.append(walk.leg)
            walk = walk.parent
        plans.append(Itinerary(origin, destination, ready, tuple(reversed(legs))))
    return plans
