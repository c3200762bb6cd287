"""``silkpost customs …``: check declaration files."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from silkpost.cli import blacklist, ceb, declarations
from silkpost.cli.output import (
    console,
    err_console,
    file_chunks,
    plain,
    records_file,
    reported_errors,
)

app = typer.Typer(help="Customs declarations (docs/customs.md).", no_args_is_help=True)
# China customs' CEB messages: checked (validate) and written (export), in their own module.
app.command("validate")(ceb.validate)
app.command("export")(ceb.export)
app.command("departure")(ceb.departure)
app.add_typer(blacklist.app, name="blacklist")
# Storing a file of declarations as a broker's, in its own module.
app.command("declare")(declarations.declare)


@app.command("check")
def check(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="declarations: .json, .ndjson or .csv, or a China "
                                "customs CEB message (.xml)"),
    fmt: str = typer.Option(None, "--format", help="json, ndjson, csv or xml (default: by "
                            "extension)"),
    encoding: str = typer.Option("utf-8", help="utf-8, windows-1251 or gb18030"),
    delimiter: str = typer.Option(None, help="CSV cell delimiter: , ; or tab"),
    show: int = typer.Option(20, help="how many refused records to list"),
    select_rate: float = typer.Option(None, "--select-rate", help="select items for "
                                      "inspection by risk: the random draw's share (0-1)"),
    seed: str = typer.Option("0", help="the selection's seed: the same seed and declarations give "
                             "the same selection"),
    use_blacklist: bool = typer.Option(True, "--blacklist/--no-blacklist", help="refuse "
                                       "shippers on the stored blacklist (the configured "
                                       "database's)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Check every declaration of a file and screen it against the prohibited and restricted
    goods rules; each refused one is listed with every problem (field path and reason), each
    flagged one with its rule hits. A declaration in China customs' own XML (a CEB message) is
    checked as ``customs validate`` checks it. Exit 1 if any was refused."""
    if (fmt or "").strip().lower() == "xml" or (fmt is None
                                                and file.name.lower().endswith(".xml")):
        ceb.validate(files=[file], schema=None, show=show, as_json=as_json)
        return
    from silkpost.customs.files import read_declarations
    from silkpost.customs.service import check as run
    from silkpost.domain.risk import RiskPolicy
    from silkpost.errors import invalid_request

    with reported_errors():
        policy = None
        if select_rate is not None:
            with invalid_request("--select-rate"):
                policy = RiskPolicy(rate=select_rate)
        barred = None
        if use_blacklist:
            from silkpost.bootstrap import bootstrap
            from silkpost.customs.blacklist import in_force

            platform = bootstrap()
            barred = in_force(uow=platform.blacklist_uow(), clock=platform.clock)
            platform.dispose()
        kind, codec, delim = records_file(file, fmt, encoding, delimiter)
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeRemainingColumn(),
                   TextColumn("{task.fields[counts]}"))
        with Progress(*columns, console=err_console) as progress:
            task = progress.add_task(file.name, total=file.stat().st_size, counts="")
            items = read_declarations(file_chunks(file, progress, task), kind,
                                      encoding=codec, delimiter=delim)
            report = run(items, max_listed=max(show, 0), policy=policy, seed=seed,
                         blacklist=barred,
                         on_record=lambda r: progress.update(
                task, counts=f"{r.valid:,} valid · {r.refused_count:,} refused")
                if r.checked % 1000 == 0 else None)
    if as_json:
        console.print_json(data={
            "checked": report.checked, "valid": report.valid,
            "refused": report.refused_count, "by_field": dict(report.by_field),
            "records": [{"position": r.position, "reference": r.reference,
                         "problems": [{"field": p.field, "reason": p.reason}
                                      for p in r.problems]} for r in report.refused[:show]],
            "flagged": report.flagged_count, "hits_by_rule": dict(report.by_rule),
            "flagged_records": [{"position": r.position, "reference": r.reference,
                                 "hits": [{"rule": h.rule, "action": h.action.value,
                                           "field": h.field, "reason": h.reason,
                                           "goods": h.goods} for h in r.hits]}
                                for r in report.flagged[:show]],
            "selected": report.selected_count,
            "selected_records": [{"position": r.position, "reference": r.reference,
                                  "item": r.item, "score": r.risk.score,
                                  "reasons": list(r.risk.reasons)}
                                 for r in report.selected[:show]]})
        if not report.ok:
            raise typer.Exit(1)
        return
    summary = Table(title=f"Declarations in {plain(file.name)}")
    for col in ("checked", "valid", "refused", "flagged"):
        summary.add_column(col, justify="right")
    summary.add_row(f"{report.checked:,}", f"{report.valid:,}", f"{report.refused_count:,}",
                    f"{report.flagged_count:,}")
    console.print(summary)
    if report.flagged:
        flagged = Table(title="Accepted, flagged by screening (inspect, licence, or no flight)")
        for col in ("position", "reference", "rule", "action", "field", "reason"):
            flagged.add_column(col)
        for record in report.flagged[:show]:
            for n, h in enumerate(record.hits):
                flagged.add_row(str(record.position) if n == 0 else "",
                                plain(record.reference) if n == 0 else "", h.rule,
                                h.action.value, plain(h.field), plain(h.reason))
        console.print(flagged)
    if policy is not None:
        chosen = Table(title=f"Selected for inspection: {report.selected_count:,} "
                             f"(seed {plain(seed)})")
        for col in ("position", "reference", "item", "score", "why"):
            chosen.add_column(col)
        for r in report.selected[:show]:
            chosen.add_row(str(r.position), plain(r.reference), plain(r.item),
                           str(r.risk.score), plain("; ".join(r.risk.reasons) or "drawn"))
        console.print(chosen)
    if report.refused:
        listed = Table(title="Refused declarations")
        for col in ("position", "reference", "field", "reason"):
            listed.add_column(col)
        for refused in report.refused[:show]:
            for n, p in enumerate(refused.problems):
                listed.add_row(str(refused.position) if n == 0 else "",
                               plain(refused.reference or "") if n == 0 else "",
                               plain(p.field), plain(p.reason))
        console.print(listed)
        fields = ", ".join(f"{plain(name)} {count:,}" for name, count
                           in report.by_field.most_common(10))
        console.print(f"most often wrong: {fields}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)
