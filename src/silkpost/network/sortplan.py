"""Sort plans: at an office, which outbound service each destination's parcels go on next.

Derived from the routes, not kept by hand: for each destination the office serves, the first
leg of the earliest itinerary from now. Exchange-office sorting uses it to assign sort lanes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from silkpost.network.corridor import Network
from silkpost.network.earliest import NoRoute, earliest_arrival


@dataclass(frozen=True, slots=True)
class SortPlanEntry:
    """Parcels for ``destination`` go on ``service_id``, leaving at ``departs``."""

    destination: str
    service_id: str
    mode: str
    next_node: str
    departs: datetime
    arrives_destination: datetime


def sort_plan(network: Network, office: str, at: datetime, *, goods: tuple[str, ...] = ()
              ) -> list[SortPlanEntry]:
    """The next outbound service per reachable destination (partner offices and railheads)."""
    network.node(office)
    entries = []
    for code, node in sorted(network.nodes.items()):
        if code == office or node.kind not in ("partner_post_office", "rail_terminal"):
            continue
        try:
            it = earliest_arrival(network, office, code, at, goods=goods)
        except NoRoute:
            continue
        first = it.legs[0]
        entries.append(SortPlanEntry(code, first.service.id, first.service.mode,
                                     first.service.destination, first.departs, it.arrives))
    return entries
