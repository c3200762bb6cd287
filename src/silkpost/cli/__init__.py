"""The ``silkpost`` command line (Typer + Rich): thin drivers over the service functions."""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import typer
from typer.core import TyperOption

from silkpost.cli import (
    customs,
    customs_ceb,
    db,
    demo,
    ids,
    kpi,
    network,
    notices,
    office,
    partners,
    serve,
    simulate,
    tracking,
    webhooks,
)
from silkpost.cli.output import console, reported_errors


def _flag_type(self: TyperOption, ctx: object) -> str | None:
    """No type column for a flag: ``--json <bool>`` reads as if the flag took a value."""
    if self.is_flag:
        return None
    return _typed_display(self, ctx)  # type: ignore[arg-type]


# This Typer prints ``<bool>`` beside every flag (--help included); one patch here covers
# every command's flags, present and future.
_typed_display = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]

app = typer.Typer(
    name="silkpost",
    help="Silk Road Post: track-and-trace, route planning and data exchange for the corridors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        try:
            console.print(f"silkpost {version('silkpost')}")
        except PackageNotFoundError:  # pragma: no cover - run from a checkout not installed
            console.print("silkpost (not installed)")
        raise typer.Exit()


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@app.callback()
def main_options(
    ctx: typer.Context,
    database: Path = typer.Option(
        None, "--db", dir_okay=False,
        help="SQLite file of the store to use (sets SILKPOST_DATABASE_URL for this run), "
             "e.g. demo/silkpost-demo.db after `silkpost demo`"),
    show_version: bool = typer.Option(False, "--version", callback=_print_version,
                                      is_eager=True, help="print the version and exit"),
) -> None:
    """Options every command shares; the settings are read and checked here, once per run.

    A bad ``SILKPOST_*`` value is reported as one line by whatever command is run, not
    by the few that happen to read it.
    """
    from silkpost.settings import Settings

    if database is not None:
        # An environment variable, not an argument passed down: every command, and any
        # process it starts (the SQLite appender), opens the same store. Restored when the
        # command ends, for a caller that runs several in one process (tests, scripts).
        name = "SILKPOST_DATABASE_URL"
        before = os.environ.get(name)
        ctx.call_on_close(lambda: _restore(name, before))
        os.environ[name] = f"sqlite:///{database}"
    with reported_errors():
        Settings.from_env()


app.add_typer(customs.app, name="customs")
customs.app.command("match")(customs_ceb.match)
customs.app.command("receipts")(customs_ceb.receipts)
app.add_typer(db.app, name="db")
app.add_typer(ids.app, name="id")
app.add_typer(network.network_app, name="network")
app.add_typer(notices.app, name="notice")
app.add_typer(office.app, name="office")
app.add_typer(partners.partner_app, name="partner")
app.add_typer(partners.key_app, name="key")
app.add_typer(webhooks.app, name="webhooks")
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
