"""Network endpoints and commands end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli import app as cli
from tests.keys import admin_headers


@pytest.fixture
def client(sqlite_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as c:
        yield c


def test_network_and_picture(client: TestClient) -> None:
    """The network lists its nodes and services; the picture is SVG with every node."""
    body = client.get("/api/v1/network").json()
    codes = {n["code"] for n in body["nodes"]}
    assert {"CNURCA", "CNHRS-XS", "KZALAA"} <= codes
    svg = client.get("/api/v1/network.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert all(code in svg.text for code in codes)


def test_plan_truck_line_and_problems(client: TestClient) -> None:
    """Plans list legs in local time and UTC; bad modes and unknown nodes are problems."""
    r = client.post("/api/v1/routes/plan", json={
        "from": "CNDGGA", "to": "KZALAA", "ready": "2026-11-24T15:00:00+08:00",
        "exclude_modes": ["air"]})
    plan = r.json()
    assert r.status_code == 200 and [leg["mode"] for leg in plan["legs"]] == ["truck"] * 3
    assert plan["legs"][0]["departs_local"].endswith("+08:00")
    assert plan["legs"][0]["departs_utc"].endswith("Z")
    bad = client.post("/api/v1/routes/plan", json={"from": "CNDGGA", "to": "KZALAA",
                                                  "ready": "2026-11-24T15:00:00+08:00",
                                                  "exclude_modes": ["boat"]})
    assert bad.status_code == 400 and bad.json()["field"] == "exclude_modes"
    unknown = client.post("/api/v1/routes/plan", json={"from": "XXXXXX", "to": "KZALAA",
                                                      "ready": "2026-11-24T15:00:00+08:00"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "network.unknown_node"


def test_sort_plan_at_urumqi(client: TestClient) -> None:
    """Almaty parcels at Urumqi go on a service toward Khorgos or the airport."""
    entries = client.get("/api/v1/offices/CNURCA/sort-plan",
                         params={"at": "2026-11-24T09:00:00+08:00"}).json()
    almaty = next(e for e in entries if e["destination"] == "KZALAA")
    assert almaty["next_node"] in ("CNHRS-XS", "CNURC-AIR")


def test_cli_plan_json_and_network_check(tmp_path: Path) -> None:
    """`plan --json` gives the itinerary; `network check` lists problems and exits 2."""
    runner = CliRunner()
    r = runner.invoke(cli, ["plan", "--from", "CNURCA", "--to", "KZALAA", "--ready",
                            "2026-11-24T09:00:00+08:00", "--goods", "battery", "--json"])
    assert r.exit_code == 0, r.output
    assert '"air"' not in r.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[nodes]]\ncode = "A"\n')
    r = runner.invoke(cli, ["network", "check", str(bad)])
    assert r.exit_code == 2 and "field 'kind'" in r.output
    out = tmp_path / "n.svg"
    assert runner.invoke(cli, ["network", "draw", "--out", str(out)]).exit_code == 0
    assert out.read_text().startswith("<svg")


def test_api_and_cli_plans_are_the_service_plan(client: TestClient,
                                                sqlite_platform: Platform) -> None:
    """The API's /routes/plan and `silkpost plan --json` show the service layer's itinerary,
    leg by leg, to the minute, in local time and UTC."""
    import json
    from datetime import datetime

    from silkpost.network.service import plan

    ready = "2026-11-24T09:00:00+08:00"
    network = sqlite_platform.network
    assert network is not None
    expected = plan(network, "CNDGGA", "RUMOWA", datetime.fromisoformat(ready))
    legs = [(leg.service.id, leg.departs, leg.arrives) for leg in expected.legs]
    api = client.post("/api/v1/routes/plan", json={"from": "CNDGGA", "to": "RUMOWA",
                                                   "ready": ready}).json()
    assert [(x["service"], datetime.fromisoformat(x["departs_utc"]),
             datetime.fromisoformat(x["arrives_local"])) for x in api["legs"]] == legs
    r = CliRunner().invoke(cli, ["plan", "--from", "CNDGGA", "--to", "RUMOWA", "--ready",
                                 ready, "--json"])
    shown = json.loads(r.output)
    assert [(x["service"], datetime.fromisoformat(x["departs_local"]),
             datetime.fromisoformat(x["arrives_utc"])) for x in shown["legs"]] == legs


def test_pareto_plans_in_the_api_are_the_service_ones(client: TestClient,
                                                      sqlite_platform: Platform) -> None:
    """/routes/pareto lists the service layer's Pareto plans, earliest first (the dear
    freighter before the cheap truck from Urumqi to Almaty); a budget drops the dear ones."""
    from datetime import datetime

    from silkpost.network.service import pareto_plans

    ready = "2026-11-02T20:00:00+08:00"
    network = sqlite_platform.network
    assert network is not None
    expected = pareto_plans(network, "CNURCA", "KZALAA", datetime.fromisoformat(ready))
    body = {"from": "CNURCA", "to": "KZALAA", "ready": ready}
    got = client.post("/api/v1/routes/pareto", json=body).json()
    assert [[leg["service"] for leg in p["legs"]] for p in got] == [
        [leg.service.id for leg in p.legs] for p in expected]
    assert len(got) >= 2 and "air" in {leg["mode"] for leg in got[0]["legs"]}
    cheap = client.post("/api/v1/routes/pareto",
                        json={**body, "budget": min(p["cost"]["total"] for p in got)}).json()
    assert cheap and all(p["cost"]["total"] <= got[-1]["cost"]["total"] for p in cheap)
    assert len(cheap) < len(got)


def test_api_costs_carry_currency_and_both_parts(client: TestClient) -> None:
    """A plan's cost names the network's currency and keeps the legs' per-kg rates apart from
    their per-shipment charges; the total is per_kg × weight_kg + per_shipment, and the
    network lists each service's two prices in the same currency."""
    body = {"from": "CNDGGA", "to": "KZALAA", "ready": "2026-11-24T15:00:00+08:00",
            "exclude_modes": ["air"]}
    one = client.post("/api/v1/routes/plan", json=body).json()["cost"]
    heavy = client.post("/api/v1/routes/plan", json={**body, "weight_kg": 500}).json()["cost"]
    assert one["currency"] == heavy["currency"] == "USD"
    # The truck line's legs: 0.35 + 0.12 + 0.10 per kg, 300 + 120 + 100 per shipment.
    assert (one["per_kg"], one["per_shipment"]) == (0.57, 520.0)
    assert heavy["total"] == round(0.57 * 500 + 520, 2) and heavy["weight_kg"] == 500
    network = client.get("/api/v1/network").json()
    assert network["currency"] == "USD"
    truck = next(s for s in network["services"] if s["id"] == "T-DGG-URC")
    assert (truck["cost_per_kg"], truck["cost_per_shipment"]) == (0.35, 300)
    zero = client.post("/api/v1/routes/plan", json={**body, "weight_kg": 0})
    assert zero.status_code == 422 and "weight_kg" in zero.text


def test_api_unknown_nodes_modes_and_goods_name_the_known_ones(client: TestClient) -> None:
    """A place name where a code belongs is answered with the nearest codes; a mode or a goods
    flag the network does not know is refused with the list of known ones."""
    ready = "2026-11-24T15:00:00+08:00"
    r = client.post("/api/v1/routes/plan", json={"from": "CNDGGA", "to": "Алматы",
                                                 "ready": ready})
    assert r.status_code == 400 and r.json()["field"] == "to"
    assert "KZALAA" in r.json()["detail"]
    r = client.get("/api/v1/offices/URUMQI/sort-plan")
    assert r.status_code == 400 and "CNURCA" in r.json()["detail"]
    r = client.post("/api/v1/routes/pareto", json={"from": "CNDGGA", "to": "KZALAA",
                                                   "ready": ready, "exclude_modes": ["boat"]})
    assert r.status_code == 400 and "truck, rail, air" in r.json()["detail"]
    r = client.post("/api/v1/routes/plan", json={"from": "CNDGGA", "to": "KZALAA",
                                                 "ready": ready, "goods": ["lithium"]})
    assert r.status_code == 400 and r.json()["field"] == "goods"
    assert "battery" in r.json()["detail"]


def test_cli_pareto_lists_the_service_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """`silkpost plan --pareto` prints one row per Pareto plan of the service layer."""
    from datetime import datetime

    from silkpost.cli.output import console

    monkeypatch.setattr(console, "width", 200)  # fixed at import: COLUMNS=80 under xdist
    from silkpost.network.corridor import default_network_path, load_network
    from silkpost.network.service import pareto_plans

    ready = "2026-11-02T20:00:00+08:00"
    expected = pareto_plans(load_network(default_network_path()), "CNURCA", "KZALAA",
                            datetime.fromisoformat(ready))
    r = CliRunner().invoke(cli, ["plan", "--from", "CNURCA", "--to", "KZALAA", "--ready", ready,
                                 "--pareto"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert f"{len(expected)} plans" in r.output
    for p in expected:
        assert " → ".join(leg.service.id for leg in p.legs) in r.output
