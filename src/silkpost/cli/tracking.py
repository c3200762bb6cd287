"""``silkpost import`` and ``silkpost track``: events in, timelines out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from silkpost.cli.output import console, err_console, file_chunks, plain, reported_errors
from silkpost.domain.codes import ObjectKind, event_code, statuses
from silkpost.tracking import formats


def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="events file"),
    fmt: str = typer.Option(None, "--format", help="json, ndjson or csv (default: by extension)"),
    source: str = typer.Option(None, help="who the events come from (default: the partner's "
                               "code, else 'import'; with --partner, a label under it)"),
    partner: Annotated[str | None, typer.Option(
        help="the partner whose file this is: its inbound profile applies (silkpost partner "
             "profile) and its code is the events' sender")] = None,
    show: int = typer.Option(20, help="how many rejections to list"),
    # Annotated, so that a caller in Python (benchmarks/bench_ingest.py) gets real defaults.
    encoding: Annotated[str | None, typer.Option(
        help="utf-8 (with or without BOM), windows-1251 or gb18030 (default: the partner "
             "profile's, else utf-8)")] = None,
    delimiter: Annotated[str | None, typer.Option(
        help="CSV cell delimiter: , ; or tab (default: the header line's)")] = None,
    timezone: Annotated[str | None, typer.Option(
        help="IANA zone of times without a UTC offset, e.g. Asia/Almaty")] = None,
) -> None:
    """Import events from a JSON, NDJSON or CSV file; exit 1 if any record was rejected."""
    from silkpost.bootstrap import bootstrap
    from silkpost.tracking.service import ingest, time_zone

    with reported_errors():
        platform = bootstrap()
        profile = None
        if partner is not None:
            from silkpost.partners.service import profile_of

            profile = profile_of(partner, uow=platform.partner_uow())
            partner = partner.strip().upper()
            source = partner if source is None else f"{partner}/{source}"
        kind: formats.Format = (fmt or (profile.format if profile else None)  # type: ignore[assignment]
                                or formats.guess_format(file.name))
        if kind not in ("json", "ndjson", "csv"):
            raise formats.UnreadableFile(f"unknown format {kind!r}", field="format")
        codec = formats.encoding_named(
            encoding or (profile.encoding if profile else "utf-8"), field="--encoding")
        delimiter = delimiter or (profile.delimiter if profile else None)
        delim = None if delimiter is None else formats.delimiter_named(delimiter,
                                                                      field="--delimiter")
        timezone = timezone or (profile.timezone if profile else None)
        zone = None if timezone is None else time_zone(timezone, field="--timezone")
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), TransferSpeedColumn(),
                   TimeRemainingColumn(), TextColumn("{task.fields[counts]}"))
        with Progress(*columns, console=err_console, transient=False) as progress:
            task = progress.add_task(file.name, total=file.stat().st_size, counts="")
            if kind == "json":
                records = formats.read_json(file.read_bytes(), encoding=codec)
                progress.update(task, completed=file.stat().st_size)
            else:
                records = formats.read_stream(file_chunks(file, progress, task), kind,
                                              delimiter=delim, encoding=codec,
                                              rename=profile.header if profile else None)
            if profile is not None:
                records = formats.profiled(records, profile)
            result = ingest(
                records, uow=platform.uow(), clock=platform.clock, source=source or "import",
                batch_size=platform.settings.ingest_batch_size, zone=zone,
                places=platform.place_names(),
                on_batch=lambda r: progress.update(
                    task, counts=f"{r.accepted:,} new · {r.duplicates:,} dup · "
                    f"{r.rejected:,} rejected"),
            )
        platform.dispose()
    table = Table(title=f"Import of {file.name}")
    for col in ("received", "accepted", "duplicates", "rejected"):
        table.add_column(col, justify="right")
    table.add_row(*(f"{getattr(result, c):,}" for c in
                    ("received", "accepted", "duplicates", "rejected")))
    console.print(table)
    if result.rejections:
        rejected = Table(title="Rejected records")
        for col in ("position", "field", "reason"):
            rejected.add_column(col)
        for r in result.rejections[:show]:
            rejected.add_row(str(r.position), plain(r.field), plain(r.reason))
        console.print(rejected)
        if result.rejected > show:
            console.print(f"… and {result.rejected - show:,} more rejected records")
    if not result.ok:
        raise typer.Exit(1)


def track_id(
    object_id: str = typer.Argument(..., help="S10 id or another carrier's number"),
    kind: ObjectKind = typer.Option(ObjectKind.ITEM, help="item, receptacle, dispatch..."),
    as_json: bool = typer.Option(False, "--json", help="print the API's JSON"),
    lang: str = typer.Option("en", help="en, zh, ru or kk"),
) -> None:
    """Show an object's status, last place, ETA and timeline."""
    from silkpost.api.schemas import ObjectOut
    from silkpost.bootstrap import bootstrap
    from silkpost.tracking.service import track

    with reported_errors():
        platform = bootstrap()
        view = track(object_id, uow=platform.uow(), clock=platform.clock, kind=kind,
                     eta=platform.eta)
        platform.dispose()
    if as_json:
        console.print_json(json.dumps(ObjectOut.of_view(view, lang).model_dump(mode="json")))
        return
    t = view.tracked
    status = statuses()[t.status].names.get(lang, t.status.value)
    place = " ".join(p for p in (t.last_location, t.last_office) if p) or "unknown place"
    console.print(f"[bold]{plain(t.object_id)}[/] · {plain(status)}"
                  f"{' · [red]STUCK[/]' if view.stuck else ''}"
                  f" · last seen {plain(place)} at {t.last_at.isoformat()}")
    if view.eta:
        console.print(f"ETA {view.eta.isoformat()}")
    table = Table()
    for col in ("time (local)", "code", "event", "place", "office", "source", ""):
        table.add_column(col)
    flags = view.retracted or (False,) * len(view.timeline)
    for e, retracted in zip(view.timeline, flags, strict=True):
        code = event_code(e.code)
        # A retracted event stays in the timeline, struck through, as on the tracking page.
        table.add_row(e.occurred_at.strftime("%Y-%m-%d %H:%M %z"), plain(e.code),
                      plain(code.names.get(lang, e.code) if code else e.code),
                      plain(e.location), plain(e.office), plain(e.source),
                      "retracted" if retracted else "",
                      style="strike dim" if retracted else None)
    console.print(table)
    if view.earlier_lives:
        console.print(f"({view.earlier_lives} earlier item(s) carried this id more than a year "
                      "before; not shown)")
