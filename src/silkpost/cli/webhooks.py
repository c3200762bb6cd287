"""``silkpost webhooks``: partners' subscriptions, their delivery logs, and the dispatcher."""

from __future__ import annotations

import json
import signal
from typing import Any

import typer
from rich.table import Table

from silkpost.cli.output import (
    TIME_EXAMPLE,
    aware_time,
    console,
    err_console,
    plain,
    reported_errors,
)
from silkpost.domain.webhooks import Delivery, Subscription, WebhookEventType

_TYPES = ", ".join(t.value for t in WebhookEventType)
app = typer.Typer(help="Webhooks (Standard Webhooks 1.0): subscribe partners' endpoints, "
                  "see deliveries, replay, run the dispatcher.", no_args_is_help=True)


def subscription_json(x: Subscription) -> dict[str, Any]:
    """A subscription as ``--json`` prints it (never its secret)."""
    return {"id": x.subscription_id, "partner": x.partner, "url": x.url,
            "types": [t.value for t in x.types], "lanes": list(x.lanes),
            "nodes": list(x.nodes), "ids": list(x.object_ids),
            "created_at": x.created_at.isoformat(),
            "disabled_at": x.disabled_at.isoformat() if x.disabled_at else None,
            "disabled_reason": x.disabled_reason or None}


def delivery_json(x: Delivery) -> dict[str, Any]:
    """A delivery as ``--json`` prints it."""
    return {"msg_id": x.msg_id, "type": x.event_type.value, "state": x.state.value,
            "attempts": x.attempts, "created_at": x.created_at.isoformat(),
            "next_at": x.next_at.isoformat(), "last_status": x.last_status,
            "last_error": x.last_error or None,
            "done_at": x.done_at.isoformat() if x.done_at else None}


@app.command("add")
def add(
    partner: str = typer.Argument(..., help="partner code"),
    url: str = typer.Argument(..., help="the partner's endpoint, https://…"),
    event_type: list[str] = typer.Option(..., "--type", help=f"event type (repeatable): "
                                         f"{_TYPES}"),
    lane: list[str] = typer.Option([], help="only this lane, e.g. CNURCA>KZALAA (repeatable)"),
    node: list[str] = typer.Option([], help="only about this node (repeatable)"),
    object_id: list[str] = typer.Option([], "--id", help="only this item (repeatable)"),
) -> None:
    """Subscribe an endpoint; its signing secret is printed once (standard output)."""
    from silkpost.bootstrap import bootstrap
    from silkpost.webhooks.service import subscribe

    with reported_errors():
        platform = bootstrap()
        new = subscribe(partner, url, event_type, uow=platform.webhook_uow(),
                        clock=platform.clock, lanes=lane, nodes=node, object_ids=object_id)
        platform.dispose()
    err_console.print(f"subscription [bold]{new.subscription.subscription_id}[/]: its signing "
                      "secret follows; copy it now, it will not be shown again")
    typer.echo(new.secret)


@app.command("list")
def list_(
    partner: str = typer.Option(None, help="only this partner's subscriptions"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Subscriptions and whether they are on."""
    from silkpost.bootstrap import bootstrap
    from silkpost.webhooks.service import subscriptions

    with reported_errors():
        platform = bootstrap()
        subs = subscriptions(uow=platform.webhook_uow(), partner=partner)
        platform.dispose()
    if as_json:
        console.print_json(json.dumps([subscription_json(x) for x in subs]))
        return
    table = Table(title="Webhook subscriptions")
    for col in ("id", "partner"):
        table.add_column(col, no_wrap=True)
    for col in ("url", "types", "state"):
        table.add_column(col)
    for x in subs:
        state = (f"disabled: {x.disabled_reason}" if x.disabled_at else "on")
        table.add_row(x.subscription_id, plain(x.partner), plain(x.url),
                      " ".join(t.value for t in x.types), plain(state))
    console.print(table)


@app.command("log")
def log(
    subscription_id: str = typer.Argument(..., help="subscription id, e.g. wh_…"),
    limit: int = typer.Option(50, help="how many, newest first"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """A subscription's latest deliveries: state, attempts, last answer."""
    from silkpost.bootstrap import bootstrap
    from silkpost.webhooks.service import delivery_log

    with reported_errors():
        platform = bootstrap()
        found = delivery_log(subscription_id, uow=platform.webhook_uow(), limit=limit)
        platform.dispose()
    if as_json:
        console.print_json(json.dumps([delivery_json(x) for x in found]))
        return
    table = Table(title=f"Deliveries of {plain(subscription_id)}")
    for col in ("message", "type", "state", "attempts", "last answer", "next / done (UTC)"):
        table.add_column(col)
    for x in found:
        answer = str(x.last_status) if x.last_status else plain(x.last_error) or "—"
        when = x.done_at or x.next_at
        table.add_row(x.msg_id, x.event_type.value, x.state.value, str(x.attempts), answer,
                      f"{when:%Y-%m-%d %H:%M:%S}")
    console.print(table)


@app.command("replay")
def replay(
    subscription_id: str = typer.Argument(..., help="subscription id, e.g. wh_…"),
    since: str = typer.Option(..., help=f"resend what was queued since this time, e.g. "
                              f"{TIME_EXAMPLE}"),
) -> None:
    """Send again every message queued since a time (same webhook-id: receivers drop repeats)."""
    from silkpost.bootstrap import bootstrap
    from silkpost.webhooks.service import replay as requeue

    with reported_errors():
        start = aware_time(since, option="since")
        platform = bootstrap()
        count = requeue(subscription_id, since=start, uow=platform.webhook_uow(),
                        clock=platform.clock)
        platform.dispose()
    console.print(f"{count} deliveries queued again")


@app.command("enable")
def enable(subscription_id: str = typer.Argument(..., help="subscription id, e.g. wh_…")
           ) -> None:
    """Turn a disabled subscription back on, once its endpoint is mended."""
    from silkpost.bootstrap import bootstrap
    from silkpost.webhooks.service import enable as turn_on

    with reported_errors():
        platform = bootstrap()
        turn_on(subscription_id, uow=platform.webhook_uow())
        platform.dispose()
    console.print(f"subscription {plain(subscription_id)} is on")


@app.command("run")
def run(once: bool = typer.Option(False, "--once", help="stop when nothing is due")) -> None:
    """The dispatcher: send due deliveries until stopped (Ctrl-C or SIGTERM)."""
    from silkpost.bootstrap import bootstrap

    with reported_errors():
        platform = bootstrap()
    dispatcher = platform.webhook_dispatcher()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: dispatcher.stop())
    if not once:
        err_console.print("dispatching webhooks; Ctrl-C stops after the current round")
    totals = dispatcher.run(once=once)
    platform.dispose()
    console.print(f"{totals.attempted} attempts, {totals.delivered} delivered, "
                  f"{totals.failed_for_good} failed for good, "
                  f"{len(totals.disabled)} subscriptions disabled")
