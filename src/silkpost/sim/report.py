"""The simulation report: per-lane transit times and on-time share, dwell, customs clearance,
declarations, throughput.

The lane figures are :func:`silkpost.domain.transit.outcome` over the run's parcels at the end
of the run, and the clearance figures :func:`silkpost.domain.clearance.clearance_figures` over
each parcel's presented → released hours: the same functions, on the same instants, as the
analytics API's lanes and customs over the events the run stored (tests compare them lane by
lane and port by port).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from silkpost.domain.clearance import ClearanceFigures, clearance_figures
from silkpost.domain.events import to_epoch_us
from silkpost.domain.lanes import lane_key
from silkpost.domain.transit import LaneItems, outcome
from silkpost.sim.engine import Stats
from silkpost.sim.scenario import Scenario


@dataclass(frozen=True, slots=True)
class LaneFigures:
    """One origin → destination lane at the end of the run (see the module docstring)."""

    lane: str
    parcels: int
    delivered: int
    in_flight: int  # still on the way when the run ended
    p50_days: float | None
    p90_days: float | None
    promise_days: float
    on_time: int
    late: int  # delivered after the promise
    overdue: int  # in flight past the promise
    on_time_share: float | None  # on time / (on time + late + overdue)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a planner reads after a run (also written as JSON)."""

    scenario: str
    days: int
    parcels_per_day: int
    seed: int
    parcels: int
    events: int
    in_flight: int
    lanes: list[LaneFigures]
    dwell_hours_p50: dict[str, float]
    # Per port: all regimes (regime "*"), then each regime.
    clearance: list[ClearanceFigures]
    declarations: dict[str, int]  # per regime
    predeclared: int  # declared before they reached a port
    declared_at_port: int  # declared when first presented to export customs
    declarations_refused: int
    delivered_per_day: dict[int, int]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return asdict(self)

    def lane(self, name: str) -> LaneFigures | None:
        """The figures of one lane by "origin>destination"."""
        return next((lane for lane in self.lanes if lane.lane == name), None)

    def clearance_at(self, port: str, regime: str = "*") -> ClearanceFigures | None:
        """The clearance figures of one port, for one regime or all (``"*"``)."""
        return next((c for c in self.clearance if c.port == port and c.regime == regime),
                    None)


def build_report(stats: Stats, scenario: Scenario, *, started: datetime,
                 promises: Mapping[str, float] | None = None) -> Report:
    """Aggregate the run's samples; ``started`` is the simulation's time zero.

    ``promises`` are the network's lane promises (the ones analytics measures against); the
    scenario's own ``[promises_days]``, if any, override them for a what-if.
    """
    promised = {**(promises or {}), **scenario.promises_days}
    default = promised.get("default", 12.0)
    ended_us = to_epoch_us(started + timedelta(hours=(scenario.days + scenario.drain_days) * 24))
    items: dict[str, LaneItems] = {}
    in_flight = 0
    for journey in stats.journeys.values():
        lane = lane_key(journey.parcel.origin, journey.parcel.destination)
        group = items.get(lane)
        if group is None:
            group = items[lane] = LaneItems(promised.get(lane, default))
        posted_us = to_epoch_us(journey.parcel.posted_at)
        if journey.delivered_h is None:
            in_flight += 1
            group.in_flight_posted_us.append(posted_us)
        else:
            # The instant the delivery scan carries (the engine's clock at that hour).
            delivered_us = to_epoch_us(started + timedelta(hours=journey.delivered_h))
            group.transit_us.append(delivered_us - posted_us)
    lanes = []
    for lane in sorted(items):
        group = items[lane]
        o = outcome([group], now_us=ended_us)
        assert group.promise_days is not None
        lanes.append(LaneFigures(
            lane=lane, parcels=o.posted, delivered=o.delivered, in_flight=o.in_flight,
            p50_days=o.p50_days, p90_days=o.p90_days, promise_days=group.promise_days,
            on_time=o.on_time, late=o.late, overdue=o.overdue, on_time_share=o.on_time_share,
        ))
    return Report(
        scenario=scenario.name, days=scenario.days, parcels_per_day=scenario.parcels_per_day,
        seed=scenario.seed, parcels=len(stats.journeys), events=stats.events,
        in_flight=in_flight, lanes=lanes,
        dwell_hours_p50={k: round(statistics.median(v), 2) for k, v in sorted(stats.dwell.items())},
        clearance=_clearance(stats),
        declarations=dict(sorted(stats.declarations.by_regime.items())),
        predeclared=stats.declarations.predeclared,
        declared_at_port=stats.declarations.at_port,
        declarations_refused=stats.declarations.refused,
        delivered_per_day=dict(sorted(stats.delivered_per_day.items())),
    )


def _clearance(stats: Stats) -> list[ClearanceFigures]:
    ports: dict[str, list[float]] = {}
    for (port, _), hours in stats.clearance.items():
        ports.setdefault(port, []).extend(hours)
    out = []
    for port in sorted(ports):
        out.append(clearance_figures(port, "*", ports[port]))
        out.extend(clearance_figures(port, regime, stats.clearance[(port, regime)])
                   for regime in sorted(r for p, r in stats.clearance if p == port))
    return out
