"""``silkpost serve``: the HTTP API (and the pages, once they exist)."""

from __future__ import annotations

import typer

from silkpost.cli.output import console


def serve(
    host: str = typer.Option(None, help="address to listen on (SILKPOST_HOST)"),
    port: int = typer.Option(None, help="port (SILKPOST_PORT)"),
) -> None:
    """Serve the API on the configured database."""
    import uvicorn

    from silkpost.api.app import create_app
    from silkpost.bootstrap import bootstrap

    platform = bootstrap()
    host = host or platform.settings.host
    port = port or platform.settings.port
    console.print(f"Silkpost on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")
