"""Format readers: positions point at the line to fix; unreadable files say why."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.errors import Problem
from silkpost.tracking import formats


def test_ndjson_positions_are_line_numbers() -> None:
    """Blank lines are skipped but still counted, so positions match an editor's lines."""
    data = b'{"a": 1}\n\n{"b": 2}\nnot json\n[1]\n'
    out = list(formats.read_bytes(data, "ndjson"))
    assert [p for p, _ in out] == [1, 3, 4, 5]
    assert isinstance(out[2][1], Problem) and "not valid JSON" in out[2][1].reason
    assert isinstance(out[3][1], Problem) and "JSON object" in out[3][1].reason


def test_csv_reads_payload_json_and_drops_empty_cells() -> None:
    """Empty cells are absent values; payload cells hold JSON."""
    text = (b"object_id,code,occurred_at,location,payload\n"
            b'CA000000014CN,EMA,2026-11-20T10:00:00+08:00,,"{""destination"": ""KZALA""}"\n'
            b"CA000000014CN,EMB,2026-11-21T10:00:00+06:00,CNURM,{bad\n")
    out = list(formats.read_bytes(text, "csv"))
    assert out[0] == (2, {"object_id": "CA000000014CN", "code": "EMA",
                          "occurred_at": "2026-11-20T10:00:00+08:00",
                          "payload": {"destination": "KZALA"}})
    assert out[1][0] == 3 and isinstance(out[1][1], Problem) and out[1][1].field == "payload"


def test_csv_with_unknown_columns_is_refused_whole() -> None:
    """A header the hub does not know is a file-level error naming the columns."""
    with pytest.raises(formats.UnreadableFile, match="colour"):
        list(formats.read_bytes(b"object_id,colour\nX,red\n", "csv"))


def test_json_accepts_array_object_or_envelope() -> None:
    """[..], {..} and {"events": [..]} are all event documents."""
    assert len(list(formats.read_bytes(b'[{"a":1},{"b":2}]', "json"))) == 2
    assert len(list(formats.read_bytes(b'{"a":1}', "json"))) == 1
    assert len(list(formats.read_bytes(b'{"events":[{"a":1}]}', "json"))) == 1
    with pytest.raises(formats.UnreadableFile):
        list(formats.read_bytes(b"[1,", "json"))


def test_format_is_guessed_from_the_extension() -> None:
    """.jsonl and .ndjson are NDJSON; unknown extensions are an error naming 'format'."""
    assert formats.guess_format("x.JSONL") == "ndjson"
    with pytest.raises(formats.UnreadableFile) as info:
        formats.guess_format("x.xml")
    assert info.value.field == "format"


_CELL = st.text(st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs",)),
                max_size=12)


@given(cells=st.lists(_CELL, min_size=1, max_size=9), crlf=st.booleans())
def test_a_row_without_quotes_reads_as_the_csv_module_reads_it(cells: list[str],
                                                              crlf: bool) -> None:
    """The reader splits a quote-free row itself (the fast path): the cells are exactly those
    the csv module gives, with or without a CR before the line break."""
    text = ",".join(cells)
    line = (text + ("\r" if crlf else "")).encode()
    # After a first line (a header's BOM is the first line's business, not this row's).
    [_, (_, row)] = list(formats.csv_rows([b"h", line]))
    assert row == next(csv.reader([text + ("\r\n" if crlf else "")]), [])
