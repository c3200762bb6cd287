"""The simulate use case: run a scenario into the tracking hub and report on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from silkpost.domain.events import TrackingEvent
from silkpost.network.corridor import Network
from silkpost.sim.engine import CorridorSimulation
from silkpost.sim.report import Report, build_report
from silkpost.sim.scenario import Scenario
from silkpost.tracking.ports import Clock, UnitOfWork
from silkpost.tracking.service import ingest_events


class SimClock:
    """The simulator's clock, for the hub's 'received at'."""

    def __init__(self, simulation: CorridorSimulation) -> None:
        self._sim = simulation

    def now(self) -> datetime:
        """The simulated time."""
        return self._sim.now()


def simulate(
    scenario: Scenario,
    *,
    network: Network,
    uow: UnitOfWork,
    on_hour: Callable[[int], None] | None = None,
) -> Report:
    """Run ``scenario``; every simulated scan is ingested by the tracking hub."""
    holder: dict[str, Clock] = {}

    def sink(events: list[TrackingEvent]) -> None:
        ingest_events(events, uow=uow, clock=holder["clock"])

    simulation = CorridorSimulation(network, scenario, sink=sink, on_hour=on_hour)
    holder["clock"] = SimClock(simulation)
    stats = simulation.run()
    hours_of = {item_id: simulation.hours_at(j.parcel.posted_at)
                for item_id, j in stats.journeys.items()}
    return build_report(stats, scenario, hours_of=hours_of)
