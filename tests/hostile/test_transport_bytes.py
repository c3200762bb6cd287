"""Issue 15, point 1 (bytes): a line that cannot be read is one rejected record, not a 500.

One non-UTF-8 byte, one CSV cell past the csv module's 128 KiB field limit, one NDJSON line
past the record limit: each is rejected alone with its line number, "(record)" and the
reason, and the 12,000 good records around it are stored, over HTTP and through
``silkpost import``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli import app as cli
from silkpost.tracking import formats
from silkpost.tracking.service import log_position
from tests.hostile.transport_support import POISON_LINE, POISONS, sandwich
from tests.keys import admin_headers

MEDIA = {"csv": "text/csv", "ndjson": "application/x-ndjson"}
REASON = {"csv-bad-utf8": "UTF-8", "ndjson-bad-utf8": "UTF-8",
          "csv-huge-cell": f"{formats.MAX_RECORD_BYTES:,}",
          "ndjson-huge-line": f"{formats.MAX_RECORD_BYTES:,}"}


@pytest.mark.parametrize("case", sorted(POISONS))
def test_http_rejects_the_poison_line_alone(platform: Platform, case: str) -> None:
    """POST /api/v1/events stores the 12,000 good records and names the poison line."""
    fmt, poison = POISONS[case]
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        r = client.post("/api/v1/events", content=sandwich(fmt, poison),
                        headers={"content-type": MEDIA[fmt]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["received"], body["accepted"], body["rejected"]) == (12_001, 12_000, 1)
    [rejection] = body["rejections"]
    assert rejection["position"] == POISON_LINE[fmt] and rejection["field"] == "(record)"
    assert REASON[case] in rejection["reason"]
    assert log_position(uow=platform.uow()) == 12_000


@pytest.mark.parametrize("case", sorted(POISONS))
def test_cli_import_rejects_the_poison_line_alone(
    platform: Platform, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`silkpost import` stores the 12,000 good records, lists the poison line, exits 1."""
    fmt, poison = POISONS[case]
    monkeypatch.setenv("SILKPOST_DATABASE_URL", platform.settings.database_url)
    file = tmp_path / f"events.{fmt}"
    file.write_bytes(sandwich(fmt, poison))
    result = CliRunner().invoke(cli, ["import", str(file)], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(POISON_LINE[fmt]) in result.output and "(record)" in result.output
    assert log_position(uow=platform.uow()) == 12_000


def test_json_nested_past_the_parser_limit_is_a_400_naming_the_body(
    sqlite_platform: Platform,
) -> None:
    """A JSON body nested deeper than orjson reads is a problem naming "(body)", not a 500."""
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as client:
        r = client.post("/api/v1/events", content=b"[" * 2000 + b"]" * 2000,
                        headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "(body)" and "JSON" in r.json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_readers_keep_memory_to_one_record(fmt: formats.Format) -> None:
    """A 10 MB line arriving in chunks is one rejected record; the line after it is read."""
    header = b"object_id,code\n" if fmt == "csv" else b""
    chunks = [header, b"x" * 5_000_000, b"y" * 5_000_000, b'\n', b'{"object_id": "A"}\n'
              if fmt == "ndjson" else b"A,EMA\n"]
    out = list(formats.read_stream(iter(chunks), fmt))
    assert len(out) == 2
    (line, problem), (_, good) = out
    assert line == (2 if fmt == "csv" else 1)
    assert isinstance(problem, formats.Problem) and problem.field == "(record)"
    assert isinstance(good, dict) and good["object_id"] == "A"


def test_csv_quoted_line_breaks_crlf_and_bom_still_read() -> None:
    """A quoted cell may span lines (the record has its first line's number, the next record
    its own); CRLF line ends and a byte-order mark are read as before."""
    data = (b"\xef\xbb\xbfobject_id,code,source\r\n"
            b'A,EMA,"two\r\nlines"\r\n'
            b"B,EMB,x\r\n")
    out = list(formats.read_bytes(data, "csv"))
    assert out == [(2, {"object_id": "A", "code": "EMA", "source": "two\r\nlines"}),
                   (4, {"object_id": "B", "code": "EMB", "source": "x"})]


def test_the_limit_is_exact_and_an_unclosed_quote_is_one_problem() -> None:
    """A line of exactly MAX_RECORD_BYTES is read, one byte more is rejected; a quote left
    open at the end of the file is one rejected record, not an error of the file."""
    pad = formats.MAX_RECORD_BYTES - len(b'{"object_id": "A", "p": ""}')
    fits = b'{"object_id": "A", "p": "' + b"x" * pad + b'"}'
    assert len(fits) == formats.MAX_RECORD_BYTES
    out = list(formats.read_stream([fits + b"\r\n", fits[:-2] + b'x"}\n'], "ndjson"))
    assert isinstance(out[0][1], dict)
    assert isinstance(out[1][1], formats.Problem) and "65,536" in out[1][1].reason
    csv_out = list(formats.read_bytes(b'object_id,code\nA,EMA\nB,"open\n', "csv"))
    assert csv_out[0] == (2, {"object_id": "A", "code": "EMA"})
    assert csv_out[1][0] == 3 and isinstance(csv_out[1][1], formats.Problem)
