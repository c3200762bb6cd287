"""``silkpost office acceptance …``: acceptance security at an office from the command line:
record the controls of items (identity, content check, X-ray) and decide on those held.

Each command is one call of :mod:`silkpost.office.acceptance` on the store the settings name;
the sender is checked against the shipper blacklist in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from silkpost.cli.output import TIME_EXAMPLE, aware_time, console, plain, reported_errors
from silkpost.domain.acceptance import Outcome
from silkpost.errors import InvalidRequest

if TYPE_CHECKING:
    from silkpost.bootstrap import Platform

app = typer.Typer(help="Acceptance security: identity, content check and X-ray recorded; "
                  "decisions on the items held (docs/customs.md).", no_args_is_help=True)

_OUTCOMES = "clear or suspect"


def _platform() -> Platform:
    from silkpost.bootstrap import bootstrap

    return bootstrap()


def _outcome(value: str | None, option: str) -> Outcome | None:
    if value is None:
        return None
    try:
        return Outcome(value.strip().lower())
    except ValueError:
        raise InvalidRequest(f"{value!r}: {_OUTCOMES}", field=option) from None


@app.command("record")
def record(
    office: str = typer.Argument(..., help="office of exchange code, e.g. CNURCA"),
    items: list[str] = typer.Argument(..., help="S10 ids of the items checked"),
    operator: str = typer.Option(..., help="who did the controls (name or badge)"),
    content: str = typer.Option(None, help=f"content check outcome: {_OUTCOMES}"),
    xray: str = typer.Option(None, help=f"X-ray outcome: {_OUTCOMES}"),
    sender_kind: str = typer.Option(None, help="sender identity: resident_id, passport or "
                                    "company"),
    sender_number: str = typer.Option(None, help="sender identity number or company code"),
    note: str = typer.Option("", help="what the operator saw"),
    at: str = typer.Option(None, help=f"when (ISO 8601, e.g. {TIME_EXAMPLE}; default now)"),
    source: str = typer.Option(None, help="who the events are sent by (default office:<OFFICE>)"),
) -> None:
    """Record the controls done on items (one batch, one transaction); a suspect outcome or
    a blacklisted sender holds the item for security. Exit 1 if any was held."""
    from silkpost.customs.blacklist import in_force
    from silkpost.domain.acceptance import AcceptanceCheck
    from silkpost.domain.blacklist import shipper
    from silkpost.errors import invalid_request
    from silkpost.office.acceptance import record_checks

    with reported_errors():
        found_content = _outcome(content, "--content")
        found_xray = _outcome(xray, "--xray")
        sender = None
        if (sender_kind is None) != (sender_number is None):
            raise InvalidRequest("give the sender's kind and number together",
                                 field="--sender-number")
        if sender_kind is not None and sender_number is not None:
            with invalid_request("--sender-number"):
                sender = shipper(sender_kind, sender_number)
        with invalid_request("--content"):
            checks = [AcceptanceCheck(i, sender, found_content, found_xray, note)
                      for i in items]
        when = None if at is None else aware_time(at, option="--at")
        platform = _platform()
        barred = in_force(uow=platform.blacklist_uow(), clock=platform.clock)
        answers = record_checks(
            office, checks, operator=operator, at=when,
            source=source or f"office:{office.strip().upper()}", network=platform.network,
            uow=platform.office_uow(), clock=platform.clock, blacklist=barred)
        platform.dispose()
    table = Table(title=f"Acceptance controls at {plain(office.upper())}")
    for col in ("item", "outcome", "why"):
        table.add_column(col)
    for a in answers:
        table.add_row(plain(a.item_id), "[bold yellow]held[/]" if a.held else "[green]clear[/]",
                      plain("; ".join(a.reasons)))
    console.print(table)
    if any(a.held for a in answers):
        raise typer.Exit(1)


@app.command("decide")
def decide(
    office: str = typer.Argument(..., help="office of exchange code, e.g. CNURCA"),
    items: list[str] = typer.Argument(..., help="S10 ids of items held for security"),
    decision: str = typer.Option(..., help="released or returned (to the sender)"),
    operator: str = typer.Option(..., help="who decides"),
    note: str = typer.Option("", help="why"),
    source: str = typer.Option(None, help="who the events are sent by (default office:<OFFICE>)"),
) -> None:
    """Release items held by acceptance security, or return them to their sender."""
    from silkpost.office.acceptance import decide as run

    with reported_errors():
        platform = _platform()
        done = run(office, items, decision, operator=operator, note=note,
                   source=source or f"office:{office.strip().upper()}",
                   network=platform.network, uow=platform.office_uow(), clock=platform.clock)
        platform.dispose()
    console.print(f"{decision.strip().lower()}: {', '.join(plain(i) for i in done)}",
                  soft_wrap=True)
