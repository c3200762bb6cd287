"""``silkpost demo``: a fresh embedded store filled by the corridor simulator, then served."""

from __future__ import annotations

import shlex
from datetime import timedelta
from pathlib import Path

import typer

from silkpost.bootstrap import Platform
from silkpost.cli.output import console, err_console, output_path, plain, reported_errors


def demo(
    db: Path = typer.Option(Path("demo/silkpost-demo.db"), dir_okay=False,
                            help="where the demo store goes (a SQLite file, replaced)"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve after loading"),
    scenario: str = typer.Option("seeds-2023", help="scenario to simulate"),
    days: int = typer.Option(10, min=1,
                             help="days of demand before today to simulate (today's: up to now)"),
    parcels_per_day: int = typer.Option(1500, min=1, help="parcels posted a day"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Simulate a few days of the corridor into a fresh store and serve the API."""
    from rich.progress import BarColumn, Progress, TextColumn

    from silkpost.bootstrap import bootstrap
    from silkpost.cli.simulate import print_report
    from silkpost.settings import Settings
    from silkpost.sim.engine import run_hours
    from silkpost.sim.scenario import load_scenario
    from silkpost.sim.service import simulate
    from silkpost.tracking.ports import ObjectQuery
    from silkpost.tracking.service import list_objects

    with reported_errors():
        # A fresh store of its own, on the configured network (SILKPOST_NETWORK_FILE).
        settings = Settings(database_url=f"sqlite:///{db}", host=host, port=port,
                            network_file=Settings.from_env().network_file)
        chosen = load_scenario(scenario)
        output_path(db, option="db", create_folder=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        platform = bootstrap(settings)
    # The run ends now, with parcels still on the way, as a live system would show them: the
    # demand days end with today (posted up to now), and nothing is simulated past this
    # moment, so "stuck now" on the dashboard means stuck in the simulated world.
    now = platform.clock.now()
    chosen = chosen.with_overrides(
        days=days + 1, parcels_per_day=parcels_per_day,
        start=now.date() - timedelta(days=days), drain_days=0, end=now)
    total = int(run_hours(chosen))
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} simulated hours"),
                  console=err_console) as progress:
        task = progress.add_task(f"simulating {chosen.name}", total=total)
        report = simulate(chosen, network=platform.network, uow=platform.uow(),
                          office_records=platform.simulation_offices(),
                          on_hour=lambda h: progress.update(task, completed=h))
        progress.update(task, completed=total)
    print_report(report)
    _publish_demo_notices(platform)
    platform.analytics().refresh(force=True)  # the first dashboard visit need not wait
    ids = [t.object_id for t in list_objects(ObjectQuery(limit=5), uow=platform.uow()).objects]
    console.print(f"Store: {plain(db)}  ·  tracking numbers to try: {plain(', '.join(ids))}")
    # The demo's store is not the default one (that may hold real data, and the demo starts
    # afresh): every command reaches it through the global --db option, printed whole here.
    if ids:
        console.print("See one in the terminal: "
                      f"[bold]{plain(f'silkpost --db {shlex.quote(str(db))} track {ids[0]}')}[/]",
                      soft_wrap=True)
    if not serve:
        platform.dispose()
        return

    import uvicorn

    from silkpost.api.app import create_app

    # soft_wrap: a link broken over two lines cannot be clicked or copied whole.
    console.print(serving_banner(platform, host, port, ids), soft_wrap=True)
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")


def serving_banner(platform: Platform, host: str, port: int, ids: list[str]) -> str:
    """What the demo prints before serving: the links, with the sign-in link of a new admin
    key (the pages and the API ask for a key; the key leaves the URL at once, see
    docs/partners.md)."""
    from urllib.parse import urlencode

    from silkpost.partners.service import operator_key

    admin = operator_key(uow=platform.partner_uow, clock=platform.clock, label="demo")
    base = f"http://{host}:{port}"
    sign_in = f"{base}/signin?{urlencode({'key': admin.text, 'next': '/dashboard'})}"
    return (f"[bold green]Silkpost demo on {base}[/]\n"
            f"  dashboard     {plain(sign_in)}\n"
            f"  API key       {plain(admin.text)}  (admin: 'Authorization: Bearer <key>')\n"
            f"  tracking page {base}/track?id={plain('+'.join(ids[:3]))}\n"
            f"  item API      {base}/api/v1/items/{plain(ids[0] if ids else '')}\n"
            f"  notices feed  {base}/notices.atom\n"
            f"  API docs      {base}/docs")


def _publish_demo_notices(platform: Platform) -> None:
    """Two notices of the kind operators publish, so the pages show what notices look like."""
    from silkpost.notices.service import NoticeDraft, create_notice

    now = platform.clock.now()
    drafts = [
        NoticeDraft(
            title={"en": "Khorgos: road clearance with pre-declaration",
                   "zh": "霍尔果斯：公路口岸提前申报通关",
                   "ru": "Хоргос: таможенное оформление с предварительным декларированием",
                   "kk": "Қорғас: алдын ала декларациялаумен кедендік ресімдеу"},
            body={"en": "Pre-declared parcels clear in about 5 hours (was 34.5).",
                  "zh": "提前申报的邮件平均约5小时通关（原34.5小时）。",
                  "ru": "Предварительно задекларированные отправления проходят за ~5 ч "
                        "(было 34,5).",
                  "kk": "Алдын ала декларацияланған жөнелтімдер ~5 сағатта өтеді."},
            severity="info", valid_from=now - timedelta(days=3),
            valid_until=now + timedelta(days=30), nodes=("CNHRS-XS",)),
        NoticeDraft(
            title={"en": "No batteries on Urumqi freighters", "zh": "乌鲁木齐货机不收带电池邮件",
                   "ru": "Без аккумуляторов на грузовых рейсах из Урумчи",
                   "kk": "Үрімжі жүк ұшақтарында аккумулятор жоқ"},
            severity="warning", valid_from=now - timedelta(days=1),
            valid_until=now + timedelta(days=60), nodes=("CNURC-AIR",),
            services=("A-URC-ALA", "A-URC-TAS")),
    ]
    for draft in drafts:
        create_notice(draft, uow=platform.notice_uow(), clock=platform.clock, publish=True)
