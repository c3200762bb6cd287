"""``silkpost kpi``: the dashboard's figures in the terminal (or as JSON for scripts)."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from pydantic import TypeAdapter
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from silkpost.analytics.kpis import CustomsFigures, LaneFigures
from silkpost.api.analytics_schemas import SummaryOut
from silkpost.cli.output import console, err_console, plain, reported_errors


def kpi(
    since: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="first local day"),
    until: datetime = typer.Option(None, formats=["%Y-%m-%d"], help="last local day"),
    as_json: bool = typer.Option(False, "--json", help="print the figures as JSON"),
) -> None:
    """Tiles, lanes and customs per port for a period (default: the last 14 days)."""
    from silkpost.analytics import service
    from silkpost.bootstrap import bootstrap

    with reported_errors():
        platform = bootstrap()
        period = service.period_of(since.date() if since else None,
                                   until.date() if until else None, clock=platform.clock)
        analytics = platform.analytics()
        with Progress(TextColumn("[bold]copying the event log into analytics"), BarColumn(),
                      TextColumn("{task.completed:,} events"), console=err_console,
                      transient=True) as progress:
            task = progress.add_task("copy", total=None)
            analytics.refresh(force=True,
                              on_progress=lambda n: progress.advance(task, n))
        promises = platform.lane_promises()
        tiles = service.summary(period, analytics=analytics, uow=platform.uow(),
                                clock=platform.clock, promises=promises)
        lanes = service.lanes(period, analytics=analytics, clock=platform.clock,
                              promises=promises)
        ports = service.customs(period, analytics=analytics)
        platform.dispose()
    if as_json:  # the analytics API's shapes
        body = {"summary": SummaryOut.of(tiles).model_dump(mode="json"),
                "lanes": TypeAdapter(list[LaneFigures]).dump_python(lanes, mode="json"),
                "customs": TypeAdapter(list[CustomsFigures]).dump_python(ports, mode="json")}
        console.print_json(json.dumps(body))
        return
    console.print(f"[bold]{period.since} – {period.until}[/]  ·  {tiles.events:,} events  ·  "
                  f"posted {tiles.posted:,}  ·  delivered {tiles.delivered:,}  ·  in flight "
                  f"{tiles.in_flight:,}  ·  [red]stuck {tiles.stuck:,}[/]  ·  [red]past the "
                  f"promise {tiles.overdue:,}[/]  ·  transit p50 {_n(tiles.p50_days)} d  ·  on "
                  f"time {_pct(tiles.on_time_share)}  ·  customs p50 "
                  f"{_n(tiles.customs_p50_hours)} h")
    table = Table("lane", "posted", "delivered", "p50 d", "p90 d", "promise", "on time",
                  title="lanes (items posted in the period)")
    for lane in lanes:
        table.add_row(plain(lane.lane), f"{lane.posted:,}", f"{lane.delivered:,}",
                      _n(lane.p50_days), _n(lane.p90_days), _n(lane.promise_days),
                      _pct(lane.on_time_share))
    console.print(table)
    table = Table("place", "presented", "released", "inspected", "p50 h", "p90 h",
                  title="customs (presented → released)")
    for port in ports:
        table.add_row(plain(port.office), f"{port.presented:,}", f"{port.released:,}",
                      f"{port.inspected:,}", _n(port.p50_hours), _n(port.p90_hours))
    console.print(table)


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"

