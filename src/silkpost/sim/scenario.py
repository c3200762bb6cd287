"""Scenario files: demand, customs times, disruptions, promises.

The shipped ones live in the package (``silkpost/sim/scenarios/NAME.toml``), so an installed
Silkpost can simulate; any other file is chosen by its path.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from silkpost.errors import InvalidRequest, NotFound
from silkpost.sim.demand import single_regime


class UnknownScenario(NotFound):
    """No scenario file of that name."""

    code = "sim.unknown_scenario"
    title = "Unknown scenario"


class InvalidScenario(InvalidRequest):
    """A scenario file with a bad entry."""

    code = "sim.invalid_scenario"
    title = "Invalid scenario"


@dataclass(frozen=True, slots=True)
class Closure:
    """A node that handles nothing for a while (a port closed, a strike, a snowstorm)."""

    node: str
    from_hour: float
    hours: float


@dataclass(frozen=True, slots=True)
class Scenario:
    """What to simulate."""

    name: str
    description: str
    start: date
    days: int
    parcels_per_day: int
    seed: int
    origins: Mapping[str, float]
    destinations: Mapping[str, float]
    air_share: float = 0.05
    battery_share: float = 0.08
    inspection_share: float = 0.02
    failed_delivery_share: float = 0.03
    breakdown_share: float = 0.0
    customs_hours: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    closures: tuple[Closure, ...] = ()
    promises_days: Mapping[str, float] = field(default_factory=dict)
    drain_days: int = 12
    regimes: Mapping[str, float] = field(default_factory=single_regime)
    # The share of parcels declared to customs before they reach the port (the rest are
    # declared on arrival and take the port's declaration hours).
    predeclared_share: float = 1.0
    # Acceptance security at the offices of exchange: each item's content check and X-ray
    # recorded (one batch per truckload) where it is first scanned in, and the gate on at
    # every office the run works (no item leaves in a dispatch without them).
    acceptance_gate: bool = False
    # When set, the run stops at this instant, whatever the days and drain days: a live demo
    # ends at the moment it starts, so the store shows what a real system would show now.
    end: datetime | None = None

    def with_overrides(self, *, days: int | None = None, parcels_per_day: int | None = None,
                       seed: int | None = None, start: date | None = None,
                       drain_days: int | None = None, end: datetime | None = None
                       ) -> Scenario:
        """The same scenario with command-line overrides."""
        return replace(
            self,
            start=self.start if start is None else start,
            drain_days=self.drain_days if drain_days is None else drain_days,
            days=self.days if days is None else days,
            parcels_per_day=self.parcels_per_day if parcels_per_day is None else parcels_per_day,
            seed=self.seed if seed is None else seed,
            end=self.end if end is None else end,
        )


def scenarios_dir() -> Path:
    """The scenarios shipped in the package."""
    return Path(str(files("silkpost.sim").joinpath("scenarios")))


def load_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name (``seeds-2023``), or any scenario file by its path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = scenarios_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in scenarios_dir().glob("*.toml")))
        raise UnknownScenario(f"no scenario {name_or_path!r} (known: {known}, or a file path)",
                              field="scenario")
    try:
        doc: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidScenario(f"{path} is not a readable TOML scenario: {exc}; fix the file, "
                              "or copy a shipped one (silkpost/sim/scenarios/*.toml)",
                              field="scenario") from None
    try:
        closures = tuple(Closure(str(c["node"]), float(c["from_hour"]), float(c["hours"]))
                         for c in doc.get("closures", []))
        scenario = Scenario(
            name=str(doc.get("name", path.stem)),
            description=str(doc.get("description", "")),
            start=date.fromisoformat(str(doc["start"])),
            days=int(doc["days"]),
            parcels_per_day=int(doc["parcels_per_day"]),
            seed=int(doc.get("seed", 1)),
            origins={str(k): float(v) for k, v in doc["origins"].items()},
            destinations={str(k): float(v) for k, v in doc["destinations"].items()},
            air_share=float(doc.get("air_share", 0.05)),
            battery_share=float(doc.get("battery_share", 0.08)),
            inspection_share=float(doc.get("inspection_share", 0.02)),
            failed_delivery_share=float(doc.get("failed_delivery_share", 0.03)),
            breakdown_share=float(doc.get("breakdown_share", 0.0)),
            customs_hours={str(k): {str(r): float(h) for r, h in v.items()}
                           for k, v in doc.get("customs_hours", {}).items()},
            closures=closures,
            promises_days={str(k): float(v) for k, v in doc.get("promises_days", {}).items()},
            drain_days=int(doc.get("drain_days", 12)),
            regimes={str(k): float(v) for k, v in
                     doc.get("regimes", single_regime()).items()},
            predeclared_share=float(doc.get("predeclared_share", 1.0)),
            acceptance_gate=doc.get("acceptance_gate", False),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidScenario(f"{path.name}: {exc!r}", field="scenario") from None
    if not isinstance(scenario.acceptance_gate, bool):
        raise InvalidScenario(f"{path.name}: acceptance_gate is true or false, not "
                              f"{scenario.acceptance_gate!r}", field="acceptance_gate")
    if not 0 <= scenario.predeclared_share <= 1:
        raise InvalidScenario(f"{path.name}: predeclared_share must be between 0 and 1",
                              field="predeclared_share")
    if scenario.days < 1 or scenario.parcels_per_day < 0:
        raise InvalidScenario(f"{path.name}: days ≥ 1 and parcels_per_day ≥ 0", field="days")
    return scenario
