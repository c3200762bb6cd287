"""``silkpost serve``: the HTTP API, the dashboard and the public tracking page."""

from __future__ import annotations

import typer

from silkpost.cli.output import console, plain, reported_errors


def serve(
    host: str = typer.Option(None, help="address to listen on (SILKPOST_HOST)"),
    port: int = typer.Option(None, help="port (SILKPOST_PORT)"),
) -> None:
    """Serve the API, the dashboard and the tracking page on the configured database."""
    import sys
    import threading
    from dataclasses import replace

    import uvicorn

    from silkpost.api.app import create_app
    from silkpost.bootstrap import bootstrap
    from silkpost.settings import Settings

    with reported_errors():
        # The options go through Settings, so --port is checked as SILKPOST_PORT is.
        settings = Settings.from_env()
        settings = replace(settings, host=host or settings.host,
                           port=settings.port if port is None else port)
        platform = bootstrap(settings)
    host, port = platform.settings.host, platform.settings.port
    base = plain(f"http://{host}:{port}")
    console.print(f"Silkpost on {base}  ·  dashboard {base}/dashboard  ·  API docs {base}/docs")
    if platform.analytics_factory is not None:
        # Copy the event log into analytics while the server starts, so the first dashboard
        # visit does not wait for it (a large log takes tens of seconds).
        threading.Thread(target=lambda: platform.analytics().refresh(force=True),
                         name="analytics-warmup", daemon=True).start()
    # Webhooks go out from this process too, so one `silkpost serve` is a whole exchange;
    # `silkpost webhooks run` adds dispatchers elsewhere when one is not enough.
    dispatcher = platform.webhook_dispatcher()
    threading.Thread(target=dispatcher.run, name="webhooks", daemon=True).start()
    # A thread that reads and validates a posted body holds the GIL up to the switch interval
    # before the event loop gets it back; at 1 ms instead of 5, /healthz p99 under three
    # maximum-size posts fell from 120 ms to 65 ms (benchmarks/bench_http_load.py).
    sys.setswitchinterval(0.001)
    try:
        uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")
    finally:
        dispatcher.stop()
