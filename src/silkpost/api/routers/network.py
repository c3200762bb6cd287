"""Network endpoints: the corridor network, route plans, sort plans, the network picture."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from silkpost.api.access import ANY_KEY
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES
from silkpost.errors import InvalidRequest
from silkpost.network.corridor import Network
from silkpost.network.draw import network_svg
from silkpost.network.itinerary import Cost, Itinerary
from silkpost.network.service import pareto_plans, plan, sort_plan

router = APIRouter(prefix="/api/v1", tags=["network"], responses=PROBLEM_RESPONSES,
                   dependencies=[ANY_KEY])


class NodeOut(BaseModel):
    """A node of the network."""

    code: str
    kind: str
    country: str
    locode: str
    lat: float
    lon: float
    tz: str
    names: dict[str, str]


class ServiceOut(BaseModel):
    """A scheduled service."""

    id: str
    origin: str
    destination: str
    mode: str
    operator: str
    duration_hours: float
    departures_per_week: int
    capacity_kg: float
    cost_per_kg: float
    cost_per_shipment: float
    forbids: list[str]


class NetworkOut(BaseModel):
    """The network; every cost is in ``currency``."""

    name: str
    currency: str
    nodes: list[NodeOut]
    services: list[ServiceOut]


@router.get("/network", response_model=NetworkOut)
def get_network(platform: PlatformDep) -> NetworkOut:
    """Nodes and services of the loaded corridor network."""
    n = platform.network
    return NetworkOut(
        name=n.name, currency=n.currency,
        nodes=[NodeOut(code=x.code, kind=x.kind, country=x.country, locode=x.locode, lat=x.lat,
                       lon=x.lon, tz=str(x.tz), names=dict(x.names)) for x in n.nodes.values()],
        services=[ServiceOut(id=s.id, origin=s.origin, destination=s.destination, mode=s.mode,
                             operator=s.operator, duration_hours=s.duration_hours,
                             departures_per_week=len(s.departures), capacity_kg=s.capacity_kg,
                             cost_per_kg=s.cost_per_kg, cost_per_shipment=s.cost_per_shipment,
                             forbids=sorted(s.forbids)) for s in n.services],
    )


@router.get("/network.svg", response_class=Response)
def get_network_svg(platform: PlatformDep) -> Response:
    """The network as an SVG picture."""
    return Response(network_svg(platform.network), media_type="image/svg+xml")


class PlanRequest(BaseModel):
    """What to plan; ``weight_kg`` is the shipment the cost is given for."""

    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    ready: datetime
    exclude_modes: list[str] = []
    goods: list[str] = []
    latest: datetime | None = None
    weight_kg: float = Field(default=1.0, gt=0)


class LegOut(BaseModel):
    """One leg: departure and arrival in local time and UTC, and the wait before it."""

    service: str
    mode: str
    origin: str
    destination: str
    wait_hours: float
    departs_local: datetime
    departs_utc: datetime
    arrives_local: datetime
    arrives_utc: datetime


class CostOut(BaseModel):
    """A plan's cost for a shipment of ``weight_kg``: the legs' per-kg rates added up
    (``per_kg``, per kg), their per-shipment charges added up, and ``total`` = per_kg ×
    weight_kg + per_shipment, all in ``currency`` (the network's)."""

    currency: str
    weight_kg: float
    per_kg: float
    per_shipment: float
    total: float

    @classmethod
    def of(cls, cost: Cost) -> CostOut:
        """The figures of a :class:`Cost`, rounded to the cent."""
        return cls(currency=cost.currency, weight_kg=cost.weight_kg,
                   per_kg=round(cost.per_kg, 4), per_shipment=round(cost.per_shipment, 2),
                   total=round(cost.total, 2))


class PlanOut(BaseModel):
    """An itinerary: arrival, hours from ready, cost, legs."""

    origin: str
    destination: str
    arrives: datetime
    hours: float
    cost: CostOut
    legs: list[LegOut]


def _checked(body: PlanRequest) -> None:
    if body.ready.tzinfo is None:
        raise InvalidRequest("ready needs a UTC offset", field="ready")


def _plan_out(n: Network, it: Itinerary, ready: datetime, weight_kg: float) -> PlanOut:
    return PlanOut(
        origin=it.origin, destination=it.destination, arrives=it.arrives,
        hours=round((it.arrives - ready).total_seconds() / 3600, 2),
        cost=CostOut.of(it.priced(n.currency, weight_kg)),
        legs=[LegOut(service=leg.service.id, mode=leg.service.mode, origin=leg.service.origin,
                     destination=leg.service.destination,
                     wait_hours=round(leg.wait.total_seconds() / 3600, 2),
                     departs_local=leg.departs.astimezone(n.nodes[leg.service.origin].tz),
                     departs_utc=leg.departs,
                     arrives_local=leg.arrives.astimezone(n.nodes[leg.service.destination].tz),
                     arrives_utc=leg.arrives) for leg in it.legs],
    )


@router.post("/routes/plan", response_model=PlanOut)
def post_plan(body: PlanRequest, platform: PlatformDep) -> PlanOut:
    """The earliest arrival from a ready time, under mode and goods constraints."""
    n = platform.network
    _checked(body)
    it = plan(n, body.origin.upper(), body.destination.upper(), body.ready, goods=body.goods,
              exclude_modes=body.exclude_modes, latest=body.latest)
    return _plan_out(n, it, body.ready, body.weight_kg)


class ParetoRequest(PlanRequest):
    """What to plan, and the most a plan may cost in all for ``weight_kg`` (``budget``, in
    the network's currency: per-kg rates × weight + per-shipment charges)."""

    budget: float | None = Field(default=None, ge=0)


@router.post("/routes/pareto", response_model=list[PlanOut])
def post_pareto(body: ParetoRequest, platform: PlatformDep) -> list[PlanOut]:
    """Every plan not beaten on arrival, cost and transfers at once, earliest first."""
    n = platform.network
    _checked(body)
    plans = pareto_plans(n, body.origin.upper(), body.destination.upper(), body.ready,
                         goods=body.goods, exclude_modes=body.exclude_modes,
                         latest=body.latest, budget=body.budget, weight_kg=body.weight_kg)
    return [_plan_out(n, it, body.ready, body.weight_kg) for it in plans]


class SortPlanOut(BaseModel):
    """Next outbound service for one destination."""

    destination: str
    service: str
    mode: str
    next_node: str
    departs: datetime
    arrives_destination: datetime


@router.get("/offices/{code}/sort-plan", response_model=list[SortPlanOut])
def get_sort_plan(code: str, platform: PlatformDep, at: datetime | None = None
                  ) -> list[SortPlanOut]:
    """For each destination, the next service parcels sorted now should go on."""
    entries = sort_plan(platform.network, code.upper(), at or platform.clock.now())
    return [SortPlanOut(destination=e.destination, service=e.service_id, mode=e.mode,
                        next_node=e.next_node, departs=e.departs,
                        arrives_destination=e.arrives_destination) for e in entries]
