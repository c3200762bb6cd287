"""`silkpost plan` and `silkpost network nodes` as an operator uses them (issue 16, point 8):
JSON for every plan, unknown modes, goods and places refused with what is known, local times
with their offsets, costs with their currency and both parts, and return lanes."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from silkpost.cli import app as cli
from silkpost.network.corridor import default_network_path, load_network
from silkpost.network.service import pareto_plans

READY = "2026-11-02T20:00:00+08:00"
WIDE = {"COLUMNS": "220"}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as a wide terminal shows them: the console's width is fixed when it is made
    (pytest's workers set COLUMNS=80), so COLUMNS given to the runner is not enough."""
    from silkpost.cli.output import console

    monkeypatch.setattr(console, "width", 220)


def _run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args), env=WIDE)
    return r.exit_code, r.output


def test_pareto_json_lists_every_plan_with_its_cost() -> None:
    """`plan --pareto --json` is one JSON document holding every Pareto plan of the service
    layer, earliest first, each with legs and its cost in the network's currency."""
    expected = pareto_plans(load_network(default_network_path()), "CNURCA", "KZALAA",
                            datetime.fromisoformat(READY), weight_kg=20)
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--pareto", "--json", "--weight", "20")
    assert code == 0, out
    doc = json.loads(out)
    assert (doc["currency"], doc["weight_kg"]) == ("USD", 20)
    assert len(expected) >= 2
    assert [[leg["service"] for leg in p["legs"]] for p in doc["plans"]] == [
        [leg.service.id for leg in p.legs] for p in expected]
    for p, it in zip(doc["plans"], expected, strict=True):
        assert datetime.fromisoformat(p["arrives_utc"]) == it.arrives
        assert p["cost"]["total"] == round(it.cost(20), 2)
        assert p["cost"]["total"] == round(p["cost"]["per_kg"] * 20
                                           + p["cost"]["per_shipment"], 2)


def test_budget_is_the_total_in_the_currency_for_the_weight() -> None:
    """--budget bounds the total cost for --weight kg: the cheapest plan's total keeps it,
    the dearer plans go; its help says the unit."""
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--pareto", "--json", "--weight", "20")
    totals = [p["cost"]["total"] for p in json.loads(out)["plans"]]
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--pareto", "--json", "--weight", "20", "--budget", str(min(totals)))
    assert code == 0, out
    assert [p["cost"]["total"] for p in json.loads(out)["plans"]] == [min(totals)]
    code, out = _run("plan", "--help")
    assert "currency" in out and "--weight" in out


def test_table_shows_local_times_with_offsets_and_costs_in_parts() -> None:
    """Each leg's departure and arrival are local times with their UTC offsets (Beijing +08:00,
    Almaty +05:00), and the cost shows its currency, per kg and per shipment."""
    code, out = _run("plan", "--from", "CNDGGA", "--to", "KZALAA", "--ready",
                     "2026-11-24T15:00+08:00", "--exclude-mode", "air")
    assert code == 0, out
    assert "2026-11-24 20:00 +08:00" in out  # leaves Dongguan at 20:00 Beijing time
    assert "+05:00" in out  # reaches Almaty in Almaty time
    assert "USD/kg" in out and "USD/shipment" in out
    assert "0.57 USD/kg + 520.00 USD per shipment = 520.57 USD" in out
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--pareto")
    assert code == 0 and "+05:00" in out and "USD/shipment" in out


def test_unknown_modes_and_goods_are_refused_with_the_known_ones() -> None:
    """A mode or goods flag the network does not know ends with exit code 2 and the list."""
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--exclude-mode", "boat")
    assert code == 2 and "'boat'" in out and "truck, rail, air" in out
    code, out = _run("plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", READY,
                     "--goods", "lithium", "--pareto", "--json")
    assert code == 2 and "'lithium'" in out and "battery" in out
    assert "Traceback" not in out


def test_a_wrong_node_suggests_the_nearest_codes() -> None:
    """`plan --from URUMQI` (a name, not a code) names the Urumqi nodes; exit code 2."""
    code, out = _run("plan", "--from", "URUMQI", "--to", "KZALAA", "--ready", READY)
    assert code == 2 and "(from)" in out and "CNURCA" in out and "CNURC-AIR" in out
    code, out = _run("network", "sortplan", "Almaty")
    assert code == 2 and "KZALAA" in out and "CNURCA" not in out


def test_network_nodes_lists_codes_names_and_zones() -> None:
    """`network nodes` shows every node's code, names, kind, country, UN/LOCODE and zone;
    --lang keeps one language (Kazakh falls back to Russian), --json the same as data."""
    network = load_network(default_network_path())
    code, out = _run("network", "nodes")
    assert code == 0, out
    assert all(c in out for c in network.nodes)
    assert "乌鲁木齐国际邮件互换局" in out and "Asia/Almaty" in out and "KZALA" in out
    assert "partner_post_office" in out
    code, out = _run("network", "nodes", "--lang", "kk")
    assert code == 0 and "Қорғас" in out and "Khorgos" not in out
    code, out = _run("network", "nodes", "--json")
    nodes = {n["code"]: n for n in json.loads(out)["nodes"]}
    assert set(nodes) == set(network.nodes)
    assert nodes["KZALAA"] == {
        "code": "KZALAA", "kind": "partner_post_office", "country": "KZ", "locode": "KZALA",
        "tz": "Asia/Almaty", "names": dict(network.nodes["KZALAA"].names)}
    code, out = _run("network", "nodes", "--lang", "xx")
    assert code == 2 and "Traceback" not in out


def test_returned_mail_finds_its_way_back() -> None:
    """Return lanes: Almaty to Urumqi (by truck through Khorgos without the flight), and
    every partner office back to the Urumqi office of exchange and the senders' warehouse."""
    code, out = _run("plan", "--from", "KZALAA", "--to", "CNURCA", "--ready",
                     "2026-11-24T09:00+05:00", "--exclude-mode", "air", "--json")
    assert code == 0, out
    legs = json.loads(out)["legs"]
    assert [(x["from"], x["to"]) for x in legs] == [("KZALAA", "CNHRS-XS"),
                                                    ("CNHRS-XS", "CNURCA")]
    for origin in ("KZASTA", "KGFRUA", "UZTASA", "TJDYUA", "RUMOWA", "PLMAA-RAIL"):
        code, out = _run("plan", "--from", origin, "--to", "CNDGGA", "--ready",
                         "2026-11-24T09:00+05:00", "--json")
        assert code == 0, (origin, out)


def test_sort_plan_shows_local_times_with_offsets() -> None:
    """The sort plan's departures are in the office's time, arrivals in the destination's."""
    code, out = _run("network", "sortplan", "CNURCA", "--at", "2026-11-24T09:00+08:00")
    assert code == 0, out
    almaty = next(line for line in out.splitlines() if "KZALAA" in line)
    assert "+08:00" in almaty and "+05:00" in almaty
