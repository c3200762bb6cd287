"""Declaration files: JSON (an array, or {"declarations": [...]}), NDJSON (one declaration a
line) and CSV (one row per line of goods, a declaration's rows one after another).

CSV columns: the declaration's fields by name (``reference``, ``regime``, ``currency``,
``gross_weight_kg``...), its parties' as ``sender.name``, ``sender.identity.kind``,
``sender.identity.number``, ``consignee.country``..., and the line's as ``line.hs_code``,
``line.quantity``... Consecutive rows with the same ``reference`` are one declaration; its own
fields are read from its first row. NDJSON and CSV are read a line at a time, so a file of
any size is checked in bounded memory; a JSON document is read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from silkpost.domain.errors import Problem
from silkpost.tracking import formats

Item = tuple[int, Mapping[str, Any] | Problem]  # (position: record or first row, record)

DECLARATION_COLUMNS = (
    "reference", "regime", "direction", "category", "currency", "gross_weight_kg", "freight",
    "item_id", "order_no", "waybill_no", "inventory_no", "ebp_code", "ebc_code",
    "logistics_code", "warehouse_code", "ems_no", "area_code",
)
PARTY_COLUMNS = tuple(f"{who}.{part}" for who in ("sender", "consignee", "buyer") for part in (
    "name", "identity.kind", "identity.number", "country", "address", "phone"))
LINE_COLUMNS = tuple(f"line.{name}" for name in (
    "description", "hs_code", "quantity", "unit", "unit_price", "total_price", "net_weight_kg",
    "origin_country"))
CSV_COLUMNS = DECLARATION_COLUMNS + PARTY_COLUMNS + LINE_COLUMNS


def read_declarations(chunks: Iterable[bytes], fmt: formats.Format, *,
                      encoding: str = "utf-8", delimiter: str | None = None) -> Iterator[Item]:
    """The declarations of a file's bytes (see the module's docstring)."""
    if fmt == "json":
        yield from _json(b"".join(chunks), encoding)
    elif fmt == "ndjson":
        yield from formats.read_ndjson(formats.split_lines(chunks), encoding=encoding,
                                       what="a declaration")
    else:
        yield from _csv(formats.split_lines(chunks), encoding, delimiter)


def _json(data: bytes, encoding: str) -> Iterator[Item]:
    if encoding != "utf-8":
        try:
            data = data.decode(encoding).encode()
        except UnicodeDecodeError as exc:
            raise formats.UnreadableFile(
                f"not {formats.ENCODINGS[encoding]}: byte 0x{data[exc.start]:02x} at "
                f"{exc.start}", field="(file)") from None
    try:
        doc = formats.loads(data)
    except ValueError as exc:
        raise formats.UnreadableFile(f"not valid JSON: {exc}", field="(file)") from None
    if isinstance(doc, dict) and isinstance(doc.get("declarations"), list):
        doc = doc["declarations"]
    if not isinstance(doc, list):
        raise formats.UnreadableFile('a declarations file is a JSON array, or an object with '
                                     'a "declarations" array', field="(file)")
    for position, record in enumerate(doc, start=1):
        yield position, record if isinstance(record, dict) else Problem(
            "(record)", "a declaration is a JSON object")


def _csv(lines: Iterable[bytes | None], encoding: str, delimiter: str | None) -> Iterator[Item]:
    current: dict[str, Any] | None = None
    start = 0
    for number, row in formats.csv_table(lines, columns=CSV_COLUMNS, delimiter=delimiter,
                                         encoding=encoding, rename=_header):
        if isinstance(row, Problem):
            if current is not None:
                yield start, current
                current = None
            yield number, row
            continue
        cells = {k: v.strip() for k, v in row.items() if v.strip()}
        line = {k[5:]: v for k, v in cells.items() if k.startswith("line.")}
        if current is not None and cells.get("reference") == current.get("reference"):
            current["lines"].append(line)
            continue
        if current is not None:
            yield start, current
        current, start = _declaration(cells), number
        current["lines"] = [line]
    if current is not None:
        yield start, current


def _header(names: list[str]) -> list[str]:
    columns = [name.strip() for name in names]
    if "reference" not in columns:
        raise formats.UnreadableFile("no reference column: it tells which rows are one "
                                     "declaration", field="(header)")
    return columns


def _declaration(cells: Mapping[str, str]) -> dict[str, Any]:
    """A declaration's fields from its first row, parties nested as the JSON form has them."""
    out: dict[str, Any] = {k: v for k, v in cells.items() if k in DECLARATION_COLUMNS}
    for name, value in cells.items():
        if "." not in name or name.startswith("line."):
            continue
        who, _, part = name.partition(".")
        party = out.setdefault(who, {})
        if part.startswith("identity."):
            party.setdefault("identity", {})[part[9:]] = value
        else:
            party[part] = value
    return out
