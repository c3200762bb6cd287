"""``silkpost demo``: a fresh embedded store with traffic in it, served.

Until the simulator lands, the traffic is the shipped sample file of events.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import typer

from silkpost.cli.output import console


def _sample_file() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "samples" / "events.ndjson"
        if candidate.exists():
            return candidate
    return Path(str(files("silkpost").joinpath("data", "samples", "events.ndjson")))


def demo(
    db: Path = typer.Option(Path("demo/silkpost-demo.db"), help="where the demo store goes"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="serve after loading"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Load the sample traffic into a fresh store and serve the API."""
    from silkpost.bootstrap import bootstrap
    from silkpost.settings import Settings
    from silkpost.tracking import formats
    from silkpost.tracking.service import ingest

    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}", host=host, port=port))
    sample = _sample_file()
    with sample.open("rb") as fh:
        result = ingest(formats.read_ndjson(fh), uow=platform.uow(), clock=platform.clock,
                        source="demo")
    console.print(f"Loaded {result.accepted:,} events from {sample.name} into {db}")
    with platform.uow() as uow:
        from silkpost.tracking.ports import ObjectQuery

        some = uow.events.find(ObjectQuery(limit=5))
    console.print("Tracking numbers to try: " + ", ".join(t.object_id for t in some))
    if not serve:
        platform.dispose()
        return
    import uvicorn

    from silkpost.api.app import create_app

    console.print(f"[bold green]Silkpost demo on http://{host}:{port}[/]  "
                  f"(try http://{host}:{port}/api/v1/items/{some[0].object_id if some else ''}"
                  f" · API docs http://{host}:{port}/docs)")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")
