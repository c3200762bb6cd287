"""``silkpost customs validate`` and ``silkpost customs export``: China customs' CEB messages
checked, and written from a declarations file (registered on the ``customs`` group)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from silkpost.cli.output import (
    console,
    err_console,
    file_chunks,
    plain,
    records_file,
    reported_errors,
)
from silkpost.errors import InvalidRequest


def validate(
    files: list[Path] = typer.Argument(..., help="CEB message files (.xml)"),
    schema: str | None = typer.Option(None, "--schema", help="202205 or 2018-113 (default: by the "
                               "message's version attribute: 1.0 is the 2018 trial schema)"),
    show: int = typer.Option(50, help="how many problems to list per file"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Check CEB messages against their XSD and the rules its documentation states (guid,
    appTime, line totals, GB 11643, inventory numbers, bonded fields, import rules); every
    problem is listed with its element path. Exit 1 if any file has one."""
    from silkpost.customs.ceb.schemas import MAX_MESSAGE_BYTES, Version
    from silkpost.customs.ceb.service import validate as run
    from silkpost.domain.errors import Problem

    with reported_errors():
        version = None
        if schema is not None:
            try:
                version = Version(schema)
            except ValueError:
                raise InvalidRequest(f"{schema!r}: one of 202205, 2018-113",
                                     field="--schema") from None
        with Progress(TextColumn("[bold]checking"), BarColumn(), MofNCompleteColumn(),
                      console=err_console, transient=True) as progress:
            task = progress.add_task("files", total=len(files))

            def sources() -> Iterator[tuple[str, bytes | Problem]]:
                for path in files:  # one file in memory at a time
                    yield str(path), _read(path, MAX_MESSAGE_BYTES)
                    progress.advance(task)

            reports = run(sources(), version=version)
    bad = [r for r in reports if not r.ok]
    if as_json:
        console.print_json(data={
            "checked": len(reports), "valid": len(reports) - len(bad), "invalid": len(bad),
            "files": [{"file": r.source, "message": r.message,
                       "schema": r.version.value if r.version else None,
                       "side": r.side.value if r.side else None, "ok": r.ok,
                       "problems": [{"path": p.field, "reason": p.reason}
                                    for p in r.problems[:max(show, 0)]],
                       "problem_count": len(r.problems)} for r in reports]})
        if bad:
            raise typer.Exit(1)
        return
    summary = Table(title="CEB messages")
    for col in ("file", "message", "schema", "problems"):
        summary.add_column(col, justify="right" if col == "problems" else "left")
    for r in reports:
        summary.add_row(plain(r.source), plain(r.message or "?"),
                        plain(r.version.value if r.version else "?"), f"{len(r.problems):,}")
    console.print(summary)
    for r in bad:
        listed = Table(title=f"Problems of {plain(r.source)}")
        listed.add_column("path", overflow="fold")  # a path cut short names nothing
        listed.add_column("reason", overflow="fold")
        for p in r.problems[:max(show, 0)]:
            listed.add_row(plain(p.field), plain(p.reason))
        console.print(listed)
        if len(r.problems) > show:
            console.print(f"… and {len(r.problems) - show:,} more (--show)")
    if bad:
        raise typer.Exit(1)


def _read(path: Path, limit: int) -> Any:
    """A file's bytes, up to one byte past ``limit`` (so that a larger file is told as
    such, not read whole), or why it cannot be read."""
    from silkpost.domain.errors import Problem

    try:
        with path.open("rb") as fh:
            return fh.read(limit + 1)
    except FileNotFoundError:
        return Problem("(file)", "no such file")
    except IsADirectoryError:
        return Problem("(file)", "is a folder, not a file")
    except OSError as exc:
        return Problem("(file)", f"cannot be read: {exc.strerror or exc}")


def export(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="declarations: .json, .ndjson or .csv"),
    to: Path = typer.Option(..., "--to", file_okay=False, help="folder the messages go to"),
    messages: str = typer.Option("303,505,603,701", "--messages",
                                 help="which: 303 order, 505 waybill, 603 inventory, "
                                      "701 summary"),
    bags: Path = typer.Option(None, "--bags", dir_okay=False, help="CSV of reference, "
                              "receptacle: each parcel's S9 bag (CEB603 totalPackageNo)"),
    names: Path = typer.Option(None, "--names", dir_okay=False, help="CSV of code, name: "
                               "the companies' registered names"),
    cop_code: str = typer.Option(..., help="BaseTransfer copCode: your customs code"),
    cop_name: str = typer.Option(..., help="BaseTransfer copName"),
    dxp_id: str = typer.Option(..., help="BaseTransfer dxpId: your e-port exchange user"),
    dxp_mode: str = typer.Option("DXP", help="BaseTransfer dxpMode"),
    customs_code: str = typer.Option(None, help="4-digit customs office declared to "
                                     "(CEB603, CEB701)"),
    port_code: str = typer.Option(None, help="4-digit customs office of exit (CEB603)"),
    pod: str = typer.Option(None, "--pod", help="destination port code (CEB603 POD)"),
    traf_mode: str = typer.Option("6", help="customs transport code (6: mail)"),
    wrap_type: str = typer.Option("2", help="customs packaging code"),
    statistics_flag: str = typer.Option("B", help="A simplified or B summary declaration"),
    agent_code: str = typer.Option(None, help="declaring agent's code (default: copCode)"),
    agent_name: str = typer.Option(None, help="declaring agent's name"),
    fmt: str = typer.Option(None, "--format", help="json, ndjson or csv (default: by "
                            "extension)"),
    encoding: str = typer.Option("utf-8", help="utf-8, windows-1251 or gb18030"),
    show: int = typer.Option(20, help="how many refused declarations to list"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Write China customs' export messages (202205) for the 9610 declarations of a file, one
    XML file per message, each checked against its XSD first. A declaration the messages
    cannot carry is refused whole, with every problem. Exit 1 if any was refused."""
    from silkpost.clock import SystemClock
    from silkpost.customs.ceb.export import KINDS, ExportSettings, ExportSettingsInvalid, Kind
    from silkpost.customs.ceb.files import read_bags, read_names, write_whole
    from silkpost.customs.ceb.service import export as run
    from silkpost.customs.files import read_declarations

    with reported_errors():
        kinds: list[Kind] = []
        for part in messages.split(","):
            kind = part.strip().removeprefix("CEB")
            if kind not in KINDS:
                raise InvalidRequest(f"{part.strip()!r}: one of {', '.join(KINDS)}",
                                     field="--messages")
            kinds.append(kind)
        kind_name, codec, _ = records_file(file, fmt, encoding)
        try:
            settings = ExportSettings(
                cop_code=cop_code, cop_name=cop_name, dxp_id=dxp_id, dxp_mode=dxp_mode,
                customs_code=customs_code, port_code=port_code, destination_port=pod,
                transport_mode=traf_mode, packaging=wrap_type,
                statistics_flag=statistics_flag, agent_code=agent_code,
                agent_name=agent_name,
                names=read_names(_whole(names, "--names")) if names else {})
        except ExportSettingsInvalid as exc:
            first = exc.problems[0]
            raise InvalidRequest(str(exc), field="--" + first.field.replace("_", "-")
                                 ) from None
        lacking = settings.needs(kinds)
        if lacking:
            raise InvalidRequest("; ".join(f"{p.reason}" for p in lacking),
                                 field="--" + lacking[0].field.replace("_", "-"))
        parcels = read_bags(_whole(bags, "--bags")) if bags else {}
        if to.exists() and not to.is_dir():
            raise InvalidRequest(f"{str(to)!r} is a file, not a folder", field="--to")
        try:
            to.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidRequest(f"cannot create {str(to)!r}: {exc.strerror or exc}",
                                 field="--to") from None

        def write(message: Any) -> None:
            try:
                write_whole(to, message.file_name, message.data)
            except OSError as exc:
                raise InvalidRequest(f"cannot write {message.file_name}: "
                                     f"{exc.strerror or exc}", field="--to") from None

        columns = (TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.fields[counts]}"))
        with Progress(*columns, console=err_console) as progress:
            task = progress.add_task(file.name, total=file.stat().st_size, counts="")
            items = read_declarations(file_chunks(file, progress, task), kind_name,
                                      encoding=codec)
            report = run(items, kinds=kinds, settings=settings, now=SystemClock().now(),
                         write=write, bags=parcels,
                         on_record=lambda r: progress.update(task, counts=f"{r.read:,} read")
                         if r.read % 1000 == 0 else None)
    written = {kind: report.count(kind) for kind in kinds}
    if as_json:
        console.print_json(data={
            "read": report.read, "refused": len(report.refused),
            "messages": {f"CEB{k}": n for k, n in written.items()},
            "files": [m.file_name for m in report.written],
            "records": [{"position": r.position, "reference": r.reference,
                         "problems": [{"field": p.field, "reason": p.reason}
                                      for p in r.problems]}
                        for r in report.refused[:max(show, 0)]]})
        if not report.ok:
            raise typer.Exit(1)
        return
    summary = Table(title=f"CEB messages from {plain(file.name)} in {plain(str(to))}")
    for col in ("declarations", "refused", *(f"CEB{k}" for k in kinds)):
        summary.add_column(col, justify="right")
    summary.add_row(f"{report.read:,}", f"{len(report.refused):,}",
                    *(f"{written[k]:,}" for k in kinds))
    console.print(summary)
    if report.refused:
        listed = Table(title="Refused declarations (in no message)")
        for col in ("position", "reference", "field", "reason"):
            listed.add_column(col)
        for refused in report.refused[:max(show, 0)]:
            for n, p in enumerate(refused.problems):
                listed.add_row(str(refused.position) if n == 0 else "",
                               plain(refused.reference or "") if n == 0 else "",
                               plain(p.field), plain(p.reason))
        console.print(listed)
    if not report.ok:
        raise typer.Exit(1)


def _whole(path: Path, option: str) -> bytes:
    """A small side file's bytes, or the error naming its option."""
    from silkpost.customs.ceb.files import MAX_TABLE_BYTES

    try:
        with path.open("rb") as fh:
            return fh.read(MAX_TABLE_BYTES + 1)
    except OSError as exc:
        raise InvalidRequest(f"cannot read {str(path)!r}: {exc.strerror or exc}",
                             field=option) from None


def departure(
    office: str = typer.Argument(..., help="the office of exchange the dispatch left"),
    dispatch: str = typer.Argument(..., help="the S8 dispatch id"),
    to: Path = typer.Option(..., "--to", file_okay=False, help="folder the messages go to"),
    cop_code: str = typer.Option(..., help="BaseTransfer copCode and logisticsCode: your "
                                 "customs code"),
    cop_name: str = typer.Option(..., help="BaseTransfer copName and logisticsName"),
    dxp_id: str = typer.Option(..., help="BaseTransfer dxpId: your e-port exchange user"),
    customs_code: str = typer.Option(..., help="4-digit customs office of the departure"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Write China customs' departure message (CEB509, 202205) of a dispatch handed over at
    an office: each parcel with its mail bag (S9 in totalPackageNo), the conveyance and the
    time it left; checked against the XSD before it is written."""
    from silkpost.bootstrap import bootstrap
    from silkpost.clock import SystemClock
    from silkpost.customs.ceb.export import (
        ExportSettings,
        ExportSettingsInvalid,
        departure_messages,
    )
    from silkpost.customs.ceb.files import write_whole
    from silkpost.office.outbound import departure_of

    with reported_errors():
        try:
            settings = ExportSettings(cop_code=cop_code, cop_name=cop_name, dxp_id=dxp_id,
                                      customs_code=customs_code)
        except ExportSettingsInvalid as exc:
            raise InvalidRequest(str(exc), field="--" + exc.problems[0].field.replace(
                "_", "-")) from None
        platform = bootstrap()
        assert platform.network is not None
        left = departure_of(office, dispatch, network=platform.network,
                            uow=platform.office_uow())
        platform.dispose()
        try:
            written = departure_messages(
                left.dispatch_id, left_at=left.left_at, mode=left.conveyance_mode,
                conveyance=left.conveyance, service_id=left.service_id, bags=left.bags,
                settings=settings, now=SystemClock().now())
        except ExportSettingsInvalid as exc:
            raise InvalidRequest(str(exc), field=exc.problems[0].field) from None
        if to.exists() and not to.is_dir():
            raise InvalidRequest(f"{str(to)!r} is a file, not a folder", field="--to")
        try:
            to.mkdir(parents=True, exist_ok=True)
            files = [write_whole(to, m.file_name, m.data).name for m in written]
        except OSError as exc:
            raise InvalidRequest(f"cannot write in {str(to)!r}: {exc.strerror or exc}",
                                 field="--to") from None
    parcels = sum(len(items) for _, items in left.bags)
    if as_json:
        console.print_json(data={"dispatch": left.dispatch_id, "bags": len(left.bags),
                                 "parcels": parcels, "files": files})
        return
    console.print(f"CEB509 of dispatch {plain(left.dispatch_id)}: {len(left.bags):,} bags, "
                  f"{parcels:,} parcels, {len(files)} message(s) in {plain(str(to))}")
