"""The ``silkpost`` command line (Typer + Rich): thin drivers over the service functions."""

from __future__ import annotations

import typer

from silkpost.cli import db, demo, ids, kpi, network, notices, serve, simulate, tracking

app = typer.Typer(
    name="silkpost",
    help="Silk Road Post: track-and-trace, route planning and data exchange for the corridors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(ids.app, name="id")
app.add_typer(network.network_app, name="network")
app.add_typer(notices.app, name="notice")
app.command("plan")(network.plan)
app.command("import")(tracking.import_file)
app.command("track")(tracking.track_id)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("simulate")(simulate.simulate)
app.command("kpi")(kpi.kpi)


def main() -> None:
    """Entry point of the ``silkpost`` script."""
    app()
