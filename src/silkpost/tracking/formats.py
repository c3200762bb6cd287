"""Readers for the formats partners send events in: JSON, NDJSON and CSV.

Each reader yields ``(position, record)`` where a record is a mapping ready for validation, or a
:class:`~silkpost.tracking.records.Problem` when the line itself cannot be read. Position is the
1-based line number for NDJSON and CSV (the header is line 1), and the 1-based index of the
element for a JSON array, so a rejection points at the place to fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import orjson

from silkpost.errors import InvalidRequest
from silkpost.tracking.records import Problem

Format = Literal["json", "ndjson", "csv"]
Record = tuple[int, Mapping[str, Any] | Problem]

CSV_FIELDS = (
    "object_kind", "object_id", "code", "occurred_at", "location", "office", "source",
    "event_id", "payload",
)


class UnreadableFile(InvalidRequest):
    """The file as a whole cannot be read in the format it claims."""

    code = "tracking.unreadable_file"
    title = "Unreadable event file"


def guess_format(name: str) -> Format:
    """The format a file name announces by its extension."""
    lower = name.lower()
    for ext, fmt in ((".ndjson", "ndjson"), (".jsonl", "ndjson"), (".json", "json"),
                     (".csv", "csv")):
        if lower.endswith(ext):
            return fmt  # type: ignore[return-value]
    raise UnreadableFile(f"cannot tell the format of {name!r}: use .json, .ndjson or .csv",
                         field="format")


def read_json(data: bytes) -> Iterator[Record]:
    """A JSON array of event objects (or one object, or {"events": [...]})."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UnreadableFile(f"not valid JSON: {exc}", field="(file)") from None
    if isinstance(doc, dict):
        doc = doc["events"] if isinstance(doc.get("events"), list) else [doc]
    if not isinstance(doc, list):
        raise UnreadableFile("a JSON event file is an array of event objects", field="(file)")
    for i, element in enumerate(doc, start=1):
        yield i, element if isinstance(element, dict) else Problem(
            "(record)", "an event is a JSON object"
        )


def read_ndjson(lines: Iterable[bytes | str]) -> Iterator[Record]:
    """One JSON object per line; blank lines are skipped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, Problem("(record)", f"not valid JSON: {exc}")
            continue
        yield number, value if isinstance(value, dict) else Problem(
            "(record)", "an event is a JSON object"
        )


def read_csv(text: Iterable[str]) -> Iterator[Record]:
    """A header row naming the fields (see CSV_FIELDS), one event per row.

    Empty cells are absent values; ``payload`` holds a JSON object.
    """
    reader = csv.DictReader(text)
    if reader.fieldnames is None:
        return
    unknown = [f for f in reader.fieldnames if f not in CSV_FIELDS]
    if unknown:
        raise UnreadableFile(f"unknown CSV column(s): {', '.join(unknown)}", field="(header)")
    for row in reader:
        number = reader.line_num
        if None in row:
            yield number, Problem("(record)", "more cells than header columns")
            continue
        record: dict[str, Any] = {k: v for k, v in row.items() if v not in ("", None)}
        if "payload" in record:
            try:
                record["payload"] = orjson.loads(record["payload"])
            except orjson.JSONDecodeError as exc:
                yield number, Problem("payload", f"not valid JSON: {exc}")
                continue
        yield number, record


def read_bytes(data: bytes, fmt: Format) -> Iterator[Record]:
    """Records from an in-memory document (an HTTP body, a small file)."""
    if fmt == "json":
        return read_json(data)
    if fmt == "ndjson":
        return read_ndjson(data.splitlines())
    return read_csv(io.StringIO(data.decode("utf-8-sig")))
