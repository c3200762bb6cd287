"""``silkpost customs declare``: store a file of declarations as a broker's, through the same
service as ``POST /api/v1/declarations``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from silkpost.cli.output import (
    console,
    err_console,
    file_chunks,
    plain,
    records_file,
    reported_errors,
)
from silkpost.customs.declarations import DeclareReport, Outcome, RecordResult

_LISTED = (Outcome.REFUSED, Outcome.CONFLICT)


def declare(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="declarations: .json, .ndjson or .csv"),
    broker: str = typer.Option(..., "--broker", help="the customs broker's partner code "
                               "(silkpost partner add CODE --kind customs_broker)"),
    fmt: str = typer.Option(None, "--format", help="json, ndjson or csv (default: by "
                            "extension)"),
    encoding: str = typer.Option("utf-8", help="utf-8, windows-1251 or gb18030"),
    delimiter: str = typer.Option(None, help="CSV cell delimiter: , ; or tab"),
    show: int = typer.Option(20, help="how many refused or conflicting records to list"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Check every declaration of a file as ``customs check`` does and store the valid ones
    as the broker's (500 a transaction); the same declaration again is a duplicate, stored
    once; another under a used reference is a conflict. Exit 1 if any was refused or in
    conflict."""
    from silkpost.bootstrap import bootstrap
    from silkpost.customs.declarations import declare as run
    from silkpost.customs.files import read_declarations

    listed: list[RecordResult] = []

    with reported_errors():
        kind, codec, delim = records_file(file, fmt, encoding, delimiter)
        platform = bootstrap()
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeRemainingColumn(),
                   TextColumn("{task.fields[counts]}"))
        with Progress(*columns, console=err_console) as progress:
            task = progress.add_task(file.name, total=file.stat().st_size, counts="")

            def seen(result: RecordResult, report: DeclareReport) -> None:
                if result.outcome in _LISTED and len(listed) < max(show, 0):
                    listed.append(result)
                if report.received % 1000 == 0:
                    progress.update(task, counts=f"{report.stored:,} stored · "
                                                 f"{report.refused + report.conflicts:,} not")

            items = read_declarations(file_chunks(file, progress, task), kind,
                                      encoding=codec, delimiter=delim)
            report = run(items, broker=broker.strip().upper(), uow=platform.declaration_uow(),
                         clock=platform.clock, keep_results=False, on_record=seen)
        platform.dispose()
    if as_json:
        console.print_json(data={
            "received": report.received, "stored": report.stored,
            "duplicates": report.duplicates, "conflicts": report.conflicts,
            "refused": report.refused,
            "records": [{"position": r.position, "reference": r.reference,
                         "outcome": r.outcome.value,
                         "problems": [{"field": p.field, "reason": p.reason}
                                      for p in r.problems]} for r in listed]})
    else:
        _print(file, report, listed)
    if not report.ok:
        raise typer.Exit(1)


def _print(file: Path, report: DeclareReport, listed: list[RecordResult]) -> None:
    summary = Table(title=f"Declarations of {plain(file.name)}")
    for col in ("received", "stored", "duplicates", "conflicts", "refused"):
        summary.add_column(col, justify="right")
    summary.add_row(*(f"{n:,}" for n in (report.received, report.stored, report.duplicates,
                                         report.conflicts, report.refused)))
    console.print(summary)
    if listed:
        table = Table(title="Not stored")
        for col in ("position", "reference", "outcome", "field", "reason"):
            table.add_column(col)
        for r in listed:
            for n, p in enumerate(r.problems):
                table.add_row(str(r.position) if n == 0 else "",
                              plain(r.reference or "") if n == 0 else "",
                              r.outcome.value if n == 0 else "", plain(p.field), plain(p.reason))
        console.print(table)
