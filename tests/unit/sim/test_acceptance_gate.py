"""The simulated offices with acceptance security's gate: every item's controls recorded
through the office's own function, one batch per truckload, and no item dispatched without
them (the gate would stop the run)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from silkpost.bootstrap import Platform
from silkpost.sim.scenario import InvalidScenario, load_scenario, scenarios_dir
from silkpost.sim.service import simulate
from tests.unit.sim.test_engine import NETWORK, run, small


def test_with_the_gate_every_dispatched_item_has_its_controls(memory_platform: Platform
                                                              ) -> None:
    scenario = replace(small("seeds-2023", days=1, per_day=300), acceptance_gate=True)
    simulate(scenario, network=NETWORK, uow=memory_platform.uow(),
             office_records=memory_platform.simulation_offices())
    log = memory_platform.uow().committed_log  # type: ignore[attr-defined]
    codes = {oid: {e.code for e in events} for (kind, oid), events in log.by_object.items()
             if kind == "item"}
    bagged = {oid for oid, found in codes.items() if "EMC" in found}
    assert bagged, "some parcels left an office of exchange"
    assert all({"SKC", "SKX"} <= codes[oid] for oid in bagged)
    # Once each: an item checked at Urumqi is not checked again at the Khorgos station.
    events = [e for (kind, _), found in log.by_object.items() if kind == "item"
              for e in found if e.code == "SKX"]
    assert len(events) == len({e.object_id for e in events})


def test_the_gate_changes_no_parcels_journey() -> None:
    """The controls add events; the parcels go the same way, at the same times."""
    plain, plain_out = run(small("seeds-2023", days=1, per_day=200))
    gated, gated_out = run(replace(small("seeds-2023", days=1, per_day=200),
                                   acceptance_gate=True))
    assert gated.stats.delivered_per_day == plain.stats.delivered_per_day
    without = [r for r in gated_out if r.get("code") not in ("SKC", "SKX")]
    assert without == plain_out


def test_a_gate_setting_that_is_not_true_or_false_names_the_field(tmp_path: Path) -> None:
    text = (scenarios_dir() / "seeds-2023.toml").read_text(encoding="utf-8")
    path = tmp_path / "gate.toml"
    path.write_text('acceptance_gate = "yes"\n' + text, encoding="utf-8")
    with pytest.raises(InvalidScenario) as caught:
        load_scenario(str(path))
    assert caught.value.field == "acceptance_gate"
