"""``silkpost customs match`` and ``silkpost customs receipts``: China customs' CEB import
messages matched (三单对碰), and customs receipts turned into item events."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from silkpost.cli.output import console, err_console, output_path, plain, reported_errors
from silkpost.errors import InvalidRequest

PATHS = typer.Argument(..., exists=True, help="CEB XML messages (or NDJSON records): files, "
                                              "or folders read for *.xml and *.ndjson")
NDJSON = (".ndjson", ".jsonl")


def _files(paths: list[Path]) -> list[Path]:
    """The message files named: files as given, folders' *.xml in name order."""
    out: list[Path] = []
    for path in paths:
        out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (
            ".xml", *NDJSON)) if path.is_dir() else [path]
    if not out:
        raise InvalidRequest("no .xml or .ndjson file in the folders given", field="PATHS")
    return out


def _chunks(path: Path) -> Iterator[bytes]:
    from silkpost.tracking.formats import READ_CHUNK

    try:
        with path.open("rb") as fh:
            while chunk := fh.read(READ_CHUNK):
                yield chunk
    except OSError as exc:
        err_console.print(f"[yellow]cannot read[/] {plain(path)}: {plain(exc.strerror or exc)}")


def _messages(files: list[Path], progress: Progress, task: TaskID
              ) -> Iterator[tuple[str, bytes | Iterator[bytes]]]:
    """Each XML file's bytes, at most one byte over the bound a message may have (the reader
    refuses it whole: a huge file is never read into memory); an NDJSON file's chunks."""
    from silkpost.customs.ceb.schemas import MAX_MESSAGE_BYTES

    for path in files:
        if path.suffix.lower() in NDJSON:
            yield str(path), _chunks(path)
            progress.advance(task)
            continue
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_MESSAGE_BYTES + 1)
        except OSError as exc:
            data = b""
            err_console.print(f"[yellow]cannot read[/] {plain(path)}: "
                              f"{plain(exc.strerror or exc)}")
        yield str(path), data
        progress.advance(task)


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[counts]}"), console=err_console)


def _tolerance(value: str) -> Any:
    from silkpost.domain.customs_matching import MatchRules

    try:
        return MatchRules(Decimal(value))
    except (InvalidOperation, ValueError):
        raise InvalidRequest(f"{value!r} is not a share from 0 to below 1 (0.05 is 5 %)",
                             field="--tolerance") from None


def _write_atomically(path: Path, data: bytes, *, option: str) -> None:
    """All of it or nothing: a partial file is never left where the released sets go."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise InvalidRequest(f"cannot write {str(path)!r}: {exc.strerror or exc}",
                             field=option) from None


def match(
    paths: list[Path] = PATHS,
    tolerance: str = typer.Option("0.05", help="share by which an amount may differ from the "
                                  "one it is held against (0.05 = 5 %; 0 = to the cent)"),
    released: Path = typer.Option(None, "--released", dir_okay=False, help="write the matched "
                                  "sets (invtNo, orderNo, logisticsNo, copNo) here as NDJSON"),
    show: int = typer.Option(20, help="how many mismatched inventories to list"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """三单对碰: match each CEB621 inventory against its CEB311 order, CEB411 payment and
    CEB511 waybill; list every mismatch by field. Exit 1 if any inventory mismatched or any
    message had a problem."""
    from silkpost.customs.matching import match as run

    with reported_errors():
        rules = _tolerance(tolerance)
        if released is not None:
            output_path(released, option="--released")
        files = _files(paths)
        with _progress() as progress:
            task = progress.add_task("messages", total=len(files), counts="")
            outcome = run(_messages(files, progress, task), rules=rules,
                          max_listed=max(show, 0), on_message=lambda c: progress.update(
                              task, counts=f"{len(c.inventories):,} inventories"))
        if released is not None:
            _write_atomically(released, b"".join(orjson.dumps(
                {"invtNo": r.invt_no, "orderNo": r.order_no, "logisticsNo": r.logistics_no,
                 "copNo": r.cop_no}) + b"\n" for r in outcome.released), option="--released")
    report, collected = outcome.report, outcome.collected
    if as_json:
        console.print_json(orjson.dumps({
            "messages": collected.messages, "inventories": report.inventories,
            "matched": report.matched, "mismatched": report.mismatched,
            "orders_without_inventory": report.orders_without_inventory,
            "refused_records": collected.refused_records, "by_field": dict(report.by_field),
            "results": [{"invtNo": r.invt_no, "orderNo": r.order_no,
                         "logisticsNo": r.logistics_no, "matched": r.matched,
                         "mismatches": [{"field": m.field, "against": m.against,
                                         "reason": m.reason} for m in r.mismatches]}
                        for r in report.results[:show]],
            "problems": [{"file": p.source, "field": p.field, "reason": p.reason}
                         for p in collected.problems[:show]]}).decode())
        if not outcome.ok:
            raise typer.Exit(1)
        return
    summary = Table(title="三单对碰 (order, payment, waybill against the inventory)")
    for col in ("messages", "inventories", "matched", "mismatched", "orders without inventory",
                "records refused"):
        summary.add_column(col, justify="right")
    summary.add_row(*(f"{n:,}" for n in (
        collected.messages, report.inventories, report.matched, report.mismatched,
        report.orders_without_inventory, collected.refused_records)))
    console.print(summary)
    listed = report.results[:show]
    if listed:
        table = Table(title="Mismatched inventories")
        for col in ("inventory", "field", "against", "reason"):
            table.add_column(col, overflow="fold")
        for result in listed:
            name = " / ".join(x for x in (result.invt_no, result.order_no,
                                          result.logistics_no) if x)
            for n, m in enumerate(result.mismatches):
                table.add_row(plain(name) if n == 0 else "", plain(m.field),
                              plain(m.against or ""), plain(m.reason))
        console.print(table)
        fields = Table(title="Mismatches by field")
        fields.add_column("field")
        fields.add_column("inventories", justify="right")
        for name, count in report.by_field.most_common():
            fields.add_row(plain(name), f"{count:,}")
        console.print(fields)
    _print_problems(collected.problems, show)
    if released is not None:
        console.print(f"{len(outcome.released):,} matched sets released for declaration "
                      f"written to {plain(released)}")
    if not outcome.ok:
        raise typer.Exit(1)


def _print_problems(problems: list[Any], show: int) -> None:
    if not problems:
        return
    table = Table(title="Problems in the messages")
    for col in ("file", "element", "reason"):
        table.add_column(col)
    for p in problems[:show]:
        table.add_row(plain(Path(p.source).name), plain(p.field), plain(p.reason))
    console.print(table)
    if len(problems) > show:
        console.print(f"… and {len(problems) - show:,} more problems")


def receipts(
    paths: list[Path] = PATHS,
    show: int = typer.Option(20, help="how many receipts to list"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Turn customs receipts (CEB304/506/604/702, CEB312/412/512/622) into tracking events
    on their items; CEB511 waybills and CEB621 inventories given with them, or the stored
    declaration carrying their invtNo, orderNo or logisticsNo, link receipts without an S10
    logisticsNo to the item. The stored declarations they answer take the status their
    outcome means. Exit 1 if any receipt was not recorded."""
    from silkpost.bootstrap import bootstrap
    from silkpost.customs.matching import collect
    from silkpost.customs.receipts import record_receipts

    with reported_errors():
        files = _files(paths)
        platform = bootstrap()
        try:
            with _progress() as progress:
                task = progress.add_task("messages", total=len(files), counts="")
                collected = collect(_messages(files, progress, task),
                                    on_message=lambda c: progress.update(
                                        task, counts=f"{len(c.receipts):,} receipts"))
                report = record_receipts(collected, uow=platform.uow(), clock=platform.clock,
                                         places=platform.place_names(),
                                         declarations=platform.declaration_uow(),
                                         max_listed=max(show, 0))
        finally:
            platform.dispose()
    if as_json:
        console.print_json(orjson.dumps({
            "receipts": report.receipts, "recorded": report.recorded, "stored": report.stored,
            "duplicates": report.duplicates, "rejected": report.rejected,
            "not_attributable": report.not_attributable,
            "unknown_status": report.unknown_status, "by_outcome": dict(report.by_outcome),
            "declarations_updated": report.declarations_updated,
            "lines": [{"file": line.source, "message": line.message, "status": line.status,
                       "reference": line.reference, "outcome": line.outcome,
                       "code": line.code, "item_id": line.item_id,
                       "declaration": line.declaration, "note": line.note}
                      for line in report.lines[:show]],
            "problems": [{"file": p.source, "field": p.field, "reason": p.reason}
                         for p in report.problems[:show]]}).decode())
        if not report.ok:
            raise typer.Exit(1)
        return
    # One row per count: the seven fit an 80-column terminal this way.
    summary = Table(title="Customs receipts")
    summary.add_column("receipts")
    summary.add_column("count", justify="right")
    for name, n in (("read", report.receipts), ("events stored", report.stored),
                    ("already stored", report.duplicates),
                    ("refused by the tracking intake", report.rejected),
                    ("not attributable", report.not_attributable),
                    ("unknown status", report.unknown_status),
                    ("declarations updated", report.declarations_updated)):
        summary.add_row(name, f"{n:,}")
    console.print(summary)
    if report.lines:
        table = Table(title="Receipts")
        for col in ("file", "message", "reference", "status", "event", "item", "note"):
            table.add_column(col)
        for line in report.lines[:show]:
            table.add_row(plain(Path(line.source).name), plain(line.message),
                          plain(line.reference), str(line.status),
                          plain(f"{line.code} {line.outcome}" if line.code else ""),
                          plain(line.item_id or ""), plain(line.note))
        console.print(table)
    _print_problems(report.problems, show)
    if not report.ok:
        raise typer.Exit(1)
