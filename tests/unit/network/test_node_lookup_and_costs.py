"""The network's one answer to an unknown node (the nearest codes), the modes and goods it
knows, and what a plan's cost is made of."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from silkpost.errors import InvalidRequest
from silkpost.network.corridor import (
    NetworkFileError,
    UnknownNode,
    default_network_path,
    load_network,
)
from silkpost.network.service import pareto_plans, plan

NETWORK = load_network(default_network_path())
READY = datetime.fromisoformat("2026-11-02T20:00:00+08:00")


@pytest.mark.parametrize(("typed", "meant"), [
    ("URUMQI", "CNURCA"), ("Алматы", "KZALAA"), ("阿拉木图", "KZALAA"), ("CNURCB", "CNURCA"),
    ("Khorgos", "CNHRS-XS"), ("KZALA", "KZALAA"), ("Almati", "KZALAA"),
])
def test_unknown_node_suggests_the_nearest(typed: str, meant: str) -> None:
    """Names in any language, a UN/LOCODE-like code or a typo lead to the node meant."""
    with pytest.raises(UnknownNode) as caught:
        NETWORK.node(typed, field="from")
    assert meant in caught.value.suggestions
    assert caught.value.field == "from" and meant in caught.value.detail


def test_nothing_near_suggests_nothing() -> None:
    with pytest.raises(UnknownNode) as caught:
        NETWORK.node("QQQQQQ")
    assert caught.value.suggestions == [] and "did you mean" not in caught.value.detail


def test_known_modes_and_goods_come_from_the_network() -> None:
    """Goods flags are those the network's services refuse; others and unknown modes are
    refused by the service layer, naming the field and the known values."""
    assert NETWORK.goods_flags == ("battery",)
    with pytest.raises(InvalidRequest, match="truck, rail, air") as caught:
        plan(NETWORK, "CNURCA", "KZALAA", READY, exclude_modes=("boat",))
    assert caught.value.field == "exclude_modes"
    with pytest.raises(InvalidRequest, match="battery") as caught:
        pareto_plans(NETWORK, "CNURCA", "KZALAA", READY, goods=("Battery",))
    assert caught.value.field == "goods"


def test_cost_parts_add_up_to_what_the_router_minimises() -> None:
    """Every Pareto plan's priced parts give the cost the search used, for the weight."""
    plans = pareto_plans(NETWORK, "CNURCA", "KZALAA", READY, weight_kg=250)
    assert len(plans) >= 2
    for it in plans:
        cost = it.priced(NETWORK.currency, 250)
        assert cost.currency == "USD" and cost.weight_kg == 250
        assert cost.per_kg == pytest.approx(sum(x.service.cost_per_kg for x in it.legs))
        assert cost.total == pytest.approx(it.cost(250))
    # A heavier shipment makes the per-kg part weigh more, the order by cost can turn.
    totals = [it.cost(250) for it in plans]
    assert totals == sorted(totals, reverse=True)


def _network(tmp_path: Path, head: str, service_extra: str = "") -> Path:
    path = tmp_path / "n.toml"
    node = ('[[nodes]]\ncode = "{c}"\nkind = "warehouse"\nlocode = "{l}"\nlat = 1\nlon = 2\n'
            'tz = "UTC"\nnames = {{ en = "{c}", zh = "{c}", ru = "{c}" }}\n')
    path.write_text(head + node.format(c="AAAAAA", l="CNURC") + node.format(c="BBBBBB",
                                                                          l="CNURM")
                    + '[[services]]\nid = "S"\nfrom = "AAAAAA"\nto = "BBBBBB"\n'
                      'mode = "truck"\nduration_hours = 2\ndepartures = ["daily 10:00"]\n'
                    + service_extra)
    return path


def test_network_file_states_one_currency(tmp_path: Path) -> None:
    """The file's `currency` (USD when absent) is every service's; a service in another one
    or a currency that is no ISO 4217 code is a problem naming the entry and field."""
    assert load_network(_network(tmp_path, "")).currency == "USD"
    eur = load_network(_network(tmp_path, 'currency = "EUR"\n', 'currency = "EUR"\n'))
    assert eur.currency == eur.services[0].currency == "EUR"
    with pytest.raises(NetworkFileError) as caught:
        load_network(_network(tmp_path, 'currency = "EUR"\n', 'currency = "CNY"\n'))
    assert any("field 'currency'" in p and "EUR" in p for p in caught.value.problems)
    with pytest.raises(NetworkFileError) as caught:
        load_network(_network(tmp_path, 'currency = "euro"\n'))
    assert any("ISO 4217" in p for p in caught.value.problems)
