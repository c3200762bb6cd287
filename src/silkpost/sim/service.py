"""The simulate use case: run a scenario into the tracking hub and report on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import EPOCH
from silkpost.errors import InvalidRequest
from silkpost.network.corridor import Network
from silkpost.office.ports import OfficeUnitOfWork
from silkpost.sim.engine import FLUSH_AT, SOURCE, CorridorSimulation
from silkpost.sim.report import Report, build_report
from silkpost.sim.scenario import Scenario
from silkpost.tracking.ports import UnitOfWork
from silkpost.tracking.service import Intake

# Each hand-over of scans is stored in transactions of this many events: large ones are
# cheaper (each commit writes every page it touched, and the simulated parcels in flight are
# spread over most of the log's index: a transaction of 1M writes about what one of 500k
# does), small ones keep another writer of the same SQLite file (the API, an import) from
# waiting long (one of 1M takes about 10 s on the benchmark machine, under the 60 s it waits).
STORE_BATCH = 1_000_000


class SimulatedScansRejected(RuntimeError):
    """The hub rejected scans the simulator made: the simulator is wrong, not the hub."""


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
    office_records: OfficeUnitOfWork,
    on_hour: Callable[[int], None] | None = None,
) -> Report:
    """Run ``scenario``; every simulated scan is validated and stored by the tracking hub,
    and the Chinese offices of exchange work through the office's functions, keeping their
    records in ``office_records`` (see :mod:`silkpost.sim.offices`).

    Parcel ids start at the event log's position (see :class:`~silkpost.sim.demand.ItemIds`)
    and the offices number their dispatches past the receptacles stored, so runs into one
    store never share an item or a bag (until the serials of a year wrap, as the standard
    lets them). The hub's store keeps storing one simulated day while the simulation
    computes the next.
    """
    with uow:
        first_id = uow.events.high_water_mark()
        # (stuck_at only sets the stuck counts, which are not used here)
        bags = sum(c.total for c in uow.events.count_by_status(ObjectKind.RECEPTACLE,
                                                                stuck_at=EPOCH))
    clock = SimClock()
    with Intake(uow=uow, clock=clock, source=SOURCE,
                batch_size=min(STORE_BATCH, FLUSH_AT)) as intake:
        simulation = CorridorSimulation(network, scenario, sink=intake.feed,
                                        recorded=intake.feed_checked,
                                        office_records=office_records, on_hour=on_hour,
                                        first_id=first_id, first_dispatch=bags)
        clock.simulation = simulation
        try:
            stats = simulation.run()
        except InvalidRequest as exc:  # an office's action refused: its event was invalid
            raise SimulatedScansRejected(f"a simulated office's work was refused: {exc}"
                                         ) from exc
    if intake.result.rejected:
        first = intake.result.rejections[0]
        raise SimulatedScansRejected(
            f"{intake.result.rejected} simulated scans rejected, e.g. record {first.position}:"
            f" {first.field} {first.reason}")
    return build_report(stats, scenario, started=simulation.t0, promises=network.promises_days)
