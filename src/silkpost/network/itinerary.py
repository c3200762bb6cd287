"""What the router answers: itineraries of legs, in datetimes, and the error for no route."""

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
        """Transport cost for a shipment of ``weight_kg``."""
        return sum(leg.service.cost_per_kg * weight_kg + leg.service.cost_per_shipment
                   for leg in self.legs)
