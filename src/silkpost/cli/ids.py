"""``silkpost id``: check and issue UPU identifiers."""

from __future__ import annotations

import typer

from silkpost.cli.output import console, err_console, plain
from silkpost.domain import s9, s10

app = typer.Typer(help="UPU S10 item ids and S9 receptacle ids.", no_args_is_help=True)


@app.command("check")
def check(ids: list[str] = typer.Argument(..., help="ids to check")) -> None:
    """Say whether each id is a valid S10 item id or S9 receptacle id, and why not."""
    bad = 0
    for raw in ids:
        compact = raw.replace(" ", "").upper()
        try:
            if len(compact) == 29:
                r = s9.parse(compact)
                console.print(
                    f"[green]valid[/] S9 {plain(compact)}: {r.origin} → {r.destination}, category "
                    f"{r.mail_category}, subclass {r.subclass}, dispatch {r.dispatch_number}, "
                    f"receptacle {r.receptacle_number}, {r.weight_kg} kg"
                )
            else:
                number = s10.validate(compact)
                console.print(
                    f"[green]valid[/] S10 {s10.format(number)}: "
                    f"{s10.service_class(number[:2])}, issued in {number[11:]}"
                )
        except ValueError as exc:
            bad += 1
            err_console.print(f"[red]invalid[/] {plain(raw)}: {plain(exc)}")
    if bad:
        raise typer.Exit(1)


@app.command("new")
def new(
    indicator: str = typer.Option("CA", help="service indicator, e.g. CA parcels, EE EMS"),
    country: str = typer.Option("CN", help="ISO 3166 code of the issuing operator"),
    first: int = typer.Option(..., help="first serial of the range allocated to you"),
    count: int = typer.Option(1, min=1, help="how many ids"),
) -> None:
    """Issue S10 ids from a serial range (serials must not be reused within 12 months)."""
    try:
        for number in s10.id_range(indicator.upper(), country.upper(), first, count):
            console.print(number)
    except ValueError as exc:
        err_console.print(f"[red]error[/]: {plain(exc)}")
        raise typer.Exit(2) from None
