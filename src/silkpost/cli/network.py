"""``silkpost network`` and ``silkpost plan``: the corridor network and routes over it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

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

network_app = typer.Typer(help="The corridor network: check, draw, sort plans.",
                          no_args_is_help=True)


if TYPE_CHECKING:
    from silkpost.bootstrap import Platform


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
    table = Table(title=f"Sort plan at {plain(office.upper())}")
    for col in ("destination", "service", "mode", "next node", "departs (UTC)", "arrives"):
        table.add_column(col)
    for e in entries:
        table.add_row(plain(e.destination), plain(e.service_id), plain(e.mode),
                      plain(e.next_node),
                      f"{e.departs:%Y-%m-%d %H:%M}", f"{e.arrives_destination:%Y-%m-%d %H:%M}")
    console.print(table)


def plan(
    origin: str = typer.Option(..., "--from", help="origin node code"),
    destination: str = typer.Option(..., "--to", help="destination node code"),
    ready: datetime = typer.Option(...,
                                   help=f"ready time with UTC offset, e.g. {TIME_EXAMPLE}"),
    exclude_mode: list[str] = typer.Option([], help="truck, rail or air (repeatable)"),
    goods: list[str] = typer.Option([], help="goods flags, e.g. battery (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
    pareto: bool = typer.Option(False, "--pareto",
                                help="all plans not beaten on arrival, cost and transfers"),
    budget: float = typer.Option(None, help="most the plan may cost per kg"),
) -> None:
    """The earliest itinerary between two nodes, leg by leg in local time and UTC."""
    from silkpost.errors import InvalidRequest
    from silkpost.network.service import pareto_plans
    from silkpost.network.service import plan as earliest

    with reported_errors():
        if ready.tzinfo is None:
            raise InvalidRequest(f"ready needs a UTC offset, e.g. {TIME_EXAMPLE}",
                                 field="ready")
    if pareto:
        with reported_errors():
            network = _platform().network
            plans = pareto_plans(network, origin.upper(), destination.upper(), ready,
                                 goods=goods, exclude_modes=exclude_mode, budget=budget)
        table = Table(title=f"{plain(origin.upper())} → {plain(destination.upper())}: "
                            f"{len(plans)} plans")
        for col in ("arrives (UTC)", "days", "cost (1 kg)", "legs", "route"):
            table.add_column(col)
        for p in plans:
            table.add_row(f"{p.arrives:%Y-%m-%d %H:%M}",
                          f"{(p.arrives - ready).total_seconds() / 86400:.1f}",
                          f"{p.cost():.2f}", str(len(p.legs)),
                          plain(" → ".join(leg.service.id for leg in p.legs)))
        console.print(table)
        return

    with reported_errors():
        network = _platform().network
        it = earliest(network, origin.upper(), destination.upper(), ready, goods=goods,
                      exclude_modes=exclude_mode)
    legs = [{
        "service": leg.service.id, "mode": leg.service.mode, "from": leg.service.origin,
        "to": leg.service.destination, "wait_hours": round(leg.wait.total_seconds() / 3600, 2),
        "departs_local": leg.departs.astimezone(network.nodes[leg.service.origin].tz).isoformat(),
        "departs_utc": leg.departs.isoformat(),
        "arrives_local": leg.arrives.astimezone(
            network.nodes[leg.service.destination].tz).isoformat(),
        "arrives_utc": leg.arrives.isoformat(),
    } for leg in it.legs]
    total = (it.arrives - ready).total_seconds() / 3600
    if as_json:
        console.print_json(json.dumps({"from": it.origin, "to": it.destination,
                                       "arrives": it.arrives.isoformat(),
                                       "hours": round(total, 2), "cost_per_kg": it.cost(),
                                       "legs": legs}))
        return
    table = Table(title=f"{plain(it.origin)} → {plain(it.destination)}: {total / 24:.1f} days")
    for col in ("service", "mode", "from", "to", "waits h", "departs (local)", "arrives (local)"):
        table.add_column(col)
    for leg in legs:
        table.add_row(plain(leg["service"]), plain(leg["mode"]), plain(leg["from"]),
                      plain(leg["to"]), plain(leg["wait_hours"]),
                      plain(str(leg["departs_local"])[:16]),
                      plain(str(leg["arrives_local"])[:16]))
    console.print(table)
