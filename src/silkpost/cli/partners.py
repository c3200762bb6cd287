"""``silkpost partner`` and ``silkpost key``: the registry of partners and their API keys.

A new key is printed once, on its own line, so a script can take it from standard output;
nothing else ever shows it again.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
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
from silkpost.domain.partners import ApiKey, Partner, PartnerKind, Role
from silkpost.partners.errors import InvalidPartner

partner_app = typer.Typer(help="Partners of the exchange: posts, carriers, platforms, brokers, "
                          "exchange offices.", no_args_is_help=True)
key_app = typer.Typer(help="API keys: issue (shown once), list, rotate, revoke.",
                      no_args_is_help=True)

_DURATION = re.compile(r"^(\d{1,4})([dh])$")


def _duration(value: str, field: str) -> timedelta:
    found = _DURATION.fullmatch(value.strip())
    if found is None:
        raise InvalidPartner(f"{value!r} is not a duration like 7d or 12h", field=field)
    amount = int(found.group(1))
    return timedelta(days=amount) if found.group(2) == "d" else timedelta(hours=amount)


def partner_json(p: Partner) -> dict[str, Any]:
    """A partner as ``--json`` prints it."""
    return {"code": p.code, "name": p.name, "kind": p.kind.value, "nodes": list(p.nodes),
            "services": list(p.services), "created_at": p.created_at.isoformat()}


def key_json(k: ApiKey, now: datetime) -> dict[str, Any]:
    """A key as ``--json`` prints it: never the key itself, which is not stored."""
    return {"key_id": k.key_id, "prefix": k.prefix, "partner": k.partner, "role": k.role.value,
            "label": k.label, "state": k.state_at(now), "created_at": k.created_at.isoformat(),
            "expires_at": k.expires_at.isoformat() if k.expires_at else None,
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None}


@partner_app.command("add")
def add(
    code: str = typer.Argument(..., help="partner code, e.g. KAZPOST"),
    name: str = typer.Option(..., help="the partner's name"),
    kind: PartnerKind = typer.Option(..., help="post, carrier, platform, customs_broker or "
                                     "exchange_office"),
    node: list[str] = typer.Option([], help="network node it operates (repeatable)"),
    service: list[str] = typer.Option([], help="network service it runs (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Register a partner; its nodes and services are checked against the network."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import register_partner

    with reported_errors():
        platform = bootstrap()
        partner = register_partner(code, name, kind, nodes=node, services=service,
                                   uow=platform.partner_uow(), clock=platform.clock,
                                   known_nodes=platform.known_nodes(),
                                   known_services=platform.known_services())
        platform.dispose()
    if as_json:
        console.print_json(json.dumps(partner_json(partner)))
    else:
        console.print(f"partner [bold]{plain(partner.code)}[/] added ({partner.kind.value})")


@partner_app.command("list")
def list_partners(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Every partner, with its nodes and services."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import list_partners as listed

    with reported_errors():
        platform = bootstrap()
        partners = listed(uow=platform.partner_uow())
        platform.dispose()
    if as_json:
        console.print_json(json.dumps([partner_json(p) for p in partners]))
        return
    table = Table(title="Partners")
    for col in ("code", "name", "kind", "nodes", "services"):
        table.add_column(col)
    for p in partners:
        table.add_row(plain(p.code), plain(p.name), p.kind.value, plain(" ".join(p.nodes)),
                      plain(" ".join(p.services)))
    console.print(table)


@partner_app.command("profile")
def profile(
    partner: str = typer.Argument(..., help="partner code"),
    file: Path = typer.Argument(None, dir_okay=False,
                                help="the profile file (TOML); none: show the current one"),
    remove: bool = typer.Option(False, "--remove", help="take the partner's profile away"),
) -> None:
    """Set the partner's inbound profile: its file format, columns, codes, places, times."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import set_profile

    with reported_errors():
        text = None
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidPartner(f"cannot read {str(file)!r}: {exc}",
                                     field="file") from None
        platform = bootstrap()
        if file is None and not remove:
            from silkpost.partners.service import profile_text

            shown = profile_text(partner, uow=platform.partner_uow())
            platform.dispose()
            typer.echo(shown if shown is not None else f"# {partner}: no profile")
            return
        set_profile(partner, text, uow=platform.partner_uow())
        platform.dispose()
    console.print(f"profile of {plain(partner.upper())} "
                  f"{'removed' if text is None else 'set'}")


@key_app.command("new")
def new(
    partner: str = typer.Argument(..., help="partner code"),
    role: Role = typer.Option(..., help="admin, operator, partner or viewer"),
    expires: str = typer.Option(None, help=f"time it stops working, e.g. {TIME_EXAMPLE}"),
    label: str = typer.Option("", help="what it is for, e.g. 'Almaty sorting scanners'"),
) -> None:
    """Issue a key; it is printed once (standard output) and cannot be shown again."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import issue_key

    with reported_errors():
        expires_at = None if expires is None else aware_time(expires, option="expires")
        platform = bootstrap()
        issued = issue_key(partner, role, uow=platform.partner_uow(), clock=platform.clock,
                           expires_at=expires_at, label=label)
        platform.dispose()
    _show_once(issued.key, issued.text)


def _show_once(key: ApiKey, text: str) -> None:
    err_console.print(f"key [bold]{key.key_id}[/] for {plain(key.partner)} ({key.role.value})"
                      ": copy it now, it is not stored and will not be shown again")
    typer.echo(text)


@key_app.command("list")
def list_keys(
    partner: str = typer.Option(None, help="only this partner's keys"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Keys with their state; never the keys themselves."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import list_keys as listed

    with reported_errors():
        platform = bootstrap()
        keys = listed(uow=platform.partner_uow(), partner=partner)
        now = platform.clock.now()
        platform.dispose()
    if as_json:
        console.print_json(json.dumps([key_json(k, now) for k in keys]))
        return
    table = Table(title="API keys")
    for col in ("key id", "partner", "role", "state"):
        table.add_column(col, no_wrap=True)
    for col in ("created", "expires", "label"):
        table.add_column(col)
    for k in keys:
        table.add_row(k.key_id, plain(k.partner), k.role.value, k.state_at(now),
                      f"{k.created_at:%Y-%m-%d %H:%M %z}",
                      f"{k.expires_at:%Y-%m-%d %H:%M %z}" if k.expires_at else "never",
                      plain(k.label))
    console.print(table)


@key_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="key id, e.g. k3f9a1c2d4e6b")) -> None:
    """Stop a key now."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import revoke_key

    with reported_errors():
        platform = bootstrap()
        key = revoke_key(key_id, uow=platform.partner_uow(), clock=platform.clock)
        platform.dispose()
    console.print(f"key {key.key_id} revoked")


@key_app.command("rotate")
def rotate(
    key_id: str = typer.Argument(..., help="key id, e.g. k3f9a1c2d4e6b"),
    overlap: str = typer.Option("7d", help="how long the old key goes on working: 12h, 7d"),
) -> None:
    """Issue a key to replace another; both work during the overlap, then only the new one."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import rotate_key

    with reported_errors():
        span = _duration(overlap, "overlap")
        platform = bootstrap()
        issued = rotate_key(key_id, uow=platform.partner_uow(), clock=platform.clock,
                            overlap=span)
        platform.dispose()
    _show_once(issued.key, issued.text)
