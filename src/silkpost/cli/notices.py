"""``silkpost notice``: write, publish, withdraw and list notices from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from silkpost.cli.output import TIME_EXAMPLE, console, plain, reported_errors
from silkpost.domain.notices import NoticeState, Severity
from silkpost.notices.errors import InvalidNotice

if TYPE_CHECKING:
    from silkpost.notices.service import NoticeView

app = typer.Typer(help="Notices to partners: changed hours, suspended routes, new rules.",
                  no_args_is_help=True)

_STATE_STYLE = {"active": "bold green", "scheduled": "cyan", "draft": "dim",
                "expired": "dim", "withdrawn": "red"}
_SEVERITY_STYLE = {"disruption": "bold red", "warning": "yellow", "info": ""}


def _moment(value: str | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidNotice(f"{value!r} is not an ISO 8601 time (e.g. {TIME_EXAMPLE})",
                            field=field) from None


def _print(view: NoticeView, as_json: bool) -> None:
    from silkpost.api.notice_schemas import NoticeOut

    out = NoticeOut.of(view)
    if as_json:
        console.print_json(json.dumps(out.model_dump(mode="json")))
        return
    style = _STATE_STYLE.get(out.state.value, "")
    console.print(f"[bold]{plain(out.id)}[/] · [{style}]{out.state.value}[/] · "
                  f"{out.severity.value} · {plain(view.notice.title_in('en'))}")


@app.command("create")
def create(
    title_en: str = typer.Option(None, "--title-en", help="title in English"),
    title_zh: str = typer.Option(None, "--title-zh", help="title in Chinese"),
    title_ru: str = typer.Option(None, "--title-ru", help="title in Russian"),
    title_kk: str = typer.Option(None, "--title-kk", help="title in Kazakh"),
    body_en: str = typer.Option(None, "--body-en", help="text in English"),
    body_zh: str = typer.Option(None, "--body-zh", help="text in Chinese"),
    body_ru: str = typer.Option(None, "--body-ru", help="text in Russian"),
    body_kk: str = typer.Option(None, "--body-kk", help="text in Kazakh"),
    severity: Severity = typer.Option(..., help="info, warning or disruption"),
    node: list[str] = typer.Option([], help="node code it concerns (repeatable; none: all)"),
    service: list[str] = typer.Option([], help="service id it concerns (repeatable)"),
    valid_from: str = typer.Option(..., "--from",
                              help=f"ISO time with UTC offset, e.g. {TIME_EXAMPLE}"),
    valid_until: str = typer.Option(None, "--until",
                               help=f"ISO time with UTC offset, e.g. {TIME_EXAMPLE}"),
    publish: bool = typer.Option(False, "--publish", help="publish at once"),
    as_json: bool = typer.Option(False, "--json", help="print the API's JSON"),
) -> None:
    """Write a notice (a draft unless --publish); codes are checked against the network."""
    from silkpost.bootstrap import bootstrap
    from silkpost.notices.service import NoticeDraft, create_notice

    titles = {"en": title_en, "zh": title_zh, "ru": title_ru, "kk": title_kk}
    bodies = {"en": body_en, "zh": body_zh, "ru": body_ru, "kk": body_kk}
    with reported_errors():
        start = _moment(valid_from, "valid_from")
        assert start is not None
        draft = NoticeDraft(
            title={k: v for k, v in titles.items() if v}, severity=severity,
            body={k: v for k, v in bodies.items() if v}, nodes=tuple(node),
            services=tuple(service), valid_from=start,
            valid_until=_moment(valid_until, "valid_until"),
        )
        platform = bootstrap()
        view = create_notice(draft, uow=platform.notice_uow(), clock=platform.clock,
                             publish=publish, known_nodes=platform.known_nodes(),
                             known_services=platform.known_services())
        platform.dispose()
    _print(view, as_json)


@app.command("publish")
def publish(notice_id: str = typer.Argument(..., help="notice id, e.g. N-2026-0001"),
            as_json: bool = typer.Option(False, "--json", help="print the API's JSON")) -> None:
    """Publish a draft notice now."""
    from silkpost.bootstrap import bootstrap
    from silkpost.notices.service import publish_notice

    with reported_errors():
        platform = bootstrap()
        view = publish_notice(notice_id, uow=platform.notice_uow(), clock=platform.clock)
        platform.dispose()
    _print(view, as_json)


@app.command("withdraw")
def withdraw(notice_id: str = typer.Argument(..., help="notice id, e.g. N-2026-0001"),
             as_json: bool = typer.Option(False, "--json", help="print the API's JSON")) -> None:
    """Withdraw a notice now: it is no longer shown."""
    from silkpost.bootstrap import bootstrap
    from silkpost.notices.service import withdraw_notice

    with reported_errors():
        platform = bootstrap()
        view = withdraw_notice(notice_id, uow=platform.notice_uow(), clock=platform.clock)
        platform.dispose()
    _print(view, as_json)


@app.command("list")
def list_(
    state: NoticeState = typer.Option(None, help="draft, scheduled, active, expired, withdrawn"),
    node: str = typer.Option(None, help="node code (network-wide notices included)"),
    limit: int = typer.Option(100, help="how many, newest first"),
    lang: str = typer.Option("en", help="en, zh, ru or kk"),
    as_json: bool = typer.Option(False, "--json", help="print the API's JSON"),
) -> None:
    """List notices by state now and node, newest first."""
    from silkpost.bootstrap import bootstrap
    from silkpost.notices.service import list_notices

    with reported_errors():
        platform = bootstrap()
        views = list_notices(uow=platform.notice_uow(), clock=platform.clock, state=state,
                             node=node, limit=limit)
        platform.dispose()
    if as_json:
        from silkpost.api.notice_schemas import NoticeOut

        console.print_json(json.dumps([NoticeOut.of(v).model_dump(mode="json") for v in views]))
        return
    table = Table(title="Notices")
    for col in ("id", "state", "severity"):
        table.add_column(col, no_wrap=True)
    for col in ("title", "nodes / services", "valid (UTC)"):
        table.add_column(col)
    for v in views:
        n = v.notice
        window = f"{n.valid_from.astimezone(UTC):%Y-%m-%d %H:%M} → " + (
            f"{n.valid_until.astimezone(UTC):%Y-%m-%d %H:%M}" if n.valid_until else "")
        table.add_row(
            # Styled as Text, not markup: "info" has no style, and "[]info[/]" is no markup.
            plain(n.notice_id), Text(v.state.value, style=_STATE_STYLE[v.state.value]),
            Text(n.severity.value, style=_SEVERITY_STYLE[n.severity.value]),
            plain(n.title_in(lang)), plain(" ".join(n.nodes + n.services) or "all"), window,
        )
    console.print(table)
