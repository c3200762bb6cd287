"""The simulate use case: run a scenario into the tracking hub and report on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from silkpost.network.corridor import Network
from silkpost.sim.engine import CorridorSimulation
from silkpost.sim.report import Report, build_report
from silkpost.sim.scenario import Scenario
from silkpost.tracking.ports import UnitOfWork
from silkpost.tracking.service import EventFeed


class SimClock:
    """The simulator's clock, for the hub's 'received at' (the simulation is set once built)."""

    def __init__(self, simulation: CorridorSimulation | None = None) -> None:
        self.simulation = simulation

    def now(self) -> datetime:
        """The simulated time."""
        if self.simulation is None:
            raise RuntimeError("the simulation has not been built yet")
        return self.simulation.now()


def simulate(
    scenario: Scenario,
    *,
    network: Network,
    uow: UnitOfWork,
    on_hour: Callable[[int], None] | None = None,
) -> Report:
    """Run ``scenario``; every simulated scan is ingested by the tracking hub."""
    clock = SimClock()
    # The hub stores each batch of scans in a writer process while the simulation runs on:
    # storing costs more than simulating, and the two overlap on two cores.
    with EventFeed(uow=uow, clock=clock) as feed:
        simulation = CorridorSimulation(network, scenario, sink=feed, on_hour=on_hour)
        clock.simulation = simulation
        stats = simulation.run()
    return build_report(stats, scenario, started=simulation.t0, promises=network.promises_days)
