"""``silkpost network`` and ``silkpost plan``: the corridor network and routes over it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from silkpost.cli.output import (
    TIME_EXAMPLE,
    console,
    err_console,
    plain,
    reported_errors,
    write_output,
)
from silkpost.domain.codes import LANGUAGES, Language
from silkpost.network.corridor import MODES

_MODES = ", ".join(MODES)  # the network's one list, shown in --exclude-mode's help

network_app = typer.Typer(help="The corridor network: nodes, check, draw, sort plans.",
                          no_args_is_help=True)


if TYPE_CHECKING:
    from silkpost.bootstrap import Platform
    from silkpost.network.corridor import Network
    from silkpost.network.itinerary import Itinerary


def _platform() -> Platform:
    """The platform of the settings (network and clock); the store is not touched."""
    from silkpost.bootstrap import bootstrap

    return bootstrap(migrate=False)


@network_app.command("check")
def check(file: Path = typer.Argument(..., help="network TOML file")) -> None:
    """Validate a network file; list every problem with its entry and field."""
    from silkpost.network.corridor import NetworkFileError, load_network

    try:
        network = load_network(file)
    except NetworkFileError as exc:
        for problem in exc.problems:
            err_console.print(f"[red]✗[/] {plain(problem)}")
        raise typer.Exit(2) from None
    console.print(f"[green]✓[/] {plain(file)}: {len(network.nodes)} nodes, "
                  f"{len(network.services)} services")


@network_app.command("nodes")
def nodes(lang: Language = typer.Option(
              None, help="show names in this language only (zh, en, ru or kk; kk falls back "
                         "to ru); default: all four"),
          as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """The network's nodes: code, names, kind, country, UN/LOCODE and time zone, the codes
    every other command and the API take."""
    from silkpost.domain.notices import text_in

    with reported_errors():
        network = _platform().network
    languages = [lang.value] if lang else list(LANGUAGES)
    rows: list[dict[str, Any]] = [
        {"code": n.code, "kind": n.kind, "country": n.country, "locode": n.locode,
         "tz": n.tz.key, "names": {x: text_in(n.names, x) for x in languages}}
        for n in network.nodes.values()]
    if as_json:
        console.print_json(json.dumps({"network": network.name, "nodes": rows},
                                      ensure_ascii=False))
        return
    table = Table(title=f"{plain(network.name)}: {len(rows)} nodes")
    for col in ("code", *(f"name ({x})" for x in languages), "kind", "country", "UN/LOCODE",
                "time zone"):
        table.add_column(col)
    for row in rows:
        table.add_row(plain(row["code"]), *(plain(row["names"][x]) for x in languages),
                      plain(row["kind"]), plain(row["country"]), plain(row["locode"]),
                      plain(row["tz"]))
    console.print(table)


@network_app.command("draw")
def draw(out: Path = typer.Option(Path("network.svg"), help="SVG file to write")) -> None:
    """Draw the network as an SVG picture."""
    from silkpost.network.draw import network_svg

    with reported_errors():
        write_output(out, network_svg(_platform().network), option="out")
    console.print(f"wrote {plain(out)}")


@network_app.command("sortplan")
def sortplan(office: str = typer.Argument(..., help="office node code, e.g. CNURCA"),
             at: datetime = typer.Option(
                 None, help=f"time (default now), with UTC offset, e.g. {TIME_EXAMPLE}")
             ) -> None:
    """Next outbound service per destination at an office."""
    from silkpost.network.service import sort_plan

    with reported_errors():
        platform = _platform()
        entries = sort_plan(platform.network, office.upper(), at or platform.clock.now())
    nodes = platform.network.nodes
    table = Table(title=f"Sort plan at {plain(office.upper())}")
    for col in ("destination", "service", "mode", "next node", "departs (local)",
                "arrives (local)"):
        table.add_column(col, no_wrap=col.endswith("(local)"))
    for e in entries:
        table.add_row(plain(e.destination), plain(e.service_id), plain(e.mode),
                      plain(e.next_node), _local(e.departs, nodes[office.upper()].tz),
                      _local(e.arrives_destination, nodes[e.destination].tz))
    console.print(table)


def _local(moment: datetime, tz: tzinfo) -> str:
    """A time as the table shows it: local date and time, and the UTC offset that makes it
    unambiguous (``2026-11-24 10:00 +08:00``)."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.isoformat()[-6:]}"


def _plan_document(network: Network, it: Itinerary, weight_kg: float) -> dict[str, Any]:
    """One plan as ``--json`` prints it (docs/network.md, "silkpost plan")."""
    cost = it.priced(network.currency, weight_kg)
    return {
        "from": it.origin, "to": it.destination, "ready": it.ready.isoformat(),
        "arrives_local": it.arrives.astimezone(network.nodes[it.destination].tz).isoformat(),
        "arrives_utc": it.arrives.astimezone(UTC).isoformat(),
        "hours": round((it.arrives - it.ready).total_seconds() / 3600, 2),
        "transfers": max(len(it.legs) - 1, 0),
        "cost": {"currency": cost.currency, "weight_kg": cost.weight_kg,
                 "per_kg": round(cost.per_kg, 4), "per_shipment": round(cost.per_shipment, 2),
                 "total": round(cost.total, 2)},
        "legs": [{
            "service": leg.service.id, "mode": leg.service.mode, "from": leg.service.origin,
            "to": leg.service.destination,
            "wait_hours": round(leg.wait.total_seconds() / 3600, 2),
            "departs_local": leg.departs.astimezone(
                network.nodes[leg.service.origin].tz).isoformat(),
            "departs_utc": leg.departs.astimezone(UTC).isoformat(),
            "arrives_local": leg.arrives.astimezone(
                network.nodes[leg.service.destination].tz).isoformat(),
            "arrives_utc": leg.arrives.astimezone(UTC).isoformat(),
            "cost_per_kg": leg.service.cost_per_kg,
            "cost_per_shipment": leg.service.cost_per_shipment,
        } for leg in it.legs],
    }


def plan(
    origin: str = typer.Option(..., "--from", help="origin node code (silkpost network nodes)"),
    destination: str = typer.Option(..., "--to", help="destination node code"),
    ready: datetime = typer.Option(...,
                                   help=f"ready time with UTC offset, e.g. {TIME_EXAMPLE}"),
    exclude_mode: list[str] = typer.Option(
        [], help=f"a mode to leave out: {_MODES} (repeatable)"),
    goods: list[str] = typer.Option(
        [], help="goods flags the network knows, e.g. battery (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON (docs/network.md)"),
    pareto: bool = typer.Option(False, "--pareto",
                                help="all plans not beaten on arrival, cost and transfers"),
    weight: float = typer.Option(1.0, "--weight", min=0.001,
                                 help="kg of the shipment the cost is given for"),
    budget: float = typer.Option(
        None, min=0, help="with --pareto: the most a plan may cost in all, in the network's "
                          "currency (USD by default), for --weight kg: per-kg rates × "
                          "weight + per-shipment charges"),
) -> None:
    """The earliest itinerary between two nodes, leg by leg in local time with UTC offsets,
    and its cost (per kg and per shipment); or, with --pareto, every plan worth choosing."""
    from silkpost.errors import InvalidRequest
    from silkpost.network.service import pareto_plans
    from silkpost.network.service import plan as earliest

    with reported_errors():
        if ready.tzinfo is None:
            raise InvalidRequest(f"ready needs a UTC offset, e.g. {TIME_EXAMPLE}",
                                 field="ready")
        if budget is not None and not pareto:
            raise InvalidRequest("--budget bounds the --pareto plans; add --pareto",
                                 field="budget")
        network = _platform().network
        if pareto:
            plans = pareto_plans(network, origin.upper(), destination.upper(), ready,
                                 goods=goods, exclude_modes=exclude_mode, budget=budget,
                                 weight_kg=weight)
        else:
            plans = [earliest(network, origin.upper(), destination.upper(), ready, goods=goods,
                              exclude_modes=exclude_mode)]
    documents = [_plan_document(network, it, weight) for it in plans]
    if as_json:
        # One plan: its object; --pareto: every plan, earliest first, in one object.
        out = documents[0] if not pareto else {
            "from": plans[0].origin, "to": plans[0].destination, "ready": ready.isoformat(),
            "currency": network.currency, "weight_kg": weight, "plans": documents}
        console.print_json(json.dumps(out, ensure_ascii=False))
        return
    money = f"{network.currency}, {weight:g} kg"
    if pareto:
        tz = network.nodes[plans[0].destination].tz
        table = Table(title=f"{plain(plans[0].origin)} → {plain(plans[0].destination)}: "
                            f"{len(plans)} plans")
        for col in ("arrives (local)", "days", f"{network.currency}/kg",
                    f"{network.currency}/shipment", f"total ({money})", "legs", "route"):
            table.add_column(col, no_wrap=col.startswith("arrives"))
        for p, doc in zip(plans, documents, strict=True):
            table.add_row(_local(p.arrives, tz), f"{doc['hours'] / 24:.1f}",
                          f"{doc['cost']['per_kg']:.2f}", f"{doc['cost']['per_shipment']:.2f}",
                          f"{doc['cost']['total']:.2f}", str(len(p.legs)),
                          plain(" → ".join(leg.service.id for leg in p.legs)))
        console.print(table)
        return
    it, doc = plans[0], documents[0]
    cost = doc["cost"]
    table = Table(title=f"{plain(it.origin)} → {plain(it.destination)}: "
                        f"{doc['hours'] / 24:.1f} days",
                  caption=f"cost for {weight:g} kg: {cost['per_kg']:.2f} {network.currency}/kg"
                          f" + {cost['per_shipment']:.2f} {network.currency} per shipment = "
                          f"{cost['total']:.2f} {network.currency}")
    for col in ("service", "mode", "from", "to", "waits h", "departs (local)",
                "arrives (local)", f"{network.currency}/kg", f"{network.currency}/shipment"):
        table.add_column(col, no_wrap=col.startswith(("departs", "arrives")))
    for leg in it.legs:
        s = leg.service
        table.add_row(plain(s.id), plain(s.mode), plain(s.origin), plain(s.destination),
                      f"{leg.wait.total_seconds() / 3600:.2f}",
                      _local(leg.departs, network.nodes[s.origin].tz),
                      _local(leg.arrives, network.nodes[s.destination].tz),
                      f"{s.cost_per_kg:.2f}", f"{s.cost_per_shipment:.2f}")
    console.print(table)
