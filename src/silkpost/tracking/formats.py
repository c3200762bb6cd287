"""Readers for the formats partners send events in: JSON, NDJSON and CSV.

Each reader yields ``(position, record)`` where a record is a mapping ready for validation, or a
:class:`~silkpost.domain.errors.Problem` when the line itself cannot be read. Position is the
1-based line number for NDJSON and CSV (the header is line 1; a CSV record whose quoted cell
spans lines has the number of its first line), and the 1-based index of the element for a
JSON array, so a rejection points at the place to fix.

NDJSON and CSV are read as a stream of byte chunks (a file read piece by piece, an HTTP body
as it arrives), so memory does not grow with the file: a line over :data:`MAX_RECORD_BYTES`
is not kept but skipped to its end and rejected alone, and so is a line that is not in the
file's encoding. A JSON document is parsed whole, hence its own, smaller limit
(:data:`MAX_JSON_BYTES`).

Partners' spreadsheets save CSV their own way: ``;`` or tab between cells (a Russian or Kazakh
Excel), Windows-1251 or GB18030 instead of UTF-8. The encodings in :data:`ENCODINGS` keep
``\n``, ``"`` and the delimiters single bytes that never occur inside a multi-byte character,
so lines and quotes are still found on the bytes and each record is decoded alone.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import orjson

from silkpost.domain.errors import Problem
from silkpost.domain.events import TrackingEvent
from silkpost.domain.profiles import InboundProfile
from silkpost.errors import InvalidRequest

Format = Literal["json", "ndjson", "csv"]
Record = tuple[int, Mapping[str, Any] | Problem]


def as_record(event: TrackingEvent) -> dict[str, Any]:
    """An event as a partner's record holds it (what the hub's validation reads)."""
    return {"object_kind": event.object_kind.value, "object_id": event.object_id,
            "code": event.code, "occurred_at": event.occurred_at, "location": event.location,
            "office": event.office, "event_id": event.event_id, "payload": event.payload}
Rename = Callable[[list[str]], list[str]]  # a partner's column names to Silkpost's

CSV_FIELDS = (
    "object_kind", "object_id", "code", "occurred_at", "location", "office", "source",
    "event_id", "payload",
)

MAX_RECORD_BYTES = 65_536
"""The longest NDJSON line or CSV record read, in bytes, its line break not counted.

Four times a record with the largest payload allowed, and half the csv module's 128 KiB cell
limit, so no cell of a record that fits can make the csv module fail the rest of the file.
"""

MAX_JSON_BYTES = 16 * 1024 * 1024
"""The largest JSON document taken over HTTP. orjson has no streaming mode: a document becomes
Python objects all at once, about ten times its size, so three at once stay within a few
hundred MB. Larger batches go as NDJSON or CSV, which are read record by record."""

READ_CHUNK = 1 << 20
"""Bytes read from a file at a time (a chunk is the most kept beside one record)."""

ENCODINGS = {"utf-8": "UTF-8", "windows-1251": "Windows-1251", "gb18030": "GB18030"}
"""The encodings a file may be in (Python codec name: name shown in messages)."""
_ENCODING_LABELS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8",
                    "windows-1251": "windows-1251", "cp1251": "windows-1251",
                    "gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030"}
# GBK and GB2312 are subsets of GB18030: a file labelled so is read as GB18030.

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
"""The CSV cell delimiters read; without one said, the header line's most frequent one."""
_DELIMITER_LABELS = {**{d: d for d in DELIMITERS}, **{n: d for d, n in DELIMITERS.items()},
                     "\\t": "\t"}


class UnreadableFile(InvalidRequest):
    """The file as a whole cannot be read in the format it claims."""

    code = "tracking.unreadable_file"
    title = "Unreadable event file"


def encoding_named(label: str, *, field: str = "encoding") -> str:
    """The codec for an encoding label (``--encoding``, a content type's ``charset``)."""
    codec = _ENCODING_LABELS.get(label.strip().strip('"').lower())
    if codec is None:
        raise UnreadableFile(f"encoding {label!r} is not one of "
                             f"{', '.join(ENCODINGS.values())}", field=field)
    return codec


def delimiter_named(label: str, *, field: str = "delimiter") -> str:
    """The CSV delimiter a label names: ``,``, ``;``, a tab, or their names (``tab``)."""
    raw = label.strip('"')
    delimiter = _DELIMITER_LABELS.get(raw) or _DELIMITER_LABELS.get(raw.strip().lower())
    if delimiter is None:
        raise UnreadableFile(f"delimiter {label!r} is not one of: , ; tab", field=field)
    return delimiter


def guess_format(name: str) -> Format:
    """The format a file name announces by its extension."""
    lower = name.lower()
    for ext, fmt in ((".ndjson", "ndjson"), (".jsonl", "ndjson"), (".json", "json"),
                     (".csv", "csv")):
        if lower.endswith(ext):
            return fmt  # type: ignore[return-value]
    raise UnreadableFile(f"cannot tell the format of {name!r}: use .json, .ndjson or .csv",
                         field="format")


def loads(data: bytes | str) -> Any:
    """JSON as orjson reads it; else as the standard library reads it; else orjson's error.

    orjson refuses some valid-looking JSON that a validator can still name a field in: a lone
    surrogate escape (``"\\ud800"``), an integer past 64 bits. The standard library reads
    those, so one bad value is rejected alone, naming its field, instead of the whole line or
    document (the validator refuses surrogates, and numbers past its limits). Only a failed
    read pays for the second attempt.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            raise exc from None


def read_json(data: bytes, *, whole: str = "(file)", encoding: str = "utf-8"
              ) -> Iterator[Record]:
    """A JSON array of event objects (or one object, or {"events": [...]}).

    ``whole`` names the document in an error: "(file)" for a file, "(body)" for a request.
    """
    if encoding != "utf-8":
        try:
            data = data.decode(encoding).encode()
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_not_in(data, exc, encoding).reason, field=whole) from None
    try:
        doc = loads(data)
    except orjson.JSONDecodeError as exc:
        raise UnreadableFile(f"not valid JSON: {exc}", field=whole) from None
    if isinstance(doc, dict):
        doc = doc["events"] if isinstance(doc.get("events"), list) else [doc]
    if not isinstance(doc, list):
        raise UnreadableFile("a JSON event file is an array of event objects", field=whole)
    for i, element in enumerate(doc, start=1):
        yield i, element if isinstance(element, dict) else Problem(
            "(record)", "an event is a JSON object"
        )


def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes | None]:
    """The lines of a byte stream, without their ``\\n``; ``None`` for a line over the limit.

    A line over :data:`MAX_RECORD_BYTES` is dropped as soon as it passes the limit and the
    rest of it skipped, so memory holds at most the limit and one chunk however long it is.
    """
    pending: list[bytes] = []
    size = 0
    skipping = False
    for chunk in chunks:
        pieces = chunk.split(b"\n")
        for piece in pieces[:-1]:
            if skipping:
                skipping = False
                yield None
                continue
            if pending:
                pending.append(piece)
                piece = b"".join(pending)
                pending, size = [], 0
            yield piece if len(piece.rstrip(b"\r")) <= MAX_RECORD_BYTES else None
        tail = pieces[-1]
        if skipping or not tail:
            continue
        pending.append(tail)
        size += len(tail)
        if size > MAX_RECORD_BYTES + 1:  # + 1: a "\r" before the "\n" still to come
            pending, size, skipping = [], 0, True
    if skipping:
        yield None
    elif pending:
        piece = b"".join(pending)
        yield piece if len(piece.rstrip(b"\r")) <= MAX_RECORD_BYTES else None


def _too_long() -> Problem:
    return Problem("(record)", f"longer than {MAX_RECORD_BYTES:,} bytes")


def _not_in(line: bytes, exc: UnicodeDecodeError, encoding: str = "utf-8") -> Problem:
    return Problem("(record)", f"not {ENCODINGS[encoding]}: byte 0x{line[exc.start]:02x} at "
                   f"byte {exc.start + 1:,} of the record (say the file's encoding: --encoding, "
                   "HTTP: charset)")


def read_ndjson(lines: Iterable[bytes | str | None], *, encoding: str = "utf-8",
                what: str = "an event") -> Iterator[Record]:
    """One JSON object per line (``what`` each is, for the message when one is not); blank
    lines are skipped; ``None`` is a line over the limit."""
    for number, line in enumerate(lines, start=1):
        if line is None:
            yield number, _too_long()
            continue
        if encoding != "utf-8" and isinstance(line, bytes):
            raw = line
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as bad:
                yield number, _not_in(raw, bad, encoding)
                continue
        if not line.strip():
            continue
        try:
            value = loads(line)
        except orjson.JSONDecodeError as exc:
            if isinstance(line, bytes):
                try:
                    line.decode()
                except UnicodeDecodeError as bad:
                    yield number, _not_in(line, bad)
                    continue
            yield number, Problem("(record)", f"not valid JSON: {exc}")
            continue
        yield number, value if isinstance(value, dict) else Problem(
            "(record)", f"{what} is a JSON object"
        )


def csv_rows(lines: Iterable[bytes | None], delimiter: str | None = None,
                 encoding: str = "utf-8") -> Iterator[tuple[int, list[str] | Problem]]:
    """The rows of CSV lines, a quoted cell's line breaks joined, each read on its own.

    A row is read by itself (not by one csv reader over the file) so that a row the csv
    module refuses, or one not in the file's encoding, is one problem and the next row reads
    as usual. An odd number of quotes so far means a quoted cell goes on to the next line
    (RFC 4180). Without a ``delimiter``, the first non-blank line (the header) decides it.
    """
    parts: list[bytes] = []
    first = size = quotes = 0
    delim = delimiter
    for number, line in enumerate(lines, start=1):
        # The usual row: one line, no quoted cell, in the encoding, after the header line
        # (its BOM, its delimiter): split without the csv module's reader, a third of a large
        # CSV import's time.
        if not parts and delim is not None and number > 1 and line is not None and (
                b'"' not in line):
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError:
                pass  # reported below, with its byte position
            else:
                text = text[:-1] if text.endswith("\r") else text
                yield number, text.split(delim) if text else []
                continue
        if line is None:
            if parts:  # the row went on into a line over the limit: it is that long
                parts, size, quotes = [], 0, 0
            yield first or number, _too_long()
            first = 0
            continue
        if not parts:
            first = number
        parts.append(line)
        size += len(line) + (len(parts) > 1)
        quotes += line.count(b'"')
        if size - line.endswith(b"\r") > MAX_RECORD_BYTES:  # its own line break not counted
            yield first, _too_long()
            parts, size, quotes, first = [], 0, 0, 0
            continue
        if quotes % 2:
            continue
        raw = b"\n".join(parts)
        parts, size, quotes = [], 0, 0
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            yield first, _not_in(raw, exc, encoding)
            first = 0
            continue
        if first == 1:
            text = text.removeprefix("\ufeff")  # a byte order mark (UTF-8 or GB18030)
        if delim is None and text.strip():
            delim = max(DELIMITERS, key=text.count)  # ties: the comma, first
        try:
            row = next(csv.reader([text], delimiter=delim or ","), [])
        except csv.Error as exc:
            yield first, Problem("(record)", f"not a CSV row: {exc}")
            first = 0
            continue
        yield first, row
        first = 0
    if parts:
        yield first, Problem("(record)", "a quoted cell is not closed before the end")


def csv_table(lines: Iterable[bytes | None], *, columns: Collection[str],
              delimiter: str | None = None, encoding: str = "utf-8",
              rename: Rename | None = None) -> Iterator[tuple[int, dict[str, Any] | Problem]]:
    """The rows of a CSV file whose header row names ``columns`` (some of them, in any order):
    each row its non-empty cells by column; a row that cannot be read, or has more cells than
    the header, is a problem alone. ``rename`` turns the header's names into ``columns``'."""
    rows = csv_rows(lines, delimiter, encoding)
    header: list[str] | None = None
    for _, row in rows:
        if isinstance(row, Problem):
            raise UnreadableFile(f"the header row: {row.reason}", field="(header)")
        if row:
            header = rename(row) if rename is not None else row
            break
    if header is None:
        return
    unknown = [f for f in header if f not in columns]
    if unknown:
        raise UnreadableFile(f"unknown CSV column(s): {', '.join(unknown)}", field="(header)")
    for number, row in rows:
        if isinstance(row, Problem):
            yield number, row
            continue
        if not row:
            continue
        if len(row) > len(header):
            yield number, Problem("(record)", "more cells than header columns")
            continue
        yield number, {k: v for k, v in zip(header, row, strict=False) if v != ""}


def read_csv(lines: Iterable[bytes | None], *, delimiter: str | None = None,
             encoding: str = "utf-8", rename: Rename | None = None) -> Iterator[Record]:
    """A header row naming the fields (see CSV_FIELDS), one event per row.

    ``lines`` are byte lines as :func:`split_lines` gives them. Empty cells are absent
    values; ``payload`` holds a JSON object. ``delimiter``: see :func:`csv_rows`.
    ``rename`` turns a partner's column names into Silkpost's (its inbound profile).
    """
    for number, record in csv_table(lines, columns=CSV_FIELDS, delimiter=delimiter,
                                    encoding=encoding, rename=rename):
        if isinstance(record, Problem):
            yield number, record
            continue
        if "payload" in record:
            try:
                record["payload"] = loads(record["payload"])
            except orjson.JSONDecodeError as exc:
                yield number, Problem("payload", f"not valid JSON: {exc}")
                continue
        yield number, record


def read_stream(chunks: Iterable[bytes], fmt: Literal["ndjson", "csv"], *,
                delimiter: str | None = None, encoding: str = "utf-8",
                rename: Rename | None = None) -> Iterator[Record]:
    """Records from a stream of byte chunks, read one line at a time.

    ``encoding`` is a codec of :data:`ENCODINGS` (see :func:`encoding_named`).
    """
    lines = split_lines(chunks)
    if fmt == "ndjson":
        return read_ndjson(lines, encoding=encoding)
    return read_csv(lines, delimiter=delimiter, encoding=encoding, rename=rename)


def read_bytes(data: bytes, fmt: Format, *, delimiter: str | None = None,
               encoding: str = "utf-8", rename: Rename | None = None) -> Iterator[Record]:
    """Records from an in-memory document (a small file, a test's body)."""
    if fmt == "json":
        return read_json(data, encoding=encoding)
    return read_stream([data], fmt, delimiter=delimiter, encoding=encoding, rename=rename)


def profiled(records: Iterable[Record], profile: InboundProfile) -> Iterator[Record]:
    """Records read through a partner's inbound profile: its codes, places and times in
    Silkpost's words (its column names are renamed as the file is read, see ``rename``)."""
    inbound = profile.inbound
    for position, record in records:
        yield position, (record if isinstance(record, Problem) else inbound(dict(record)))


def event_record(event: TrackingEvent) -> dict[str, Any]:
    """An event as a record in the shape the readers take (absent values left out)."""
    record: dict[str, Any] = {
        "object_kind": event.object_kind.value, "object_id": event.object_id,
        "code": event.code, "occurred_at": event.occurred_at.isoformat(),
        "location": event.location, "office": event.office, "source": event.source,
        "event_id": event.event_id,
        "payload": None if event.payload is None else dict(event.payload)}
    return {k: v for k, v in record.items() if v is not None}


def write_csv(records: Iterable[Mapping[str, Any]], header: Sequence[str], *,
              delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV document of ``records`` under ``header`` (CRLF line ends, RFC 4180 quoting); a
    payload is written as its JSON. What :func:`read_csv` reads back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        writer.writerow([_cell(record.get(name)) for name in header])
    return out.getvalue().encode(encoding)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return orjson.dumps(value).decode()
    return str(value)
