"""ETA of an item in flight: from its last event's place and time, along the earliest route.

The item's last office is a network node code (scanners at Silkpost nodes report it), and its
destination comes from the posting event's payload. From there the router gives the arrival at
the destination office; import handling and customs there, and the last mile, come on top.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from silkpost.domain.codes import default_regime
from silkpost.domain.tracked import TrackedObject
from silkpost.network.corridor import Network
from silkpost.network.itinerary import Itinerary, NoRoute
from silkpost.network.service import plan
from silkpost.network.workhours import ready_after_arrival

LAST_MILE = timedelta(hours=30)


def _itinerary_ahead(network: Network, tracked: TrackedObject, *, now: datetime
                     ) -> Itinerary | None:
    """The earliest route from the item's last node to its destination (no legs when it is
    there), or None when the network cannot say. The ETA and the notices of the tracking page
    both follow this one route."""
    node_code, destination = tracked.last_office, tracked.destination
    if node_code is None or destination is None:
        return None
    if node_code not in network.nodes or destination not in network.nodes:
        return None
    if node_code == destination:
        return Itinerary(origin=node_code, destination=destination, ready=tracked.last_at,
                         legs=())
    ready = max(tracked.last_at, now)  # an item late at a node leaves from now, not before
    try:
        return plan(network, node_code, destination, ready, exclude_modes=("air",))
    except NoRoute:
        return None


def estimate_delivery(network: Network, tracked: TrackedObject, *, now: datetime
                      ) -> datetime | None:
    """When the item should be delivered, or None when the network cannot say."""
    itinerary = _itinerary_ahead(network, tracked, now=now)
    if itinerary is None:
        return None
    at_office = ready_after_arrival(network.nodes[itinerary.destination], itinerary.arrives,
                                    default_regime())
    return max(at_office + LAST_MILE, now)


def route_ahead(network: Network, tracked: TrackedObject, *, now: datetime
                ) -> tuple[list[str], list[str]]:
    """The nodes and service ids an item in flight is still expected to pass (the route its
    ETA is computed on); empty when the network cannot say or the item has arrived."""
    itinerary = _itinerary_ahead(network, tracked, now=now)
    if itinerary is None or not itinerary.legs:
        return [], []
    nodes = [itinerary.origin] + [leg.service.destination for leg in itinerary.legs]
    return nodes, [leg.service.id for leg in itinerary.legs]


class NetworkEta:
    """The tracking hub's EtaEstimator, backed by the network's router."""

    def __init__(self, network: Network) -> None:
        self.network = network

    def __call__(self, tracked: TrackedObject, *, now: datetime) -> datetime | None:
        """The estimated delivery time."""
        return estimate_delivery(self.network, tracked, now=now)
