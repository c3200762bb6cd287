"""The simulation report: per-lane transit times and on-time share, dwell, customs, throughput."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from silkpost.sim.engine import Stats
from silkpost.sim.scenario import Scenario


@dataclass(frozen=True, slots=True)
class LaneFigures:
    """One origin → destination lane."""

    lane: str
    parcels: int
    delivered: int
    p50_days: float | None
    p90_days: float | None
    promise_days: float
    on_time_share: float | None


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


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def build_report(stats: Stats, scenario: Scenario, *, hours_of: dict[str, float],
                 promises: Mapping[str, float] | None = None) -> Report:
    """Aggregate the run's samples; ``hours_of`` maps item ids to their posting hour.

    ``promises`` are the network's lane promises (the ones analytics measures against); the
    scenario's own ``[promises_days]``, if any, override them for a what-if.
    """
    promised = {**(promises or {}), **scenario.promises_days}
    transit: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    in_flight = 0
    for item_id, journey in stats.journeys.items():
        lane = f"{journey.parcel.origin}>{journey.parcel.destination}"
        counts[lane] += 1
        if journey.delivered_h is None:
            in_flight += 1
        else:
            transit[lane].append((journey.delivered_h - hours_of[item_id]) / 24)
    default = promised.get("default", 12.0)
    lanes = []
    for lane in sorted(counts):
        days = transit.get(lane, [])
        promise = promised.get(lane, default)
        lanes.append(LaneFigures(
            lane=lane, parcels=counts[lane], delivered=len(days),
            p50_days=round(_quantile(days, 0.5), 2) if days else None,
            p90_days=round(_quantile(days, 0.9), 2) if days else None,
            promise_days=promise,
            on_time_share=round(sum(d <= promise for d in days) / counts[lane], 4)
            if counts[lane] else None,
        ))
    return Report(
        scenario=scenario.name, days=scenario.days, parcels_per_day=scenario.parcels_per_day,
        seed=scenario.seed, parcels=len(stats.journeys), events=stats.events,
        in_flight=in_flight, lanes=lanes,
        dwell_hours_p50={k: round(statistics.median(v), 2) for k, v in sorted(stats.dwell.items())},
        customs_hours_p50={k: round(statistics.median(v), 2)
                           for k, v in sorted(stats.customs.items())},
        customs_hours_p90={k: round(_quantile(v, 0.9), 2)
                           for k, v in sorted(stats.customs.items())},
        delivered_per_day=dict(sorted(stats.delivered_per_day.items())),
    )
