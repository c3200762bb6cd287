"""``silkpost db``: the database schema."""

from __future__ import annotations

import typer

from silkpost.cli.output import console, plain, reported_errors

app = typer.Typer(help="Database schema: migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    revision: str = typer.Argument("head", help="revision to upgrade to"),
) -> None:
    """Create or migrate the database named by SILKPOST_DATABASE_URL."""
    from silkpost.bootstrap import bootstrap

    with reported_errors():
        platform = bootstrap(migrate=False)
        before, after = platform.upgrade_schema(revision)
    console.print(f"database {plain(platform.settings.database_url)}: "
                  f"{before or 'empty'} → {after}")
    platform.dispose()
