"""What the router answers: itineraries of legs, in datetimes, their cost, and the error for
no route.

What "cost" means, the one rule the router's cost objective, its budget and every driver's
figures share: a shipment of ``weight_kg`` pays on each leg the service's ``cost_per_kg`` times
the weight plus its ``cost_per_shipment`` (the charge for the dispatch on that departure,
whatever it weighs), in the network's currency. :class:`Cost` keeps the two parts apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from silkpost.errors import NotFound
from silkpost.network.corridor import Service


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
        """Transport cost for a shipment of ``weight_kg``: what the Pareto search minimises
        and its budget bounds."""
        return sum(leg.service.cost_per_kg * weight_kg + leg.service.cost_per_shipment
                   for leg in self.legs)

    def priced(self, currency: str, weight_kg: float = 1.0) -> Cost:
        """The cost for a shipment of ``weight_kg`` in its two parts (``currency`` is the
        network's)."""
        return Cost(currency=currency, weight_kg=weight_kg,
                    per_kg=sum(leg.service.cost_per_kg for leg in self.legs),
                    per_shipment=sum(leg.service.cost_per_shipment for leg in self.legs))


@dataclass(frozen=True, slots=True)
class Cost:
    """A plan's cost for a shipment: the per-kg rates of its legs added up (``per_kg``, a
    price per kg), their per-shipment charges added up, and the total for ``weight_kg``."""

    currency: str
    weight_kg: float
    per_kg: float
    per_shipment: float

    @property
    def total(self) -> float:
        """What the shipment pays: ``per_kg`` × ``weight_kg`` + ``per_shipment``."""
        return self.per_kg * self.weight_kg + self.per_shipment
