"""The simulation report: per-lane transit times and on-time share, dwell, customs, throughput.

The lane figures are :func:`silkpost.domain.transit.outcome` over the run's parcels at the end
of the run: the same function, on the same instants, as the analytics API's lanes over the
events the run stored (a test compares them lane by lane).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from silkpost.domain.events import to_epoch_us
from silkpost.domain.lanes import lane_key
from silkpost.domain.transit import LaneItems, outcome, percentile
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
    customs_hours_p50: dict[str, float]
    customs_hours_p90: dict[str, float]
    delivered_per_day: dict[int, int]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return asdict(self)

    def lane(self, name: str) -> LaneFigures | None:
        """The figures of one lane by "origin>destination"."""
        return next((lane for lane in self.lanes if lane.lane == name), None)


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
        customs_hours_p50={k: round(statistics.median(v), 2)
                           for k, v in sorted(stats.customs.items())},
        customs_hours_p90={k: round(percentile(sorted(v), 0.9), 2)
                           for k, v in sorted(stats.customs.items())},
        delivered_per_day=dict(sorted(stats.delivered_per_day.items())),
    )
