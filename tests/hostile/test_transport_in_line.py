"""A server's requests store in their own thread: no writer process per request body.

Three maximum-size bodies at once would otherwise start three writer processes (about 80 MB
each) that only take turns at SQLite's one write lock; the server's memory goal (issue 15,
point 5) holds only without them. ``silkpost import`` keeps its writer process: a large file
is its job. The spy counts the writer processes the store starts; it replaces nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli import app as cli
from silkpost.store import appender
from silkpost.store.appender import PARALLEL_AFTER
from tests.hostile.transport_support import good_ndjson
from tests.keys import admin_headers

EVENTS = PARALLEL_AFTER + 10_000  # past the size at which a stream goes to a writer process


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The database URLs of the writer processes started meanwhile (the real ones start)."""
    urls: list[str] = []
    real = appender.WriterProcess

    class Counted(real):  # type: ignore[misc, valid-type]
        def __init__(self, url: str, *args: object, **kwargs: object) -> None:
            urls.append(url)
            super().__init__(url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(appender, "WriterProcess", Counted)
    return urls


def test_a_large_body_is_stored_without_a_writer_process(sqlite_platform: Platform,
                                                         started: list[str]) -> None:
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as client:
        r = client.post("/api/v1/events", content=good_ndjson(0, EVENTS),
                        headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 200 and r.json()["accepted"] == EVENTS
    assert started == []


def test_a_large_import_still_uses_its_writer_process(tmp_path: Path, started: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    f = tmp_path / "events.ndjson"
    f.write_bytes(good_ndjson(0, EVENTS))
    result = CliRunner().invoke(cli, ["import", str(f)])
    assert result.exit_code == 0, result.output
    assert len(started) == 1
