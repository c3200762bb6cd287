"""``silkpost demo``: a fresh embedded store filled by the corridor simulator, then served."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import typer

from silkpost.cli.output import console, err_console


def demo(
    db: Path = typer.Option(Path("demo/silkpost-demo.db"), help="where the demo store goes"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve after loading"),
    scenario: str = typer.Option("seeds-2023", help="scenario to simulate"),
    days: int = typer.Option(10, min=1, help="days of demand to simulate, ending today"),
    parcels_per_day: int = typer.Option(1500, min=1, help="parcels posted a day"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Simulate a few days of the corridor into a fresh store and serve the API."""
    from rich.progress import BarColumn, Progress, TextColumn

    from silkpost.bootstrap import bootstrap
    from silkpost.cli.simulate import print_report
    from silkpost.network.corridor import default_network_path, load_network
    from silkpost.settings import Settings
    from silkpost.sim.scenario import load_scenario
    from silkpost.sim.service import simulate
    from silkpost.tracking.ports import ObjectQuery

    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}", host=host, port=port))
    # The run ends today with parcels still on the way, as a live system would show them.
    today = platform.clock.now().date()
    chosen = load_scenario(scenario).with_overrides(
        days=days, parcels_per_day=parcels_per_day, start=today - timedelta(days=days),
        drain_days=0)
    total = (chosen.days + chosen.drain_days) * 24
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} simulated hours"),
                  console=err_console) as progress:
        task = progress.add_task(f"simulating {chosen.name}", total=total)
        report = simulate(chosen, network=load_network(default_network_path()),
                          uow=platform.uow(), on_hour=lambda h: progress.update(task, completed=h))
        progress.update(task, completed=total)
    print_report(report)
    with platform.uow() as uow:
        some = uow.events.find(ObjectQuery(limit=5))
    ids = [t.object_id for t in some]
    console.print(f"Store: {db}  ·  tracking numbers to try: {', '.join(ids)}")
    if not serve:
        platform.dispose()
        return
    import uvicorn

    from silkpost.api.app import create_app

    base = f"http://{host}:{port}"
    console.print(f"[bold green]Silkpost demo on {base}[/]  ·  tracking page {base}/track?id="
                  f"{'+'.join(ids[:3])}  ·  API {base}/api/v1/items/{ids[0] if ids else ''}"
                  f"  ·  API docs {base}/docs")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")
