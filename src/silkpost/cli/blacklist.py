"""``silkpost customs blacklist …``: bar a shipper, lift the bar, list who is barred."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from silkpost.cli.output import TIME_EXAMPLE, aware_time, console, plain, reported_errors

if TYPE_CHECKING:
    from silkpost.bootstrap import Platform
    from silkpost.domain.blacklist import BlacklistEntry

app = typer.Typer(help="The shipper blacklist: senders barred at acceptance (docs/customs.md).",
                  no_args_is_help=True)

KIND_HELP = "resident_id, passport or company (a company's customs code, as ebc_code)"


def _platform() -> Platform:
    from silkpost.bootstrap import bootstrap

    return bootstrap()


def _row(number: int, e: BlacklistEntry) -> dict[str, object]:
    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    return {"entry": number, "kind": e.who.kind.value, "number": e.who.number,
            "reason": e.reason, "source": e.source, "added_by": e.added_by,
            "added_at": iso(e.added_at), "expires_at": iso(e.expires_at),
            "removed_at": iso(e.removed_at), "removed_by": e.removed_by,
            "removal_reason": e.removal_reason}


@app.command("add")
def add(
    kind: str = typer.Argument(..., help=KIND_HELP),
    number: str = typer.Argument(..., help="the identity number or the company code"),
    reason: str = typer.Option(..., help="why the shipper is barred"),
    source: str = typer.Option(..., help="on whose word: a case, a notice, an authority"),
    by: str = typer.Option(..., "--by", help="who adds the entry"),
    expires: str = typer.Option(None, help=f"until when (ISO 8601, e.g. {TIME_EXAMPLE}); "
                                "none: until removed"),
    as_json: bool = typer.Option(False, "--json", help="print the entry as JSON"),
) -> None:
    """Bar a shipper from now: its declarations are refused at check (written to the audit
    log)."""
    from silkpost.customs import blacklist

    with reported_errors():
        until = None if expires is None else aware_time(expires, option="--expires")
        platform = _platform()
        n, entry = blacklist.add(kind, number, reason=reason, source=source, added_by=by,
                                 expires_at=until, uow=platform.blacklist_uow(),
                                 clock=platform.clock)
        platform.dispose()
    if as_json:
        console.print_json(data=_row(n, entry))
        return
    console.print(f"entry {n}: {plain(entry.who)} barred"
                  + (f" until {entry.expires_at.isoformat()}" if entry.expires_at else ""),
                  soft_wrap=True)


@app.command("remove")
def remove(
    kind: str = typer.Argument(..., help=KIND_HELP),
    number: str = typer.Argument(..., help="the identity number or the company code"),
    reason: str = typer.Option(..., help="why the bar is lifted"),
    by: str = typer.Option(..., "--by", help="who lifts it"),
) -> None:
    """Lift a shipper's bar from now; the entry stays in the history (and the audit log)."""
    from silkpost.customs import blacklist

    with reported_errors():
        platform = _platform()
        numbers = blacklist.remove(kind, number, by=by, reason=reason,
                                   uow=platform.blacklist_uow(), clock=platform.clock)
        platform.dispose()
    console.print(f"lifted: entry {', '.join(map(str, numbers))}")


@app.command("list")
def listing(
    everything: bool = typer.Option(False, "--all", help="also the expired and lifted"),
    as_json: bool = typer.Option(False, "--json", help="print the entries as JSON"),
) -> None:
    """The shippers barred now (with --all, the whole history)."""
    from silkpost.customs import blacklist

    with reported_errors():
        platform = _platform()
        found = blacklist.entries(uow=platform.blacklist_uow(), clock=platform.clock,
                                  everything=everything)
        platform.dispose()
    if as_json:
        console.print_json(data=[_row(n, e) for n, e in found])
        return
    table = Table(title=f"Shipper blacklist: {len(found)} entries"
                        + (" (all, with the lifted and expired)" if everything else " in force"))
    for col in ("entry", "shipper", "reason", "source", "added", "until", "lifted"):
        table.add_column(col)
    for n, e in found:
        lifted = "" if e.removed_at is None else (
            f"{e.removed_at:%Y-%m-%d} by {e.removed_by}: {e.removal_reason or ''}")
        table.add_row(str(n), plain(e.who), plain(e.reason), plain(e.source),
                      f"{e.added_at:%Y-%m-%d %H:%M} by {plain(e.added_by)}",
                      "" if e.expires_at is None else f"{e.expires_at:%Y-%m-%d %H:%M}",
                      plain(lifted))
    console.print(table)
