"""A poison record among good ones is rejected alone, with its position, field and reason,
on both stores, over HTTP and through `silkpost import` (issue 15, point 1, record side).

Before the record limits, each of these turned the whole batch into an error on PostgreSQL
(NUL, a varchar overflow), on both stores (a payload orjson cannot write back), or was stored
silently changed (a control character trimmed away, a number read as Unix time in UTC).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli import app
from silkpost.tracking.service import ingest, log_position
from tests.hostile.records_cases import CASES, good, poison
from tests.keys import admin_headers

GOOD_BEFORE = GOOD_AFTER = 6_000
NAMES = [c[0] for c in CASES]


def stream(change: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """6,000 good records, the poison one, 6,000 good ones: positions 1 to 12,001."""
    records = [*good(GOOD_BEFORE), poison(change), *good(GOOD_AFTER, start=GOOD_BEFORE)]
    return list(enumerate(records, start=1))


@pytest.mark.parametrize(("name", "change", "field", "words"), CASES, ids=NAMES)
def test_poison_record_is_rejected_alone_on_both_stores(
        platform: Platform, name: str, change: dict[str, Any], field: str, words: str) -> None:
    """Ingest in batches of 5,000 stores the 12,000 good records and rejects only the poison
    one, at position 6,001, naming its field and the reason."""
    result = ingest(stream(change), uow=platform.uow(), clock=platform.clock, source="partner",
                    batch_size=5_000)
    assert (result.received, result.accepted, result.rejected) == (12_001, 12_000, 1)
    [rejection] = result.rejections
    assert rejection.position == GOOD_BEFORE + 1
    assert rejection.field == field, rejection
    assert words in rejection.reason, rejection
    assert log_position(uow=platform.uow()) == 12_000


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), headers=admin_headers(platform)) as c:
        yield c


# Over HTTP the body is JSON text: a lone surrogate cannot be written in UTF-8, and its
# escape (\ud800) is refused by the reader for its line, which the NDJSON test below shows.
HTTP_CASES = [c for c in CASES if "surrogate" not in c[0]]


@pytest.mark.parametrize(("name", "change", "field", "words"), HTTP_CASES,
                         ids=[c[0] for c in HTTP_CASES])
def test_poison_record_over_http_is_rejected_alone(
        client: TestClient, name: str, change: dict[str, Any], field: str, words: str) -> None:
    """POST /api/v1/events with a JSON array: 200, the good records stored, one rejection
    naming position 6,001, the field and the reason."""
    body = json.dumps([r for _, r in stream(change)]).encode()  # orjson writes 255 levels
    r = client.post("/api/v1/events", content=body,
                    headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["accepted"], out["rejected"]) == (12_000, 1)
    [rejection] = out["rejections"]
    assert rejection["position"] == GOOD_BEFORE + 1
    assert rejection["field"] == field and words in rejection["reason"], rejection


def test_lone_surrogate_escape_over_http_is_rejected_alone(client: TestClient) -> None:
    """An NDJSON line whose string escapes a lone surrogate is rejected at its line; the lines
    around it are stored."""
    lines = [orjson.dumps(r) for r in good(50)]
    lines.insert(25, b'{"object_id": "P0000001", "code": "EMA", "occurred_at": '
                     b'"2026-11-20T10:00:00+08:00", "source": "a\\ud800b"}')
    r = client.post("/api/v1/events", content=b"\n".join(lines),
                    headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["accepted"], out["rejected"]) == (50, 1)
    assert out["rejections"][0]["position"] == 26


def test_sender_header_over_the_limit_is_one_clear_error(client: TestClient) -> None:
    """A 5,000-character X-Silkpost-Source (the label under the calling partner that every
    record's sender gets) is a 400 problem naming the header, and nothing is stored."""
    r = client.post("/api/v1/events", json=good(3), headers={"X-Silkpost-Source": "s" * 5000})
    assert r.status_code == 400, r.text
    problem = r.json()
    assert problem["field"] == "X-Silkpost-Source" and "31" in problem["detail"]
    assert client.get("/healthz").json()["log_position"] == 0


runner = CliRunner()


@pytest.fixture
def db_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    return db


CLI_CASES = [c for c in CASES if c[0] in (
    "payload 300 levels deep", "NUL in source", "destination over varchar(32)",
    "source of 5,000 characters", "C1 CSI in event_id", "a number as the time")]


@pytest.mark.parametrize(("name", "change", "field", "words"), CLI_CASES,
                         ids=[c[0] for c in CLI_CASES])
def test_poison_record_in_an_import_is_rejected_alone(
        db_env: Path, tmp_path: Path, name: str, change: dict[str, Any], field: str,
        words: str) -> None:
    """`silkpost import` of an NDJSON file stores the 12,000 good records, exits 1 and lists
    the one rejection with its line, field and reason; no traceback."""
    f = tmp_path / "events.ndjson"
    f.write_text("\n".join(json.dumps(r) for _, r in stream(change)))
    result = runner.invoke(app, ["import", str(f)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    out = " ".join(result.output.split())
    assert "12,001 │ 12,000 │ 0 │ 1" in out, result.output
    assert "6001" in out and field in out, result.output
    assert "Traceback" not in result.output


def test_import_with_an_oversized_source_option_exits_2(db_env: Path, tmp_path: Path) -> None:
    """`--source` of 5,000 characters is refused with one line naming it (exit 2)."""
    f = tmp_path / "events.ndjson"
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in good(3)))
    result = runner.invoke(app, ["import", str(f), "--source", "s" * 5000])
    assert result.exit_code == 2, result.output
    assert "source" in result.output and "Traceback" not in result.output
