"""``silkpost simulate``: run a scenario of the corridor twin into the store, print the report."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from silkpost.cli.output import (
    console,
    err_console,
    output_path,
    plain,
    reported_errors,
    write_output,
)


def simulate(
    scenario: str = typer.Option("seeds-2023",
                                 help="a shipped scenario's name, or the path of a scenario file"),
    days: int = typer.Option(None, min=1, help="days of demand (default: the scenario's)"),
    parcels_per_day: int = typer.Option(None, min=0, help="parcels posted a day"),
    seed: int = typer.Option(None, help="random seed (same seed, same run)"),
    report: Path = typer.Option(None, help="write the report as JSON to this file"),
) -> None:
    """Simulate the corridor; every scan goes through the tracking hub's ingest."""
    from silkpost.bootstrap import bootstrap
    from silkpost.sim.report import Report
    from silkpost.sim.scenario import load_scenario
    from silkpost.sim.service import simulate as run

    with reported_errors():
        if report is not None:
            output_path(report, option="report")
        chosen = load_scenario(scenario).with_overrides(
            days=days, parcels_per_day=parcels_per_day, seed=seed)
        platform = bootstrap()
        total = (chosen.days + chosen.drain_days) * 24
        columns = (TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.completed}/{task.total} h"), TimeElapsedColumn())
        with Progress(*columns, console=err_console) as progress:
            task = progress.add_task(f"simulating {chosen.name}", total=total)
            result: Report = run(chosen, network=platform.network, uow=platform.uow(),
                                 office_records=platform.simulation_offices(),
                                 on_hour=lambda h: progress.update(task, completed=h))
            progress.update(task, completed=total)
        platform.dispose()
    print_report(result)
    if report is not None:
        with reported_errors():
            write_output(report, json.dumps(result.as_dict(), indent=2, ensure_ascii=False),
                         option="report")
        console.print(f"report written to {plain(report)}")


def print_report(result: object) -> None:
    """The report as Rich tables."""
    from silkpost.sim.report import Report

    assert isinstance(result, Report)
    console.print(f"[bold]{plain(result.scenario)}[/]: {result.parcels:,} parcels, "
                  f"{result.events:,} events stored, {result.in_flight:,} still in flight at "
                  "the end")
    lanes = Table(title="Lanes (door to door, days; on time over delivered and overdue)")
    for col in ("lane", "parcels", "delivered", "in flight", "p50", "p90", "promise J+",
                "on time"):
        lanes.add_column(col, justify="left" if col == "lane" else "right")
    for lane in result.lanes:
        lanes.add_row(plain(lane.lane), f"{lane.parcels:,}", f"{lane.delivered:,}",
                      f"{lane.in_flight:,}", f"{lane.p50_days}", f"{lane.p90_days}",
                      f"{lane.promise_days:g}",
                      "" if lane.on_time_share is None else f"{lane.on_time_share:.1%}")
    console.print(lanes)
    nodes = Table(title="Nodes (dwell, hours)")
    for col in ("node", "dwell p50"):
        nodes.add_column(col, justify="left" if col == "node" else "right")
    for code, hours in result.dwell_hours_p50.items():
        nodes.add_row(plain(code), str(hours))
    console.print(nodes)
    # One row a port: its figures over all regimes, then each regime's mean.
    regimes = sorted({c.regime for c in result.clearance} - {"*"})
    customs = Table(title="Customs clearance (presented → released, hours)")
    for col in ("port", "released", "p50", "p90", "mean", *(f"mean {r}" for r in regimes)):
        customs.add_column(col, justify="left" if col == "port" else "right")
    for c in result.clearance:
        if c.regime == "*":
            means = {x.regime: x.mean_hours for x in result.clearance if x.port == c.port}
            customs.add_row(plain(c.port), f"{c.released:,}", str(c.p50_hours),
                            str(c.p90_hours), str(c.mean_hours),
                            *(str(means.get(r, "")) for r in regimes))
    console.print(customs)
    console.print(
        "declarations: " + ", ".join(f"{r} {n:,}" for r, n in result.declarations.items())
        + f"; {result.predeclared:,} before the port, {result.declared_at_port:,} at the port, "
        f"{result.declarations_refused:,} refused")
    console.print("delivered per day: " + ", ".join(
        f"d{d}: {n:,}" for d, n in result.delivered_per_day.items()))
