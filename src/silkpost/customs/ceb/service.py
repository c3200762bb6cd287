"""CEB use cases: check message files, and write the export messages of a declarations file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from silkpost.customs.ceb.export import (
    ExportResult,
    ExportSettings,
    Kind,
    Message,
    export_messages,
    new_guid,
)
from silkpost.customs.ceb.schemas import Version
from silkpost.customs.ceb.validate import MessageReport, validate_message
from silkpost.customs.files import Item
from silkpost.customs.service import RecordProblems
from silkpost.domain.customs import Declaration, DeclarationInvalid, read_declaration
from silkpost.domain.errors import Problem


def validate(sources: Iterable[tuple[str, bytes | Problem]], *,
             version: Version | None = None) -> list[MessageReport]:
    """Check each message (its name and bytes, or why it could not be read)."""
    out = []
    for name, data in sources:
        if isinstance(data, Problem):
            out.append(MessageReport(name, None, None, None, (data,)))
        else:
            out.append(validate_message(data, source=name, version=version))
    return out


@dataclass(slots=True)
class ExportReport:
    """What an export came to: declarations read, those refused (with every problem), and
    the messages written by kind."""

    read: int = 0
    refused: list[RecordProblems] = field(default_factory=list)
    written: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every declaration went into the messages asked for."""
        return not self.refused

    def count(self, kind: Kind) -> int:
        """How many messages of ``kind`` were written."""
        return sum(1 for m in self.written if m.kind == kind)


def export(items: Iterable[Item], *, kinds: Sequence[Kind], settings: ExportSettings,
           now: datetime, write: Callable[[Message], None],
           bags: Mapping[str, str] | None = None, guid: Callable[[], str] = new_guid,
           on_record: Callable[[ExportReport], None] | None = None) -> ExportReport:
    """Read every declaration, then write the messages ``kinds`` for those that can be
    carried; a refused declaration is listed with all its problems, in no message."""
    report = ExportReport()
    declarations: list[Declaration] = []
    positions: dict[str, int] = {}
    for position, record in items:
        report.read += 1
        if isinstance(record, Problem):
            report.refused.append(RecordProblems(position, None, (record,)))
        else:
            try:
                declaration = read_declaration(record)
            except DeclarationInvalid as exc:
                raw = record.get("reference")
                report.refused.append(RecordProblems(
                    position, raw if isinstance(raw, str) else None, exc.problems))
            else:
                first = positions.get(declaration.reference)
                if first is not None:
                    report.refused.append(RecordProblems(position, declaration.reference, (
                        Problem("reference", f"repeats the declaration at {first}: one "
                                             "parcel, one declaration"),)))
                else:
                    positions[declaration.reference] = position
                    declarations.append(declaration)
        if on_record is not None:
            on_record(report)
    result: ExportResult = export_messages(declarations, kinds=kinds, settings=settings,
                                           now=now, bags=bags, guid=guid)
    report.refused.extend(RecordProblems(positions[r.reference], r.reference, r.problems)
                          for r in result.refused)
    report.refused.sort(key=lambda r: r.position)
    for message in result.messages:
        write(message)
        report.written.append(message)
    return report
