"""``silkpost serve``: the HTTP API, the dashboard and the public tracking page."""

from __future__ import annotations

import typer

from silkpost.cli.output import console, plain, reported_errors


def serve(
    host: str = typer.Option(None, help="address to listen on (SILKPOST_HOST)"),
    port: int = typer.Option(None, help="port (SILKPOST_PORT)"),
) -> None:
    """Serve the API, the dashboard and the tracking page on the configured database."""
    import threading

    import uvicorn

    from silkpost.api.app import create_app
    from silkpost.bootstrap import bootstrap

    with reported_errors():
        platform = bootstrap()
    host = host or platform.settings.host
    port = port or platform.settings.port
    base = plain(f"http://{host}:{port}")
    console.print(f"Silkpost on {base}  ·  dashboard {base}/dashboard  ·  API docs {base}/docs")
    if platform.analytics_factory is not None:
        # Copy the event log into analytics while the server starts, so the first dashboard
        # visit does not wait for it (a large log takes tens of seconds).
        threading.Thread(target=lambda: platform.analytics().refresh(force=True),
                         name="analytics-warmup", daemon=True).start()
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")
