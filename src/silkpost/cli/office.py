"""``silkpost office``: the work of an office of exchange from the command line: pre-advices
in, bags received, opened and verified, items scanned, sorted and held, verification notes.

Each command is one call of the office's service (as the API makes), on the store the
settings name. The events of the work are recorded as sent by ``--source`` (default
``office:<OFFICE>``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from silkpost.cli import acceptance
from silkpost.cli.output import (
    TIME_EXAMPLE,
    aware_time,
    console,
    output_path,
    plain,
    reported_errors,
    write_output,
)
from silkpost.domain.office import HoldReason
from silkpost.errors import InvalidRequest, NotFound, SilkpostError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from silkpost.bootstrap import Platform
    from silkpost.office.service import VerificationNote

app = typer.Typer(help="Work at an office of exchange: pre-advices, bags received and opened, "
                  "items scanned, sorted and held, verification notes.", no_args_is_help=True)
app.add_typer(acceptance.app, name="acceptance")

_AT_HELP = f"when it happened: ISO time with UTC offset, e.g. {TIME_EXAMPLE} (default: now)"
_SOURCE_HELP = "who the events are recorded as sent by (default: office:<OFFICE>)"
_JSON_HELP = "print the API's JSON"
_OUTCOME_STYLE = {"announced": "bold green", "unannounced": "bold yellow",
                  "already_received": "dim", "duplicate": "bold red", "wrong_office": "bold red",
                  "sorted": "bold green", "held": "bold yellow", "unrouted": "bold red",
                  "already_scanned": "dim", "returned": "bold magenta"}
T = TypeVar("T")
_SHOWN = 20  # items listed by `office open` before "… and N more"


def _platform() -> Platform:
    from silkpost.bootstrap import bootstrap

    return bootstrap()


def _kw(platform: Platform) -> dict[str, Any]:
    return {"network": platform.network, "uow": platform.office_uow(), "clock": platform.clock}


def _at(value: str | None) -> datetime | None:
    return None if value is None else aware_time(value, option="--at")


def _source(source: str | None, office: str) -> str:
    return source if source is not None else f"office:{office.strip().upper()}"


def _say(text: str | Text) -> None:
    """One line, whatever the terminal's width (logs and grep see it whole)."""
    console.print(text, soft_wrap=True)


def _json(model: BaseModel) -> None:
    console.print_json(json.dumps(model.model_dump(mode="json")))


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"


def _kg(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _styled(outcome: str) -> Text:
    return Text(outcome.upper().replace("_", " "), style=_OUTCOME_STYLE.get(outcome, ""))


# --- pre-advices ---------------------------------------------------------------------------


@app.command("advise")
def advise(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="pre-advice file: the JSON of POST /api/v1/offices/"
                                     "pre-advices"),
    sender: str = typer.Option(..., help="the partner announcing the dispatch (its code): it "
                               "hears of each bag's receipt and of the verification note"),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Store a dispatch's pre-advice (the same again changes nothing; a corrected one
    replaces it until its first bag is received)."""
    from pydantic import ValidationError

    from silkpost.api.office_schemas import PreAdviceIn, PreAdviceOut
    from silkpost.domain.partners import check_partner_code
    from silkpost.errors import invalid_request
    from silkpost.office import service

    with reported_errors():
        try:
            body = PreAdviceIn.model_validate_json(file.read_bytes())
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "(file)"
            raise InvalidRequest(f"{file.name}: {first['msg']}", field=where) from None
        with invalid_request():
            advice = body.advice()
            code = check_partner_code(sender)
        platform = _platform()
        with platform.partner_uow() as uow:
            known = uow.partners.get(code) is not None
        if not known:
            raise NotFound(f"no partner {code} (see `silkpost partner list`)",
                           field="--sender")
        stored, changed = service.advise(advice, sender=code, **_kw(platform))
        platform.dispose()
    out = PreAdviceOut.of(stored)
    if as_json:
        _json(out)
        return
    state = Text("stored", style="bold green") if changed else Text("unchanged", style="dim")
    _say(Text.assemble(
        state, f" · dispatch {out.dispatch_id} · {out.origin} → {out.destination} · "
        f"{out.receptacle_count} receptacles, {out.item_count:,} items · sender {out.sender}"))


# --- receptacles ---------------------------------------------------------------------------


@app.command("receive")
def receive(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    label: str = typer.Argument(..., help="the bag's S9 label (29 characters)"),
    weight: float = typer.Option(None, "--weight", help="the bag on the scale, kg"),
    seal: str = typer.Option(None, help="seal number"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Scan a bag's label on arrival: one outcome per scan (announced, unannounced,
    already_received, duplicate, wrong_office)."""
    from silkpost.api.office_schemas import ReceiptOut
    from silkpost.office import service

    with reported_errors():
        when = _at(at)
        platform = _platform()
        answer = service.receive(office, label, weighed_kg=weight, seal=seal, at=when,
                                 source=_source(source, office), **_kw(platform))
        platform.dispose()
    out = ReceiptOut.of(answer)
    if as_json:
        _json(out)
        return
    _say(Text.assemble(
        _styled(out.outcome.value), f"  {out.receptacle_id} · dispatch {out.dispatch_id} · "
        f"{out.advised_items} items advised"))
    weights = f"declared {_kg(out.declared_kg)} kg"
    if out.weighed_kg is not None:
        weights += f" · weighed {_kg(out.weighed_kg)} kg ({out.difference_kg:+.1f} kg)"
    if out.seal:
        weights += f" · seal {plain(out.seal)}"
    _say(weights)
    if out.weight_note:
        _say(f"[yellow]weight finding:[/] {plain(out.weight_note)}")
    if out.outcome.value == "wrong_office":
        _say(f"[red]addressed to {plain(out.receptacle_id[6:12])}, not "
                      f"{plain(out.office)}: not received here[/]")


@app.command("open")
def open_(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    label: str = typer.Argument(..., help="the bag's S9 label"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Open a bag received here: what its pre-advice lists and what is still expected."""
    from silkpost.api.office_schemas import OpenedOut
    from silkpost.office import service

    with reported_errors():
        when = _at(at)
        platform = _platform()
        opened = service.open_receptacle(office, label, at=when,
                                         source=_source(source, office), **_kw(platform))
        platform.dispose()
    out = OpenedOut.of(opened)
    if as_json:
        _json(out)
        return
    _say(f"[bold]{plain(out.receptacle_id)}[/] opened {_utc(out.opened_at)} UTC · "
                  f"{len(out.advised)} advised · {len(out.scanned)} scanned · "
                  f"{len(out.still_expected)} still expected")
    for item in out.still_expected[:_SHOWN]:
        _say(f"  {plain(item)}")
    if len(out.still_expected) > _SHOWN:
        _say(f"  … and {len(out.still_expected) - _SHOWN:,} more")


@app.command("finish")
def finish(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    label: str = typer.Argument(..., help="the bag's S9 label"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Close an opened bag's verification: advised items not scanned out become findings."""
    from silkpost.api.office_schemas import FindingOut, FinishedOut
    from silkpost.domain.office import check_receptacle_id
    from silkpost.office import service

    with reported_errors():
        when = _at(at)
        platform = _platform()
        findings = service.finish_receptacle(office, label, at=when,
                                             source=_source(source, office), **_kw(platform))
        platform.dispose()
        shown = findings[0].receptacle_id if findings else check_receptacle_id(label)
    out = FinishedOut(receptacle_id=shown or "", findings=[FindingOut.of(f) for f in findings])
    if as_json:
        _json(out)
        return
    if not out.findings:
        _say(f"[bold green]in order[/] {plain(out.receptacle_id)}: no findings")
        return
    console.print(_findings_table(f"Findings of {out.receptacle_id}", out.findings))


# --- items ---------------------------------------------------------------------------------


@app.command("scan")
def scan(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    item: str = typer.Argument(..., help="the item's id (S10 or a carrier's number)"),
    bag: str = typer.Option(None, "--bag", help="S9 label of the bag it came out of"),
    damaged: bool = typer.Option(False, "--damaged", help="found damaged"),
    goods: list[str] = typer.Option([], "--goods", help="a goods flag it carries, e.g. "
                                    "battery (its route may not fly); repeatable"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Scan an item: where it goes next, or why it stays (held, no route)."""
    from silkpost.api.office_schemas import ItemScanOut
    from silkpost.domain.office import check_receptacle_id
    from silkpost.errors import invalid_request
    from silkpost.office import service

    with reported_errors():
        when = _at(at)
        if bag is not None:
            with invalid_request():
                bag = check_receptacle_id(bag, field="--bag")
        platform = _platform()
        done = service.scan_item(office, item, receptacle=bag, damaged=damaged, goods=goods,
                                 at=when, source=_source(source, office), **_kw(platform))
        platform.dispose()
    _print_scan(ItemScanOut.of_scan(done), as_json)


def _print_scan(out: Any, as_json: bool) -> None:
    if as_json:
        _json(out)
        return
    line = Text.assemble(_styled(out.outcome), f"  {out.item_id}")
    if out.sort is not None:
        line.append(f"  → {out.sort.next_node}", style="bold")
        line.append(f" by {out.sort.service_id} (for {out.sort.destination})")
    elif out.hold_reason is not None:
        line.append(f"  held: {out.hold_reason.value}", style="yellow")
    _say(line)
    notes = [w for w, on in (("surplus: not in its bag's pre-advice", out.surplus),
                             ("damaged", out.damaged)) if on]
    if out.reason:
        notes.append(out.reason)
    for note in notes:
        _say(f"  {plain(note)}")


def _print_item(out: Any, as_json: bool, what: str) -> None:
    if as_json:
        _json(out)
        return
    extra = f" ({out.hold_reason.value})" if out.hold_reason is not None else ""
    _say(f"[bold]{plain(out.item_id)}[/] {what} at {plain(out.office)}{extra} · "
                  f"{_utc(out.updated_at)} UTC")


def _on_item(action: Callable[..., T], office: str, item: str, at: str | None,
             source: str | None, **options: Any) -> T:
    """One of the office's actions on an item, at ``--at``, recorded as sent by
    ``--source``; a mistake is one line naming the option."""
    with reported_errors():
        when = _at(at)
        platform = _platform()
        try:
            return action(office, item, at=when, source=_source(source, office), **options,
                          **_kw(platform))
        finally:
            platform.dispose()
    raise AssertionError("unreachable")  # reported_errors exits on an error


@app.command("hold")
def hold(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    item: str = typer.Argument(..., help="the item's id"),
    reason: HoldReason = typer.Option(..., help="customs, security or address"),
    note: str = typer.Option("", help="up to 500 characters"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Keep an item at the office for customs, security or its address."""
    from silkpost.api.office_schemas import ItemOut
    from silkpost.office import service

    held = _on_item(service.hold, office, item, at, source, reason=reason, note=note)
    _print_item(ItemOut.of(held), as_json, "held")


@app.command("present")
def present(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    item: str = typer.Argument(..., help="the item's id"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Present an item to customs (an event on its timeline)."""
    from silkpost.api.office_schemas import ItemOut
    from silkpost.office import service

    done = _on_item(service.present, office, item, at, source)
    _print_item(ItemOut.of(done), as_json, "presented to customs")


@app.command("release")
def release(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    item: str = typer.Argument(..., help="the item's id"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Release a held item: it is sorted again."""
    from silkpost.api.office_schemas import ItemScanOut
    from silkpost.office import service

    done = _on_item(service.release, office, item, at, source)
    _print_scan(ItemScanOut.of_scan(done), as_json)


@app.command("return")
def return_(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    item: str = typer.Argument(..., help="the item's id"),
    note: str = typer.Option("", help="why, up to 500 characters"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Send an item back to its sender from the office."""
    from silkpost.api.office_schemas import ItemOut
    from silkpost.office import service

    done = _on_item(service.return_to_sender, office, item, at, source, note=note)
    _print_item(ItemOut.of(done), as_json, "returned to its sender")


@app.command("held")
def held(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    reason: HoldReason = typer.Option(None, help="customs, security or address"),
    limit: int = typer.Option(1000, help="how many, longest held first"),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Items in the office's hold area, longest held first, with their age."""
    from silkpost.api.office_schemas import HeldItemOut, HeldListOut
    from silkpost.office import service

    with reported_errors():
        platform = _platform()
        found = service.held_items(office, reason=reason, limit=limit, **_kw(platform))
        code = service.office_of(platform.network, office).code
        platform.dispose()
    out = HeldListOut(office=code, items=[HeldItemOut.of_held(h) for h in found])
    if as_json:
        _json(out)
        return
    table = Table(title=f"Held at {code}")
    for col in ("item", "reason", "held since (UTC)"):
        table.add_column(col, no_wrap=True)
    table.add_column("age (h)", justify="right")
    for col in ("bag", "note"):
        table.add_column(col)
    for h in out.items:
        table.add_row(plain(h.item_id), h.hold_reason.value if h.hold_reason else "",
                      _utc(h.held_at), f"{h.age_hours:,.1f}", plain(h.receptacle_id),
                      plain(h.note))
    console.print(table)


# --- the verification note -----------------------------------------------------------------


@app.command("note")
def note(
    dispatch: str = typer.Argument(..., help="the dispatch id (UPU S8, 20 characters)"),
    close: bool = typer.Option(False, "--close", help="close it: announced bags not received "
                               "become findings, and the note goes to the sender"),
    csv_file: Path = typer.Option(None, "--csv", dir_okay=False,
                             help="also write the findings to this CSV file"),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """A dispatch's verification note: bags received with their weights, bags missing, and
    every finding."""
    from silkpost.api.office_schemas import VerificationNoteOut, findings_csv
    from silkpost.domain.office import check_dispatch_id
    from silkpost.errors import invalid_request
    from silkpost.office import service

    with reported_errors():
        if csv_file is not None:
            output_path(csv_file, option="--csv")
        with invalid_request():
            dispatch_id = check_dispatch_id(dispatch)
        platform = _platform()
        if close:
            found = service.close_verification_note(
                dispatch_id, source=_source(None, dispatch_id[6:12]), **_kw(platform))
        else:
            found = service.verification_note(dispatch_id, uow=platform.office_reader(),
                                              clock=platform.clock)
        platform.dispose()
        if csv_file is not None:
            write_output(csv_file, findings_csv(found), option="--csv")
    out = VerificationNoteOut.of(found)
    if as_json:
        _json(out)
        return
    _print_note(found, out)
    if csv_file is not None:
        _say(f"{len(out.findings)} findings written to {plain(csv_file)}")


def _print_note(found: VerificationNote, out: Any) -> None:
    state = (Text("in order", style="bold green") if out.in_order else
             Text(f"{len(out.findings)} findings, {len(out.missing)} missing",
                  style="bold yellow"))
    _say(Text.assemble(
        f"Dispatch {out.dispatch_id} · {out.origin} → {out.destination} · advised by "
        f"{out.advised_by or '(no pre-advice)'} · ", state))
    if found.received:
        table = Table(title="Received")
        for col in ("receptacle", "outcome", "received (UTC)"):
            table.add_column(col, no_wrap=True)
        for col in ("declared kg", "weighed kg", "difference"):
            table.add_column(col, justify="right")
        for col in ("seal", "opened", "verified"):
            table.add_column(col)
        for r in out.received:
            table.add_row(plain(r.receptacle_id), r.outcome.value, _utc(r.received_at),
                          _kg(r.declared_kg), _kg(r.weighed_kg),
                          "" if r.difference_kg is None else f"{r.difference_kg:+.1f}",
                          plain(r.seal), _utc(r.opened_at), _utc(r.verified_at))
        console.print(table)
    if out.missing:
        _say("[yellow]Not received:[/] " + ", ".join(plain(m) for m in out.missing))
    if out.findings:
        console.print(_findings_table("Findings", out.findings))


def _findings_table(title: str, findings: list[Any]) -> Table:
    table = Table(title=title)
    for col in ("kind", "receptacle", "item"):
        table.add_column(col, no_wrap=True)
    table.add_column("detail")
    table.add_column("found (UTC)", no_wrap=True)
    for f in findings:
        table.add_row(f.kind.value, plain(f.receptacle_id), plain(f.item_id), plain(f.detail),
                      _utc(f.found_at))
    return table


# --- outbound: bags, dispatches, handover ----------------------------------------------------


@app.command("bag")
def bag(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    destination: str = typer.Argument(..., help="the office of exchange it goes to, e.g. KZALAA"),
    category: str = typer.Option("C", help="mail category: A air, B S.A.L., C surface, D "
                                 "priority by surface"),
    subclass: str = typer.Option("CC", help="mail subclass, e.g. CC e-commerce parcels"),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Open a bag for items going to one office of exchange; prints its number."""
    from silkpost.api.outbound_schemas import BagOut
    from silkpost.office import outbound

    with reported_errors():
        platform = _platform()
        made = outbound.start_bag(office, destination, category=category, subclass=subclass,
                                  **_kw(platform))
        platform.dispose()
    out = BagOut.of(made, 0)
    if as_json:
        _json(out)
        return
    _say(f"bag [bold]{out.bag_id}[/] open at {plain(out.office)} for {plain(out.destination)} "
         f"({plain(out.category)}{plain(out.subclass)})")


@app.command("bag-items")
def bag_items(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    bag_id: int = typer.Argument(..., min=1, help="the bag's number (from `office bag`)"),
    items: list[str] = typer.Argument(..., help="the items' ids, sorted here already"),
    source: str = typer.Option(None, help=_SOURCE_HELP),
) -> None:
    """Put sorted items into an open bag; each item goes into one bag only."""
    from rich.progress import Progress

    from silkpost.office import outbound

    refused: list[tuple[str, str]] = []
    count = 0
    with reported_errors():
        platform = _platform()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("putting items into the bag", total=len(items))
            for item in items:
                try:
                    done = outbound.put_in_bag(office, bag_id, item,
                                               source=_source(source, office), **_kw(platform))
                    count = done.items
                except SilkpostError as exc:  # named per item; the others go on
                    refused.append((item, exc.detail))
                progress.advance(task)
        platform.dispose()
    _say(f"bag {bag_id} holds {count} items")
    for item, why in refused:
        _say(f"  [red]not put in[/] {plain(item)}: {plain(why)}")
    if refused:
        raise typer.Exit(1)


@app.command("close-bag")
def close_bag(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    bag_id: int = typer.Argument(..., min=1, help="the bag's number"),
    weight: float = typer.Option(..., help="weighed weight, kg"),
    seal: str = typer.Option(None, help="the seal's number"),
    registered: bool = typer.Option(False, help="it holds registered items (marked R)"),
    last: bool = typer.Option(False, help="the dispatch's last bag: closes the dispatch too"),
    label: Path = typer.Option(None, dir_okay=False, help="write its label (PDF) here"),
    source: str = typer.Option(None, help=_SOURCE_HELP),
) -> None:
    """Close a bag: it gets its S9 id in the open dispatch of its office pair."""
    from silkpost.office import outbound
    from silkpost.office.documents import label_pdf

    with reported_errors():
        if label is not None:
            output_path(label, option="--label")
        platform = _platform()
        closed = outbound.close_bag(office, bag_id, weight_kg=weight, seal=seal,
                                    registered=registered, last=last,
                                    source=_source(source, office),
                                    gate_offices=platform.settings.acceptance_gate_offices,
                                    **_kw(platform))
        platform.dispose()
        if label is not None:
            write_output(label, label_pdf(closed.label), option="--label")
    _say(f"bag {bag_id} closed as [bold]{closed.bag.receptacle_id}[/] in dispatch "
         f"{closed.dispatch.dispatch_id}"
         + (" (dispatch closed)" if closed.dispatch.closed_at is not None else ""))
    if label is not None:
        _say(f"label written to {plain(label)}")


@app.command("close-dispatch")
def close_dispatch(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    dispatch: str = typer.Argument(..., help="the dispatch id (UPU S8)"),
    pdf: Path = typer.Option(None, dir_okay=False, help="write the delivery bill (PDF) here"),
    csv_file: Path = typer.Option(None, "--csv", dir_okay=False,
                                  help="write the delivery bill (CSV) here"),
    source: str = typer.Option(None, help=_SOURCE_HELP),
) -> None:
    """Close a dispatch (no more bags join it) and print its delivery bill."""
    from silkpost.office import outbound
    from silkpost.office.documents import bill_csv, bill_pdf

    with reported_errors():
        for path, option in ((pdf, "--pdf"), (csv_file, "--csv")):
            if path is not None:
                output_path(path, option=option)
        platform = _platform()
        bill = outbound.close_dispatch(office, dispatch, source=_source(source, office),
                                       gate_offices=platform.settings.acceptance_gate_offices,
                                       **_kw(platform))
        platform.dispose()
        if pdf is not None:
            write_output(pdf, bill_pdf(bill), option="--pdf")
        if csv_file is not None:
            write_output(csv_file, bill_csv(bill), option="--csv")
    table = Table(title=f"{bill.form} {bill.dispatch_id} · {plain(bill.origin_name)} → "
                        f"{plain(bill.destination_name)}")
    for col in ("no.", "receptacle", "kg", "R", "items", "seal"):
        table.add_column(col, justify="right" if col in ("kg", "items") else "left")
    for line in bill.lines:
        r = line.parsed
        table.add_row(f"{r.receptacle_number:03d}", line.receptacle_id, f"{r.weight_kg:.1f}",
                      "R" if r.registered != "none" else "", str(line.items),
                      plain(line.seal or ""))
    console.print(table)
    _say(f"{len(bill.lines)} bags, {bill.total_kg:.1f} kg, "
         f"{sum(x.items for x in bill.lines)} items")


@app.command("handover")
def handover(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    dispatch: str = typer.Argument(..., help="the dispatch id (UPU S8)"),
    mode: str = typer.Option(..., help="truck, rail or air"),
    reference: str = typer.Option(..., help="the truck's plate, the train's or flight's "
                                  "number"),
    service: str = typer.Option(None, help="the network service it runs, e.g. T-URC-HRS"),
    at: str = typer.Option(None, help=_AT_HELP),
    source: str = typer.Option(None, help=_SOURCE_HELP),
) -> None:
    """Hand a closed dispatch to a conveyance; its pre-advice goes to the next office."""
    from silkpost.domain.office import Conveyance
    from silkpost.errors import invalid_request
    from silkpost.office import outbound

    with reported_errors():
        when = _at(at)
        with invalid_request():
            conveyance = Conveyance(mode, reference, service)  # type: ignore[arg-type]
        platform = _platform()
        advised = outbound.hand_over(office, dispatch, conveyance, at=when,
                                     source=_source(source, office), **_kw(platform))
        platform.dispose()
    _say(f"dispatch {advised.advice.dispatch_id} handed to {conveyance.mode.value} "
         f"{plain(conveyance.reference)}: {len(advised.advice.receptacles)} bags, "
         f"{advised.advice.item_count} items announced to {advised.advice.destination}")


@app.command("deadlines")
def deadlines_(
    office: str = typer.Argument(..., help="the office of exchange, e.g. CNURCA"),
    limit: int = typer.Option(50, min=1, max=10_000, help="items listed per service"),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """What must still leave today: per outbound service, overdue first, then time left."""
    from silkpost.api.outbound_schemas import ServiceDeadlinesOut
    from silkpost.office import deadlines

    with reported_errors():
        platform = _platform()
        board = deadlines.monitor(office, limit=limit, **_kw(platform))
        share = deadlines.same_day_share(office, **_kw(platform))
        platform.dispose()
    if as_json:
        console.print_json(json.dumps([ServiceDeadlinesOut.of(s).model_dump(mode="json")
                                       for s in board]))
        return
    shown = "–" if share.share is None else f"{share.share:.0%} of {share.due}"
    _say(f"same-day share, last 7 days: {shown}")
    for s in board:
        table = Table(title=f"{s.service_id or 'no route'} · {s.overdue} overdue")
        for col in ("item", "scanned (UTC)", "deadline (UTC)", "time left (h)", "bag"):
            table.add_column(col, justify="right" if col == "time left (h)" else "left")
        for c in s.items:
            left = Text(f"{c.left_hours:,.1f}", style="bold red" if c.overdue else "")
            table.add_row(plain(c.item.item_id), _utc(c.item.scanned_at), _utc(c.deadline),
                          left, str(c.item.bag_id or ""))
        console.print(table)
    if not board:
        _say("nothing waiting to leave")
