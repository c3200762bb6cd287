"""One field of a valid record mutated at a time, inside a stream of good records.

The property (issue 15, point 11): whatever one field holds — lengths past their limit,
characters a field may not carry, payloads nested or sized past the limits, numbers of the wrong
kind, times at and past the edges — the good records around it are stored, the mutated one is
either stored (when the mutation left it valid) or rejected alone at its own position, and the
sender never sees a 5xx (HTTP) or a traceback (CLI). Run over HTTP and through ``silkpost
import``, NDJSON and CSV, on SQLite and PostgreSQL. Starting from valid records is the point:
random bytes rarely get past the first check, so they never reach the store's limits.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.cli import app as cli
from silkpost.domain import s10
from silkpost.settings import Settings
from tests.keys import admin_headers

BEFORE, AFTER = 3, 3  # good records around the mutated one
_serials = itertools.count(1)  # every example's parcels are new in a store shared by examples


@dataclass(frozen=True)
class Mutation:
    """A record with one field changed, and whether the change must be refused."""

    field: str  # the top-level field changed
    value: Any
    must_reject: bool
    payload: bool = False  # the field lives in the payload


def good(serial: int) -> dict[str, Any]:
    """A record every rule accepts."""
    return {
        "object_id": s10.build("CA", serial, "CN"), "code": "EMB",
        "occurred_at": "2026-11-20T10:00:00+06:00", "location": "CNURC", "office": "CNURCA",
        "source": "kazpost", "event_id": f"ev-{serial}",
        "payload": {"destination": "KZALA", "weight_kg": 1.25, "note": "fragile"},
    }


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"k": value}
    return value


TEXT_LIMITS = {"source": 64, "event_id": 128}  # documented maxima (docs/events.md)
BAD_CHARACTERS = ["\x00", "\x01", "\x1b[31m", "\x7f", "\x85", "\ud800"]


# Every kind of mutation is its own test case (bad characters one by one), so that each is
# tried in every format on every store, not only when the draw happens to reach it.
KINDS = ["length", "nesting", "numbers", "times", "edges",
         *(f"character U+{ord(c[0]):04X}" for c in BAD_CHARACTERS)]


@st.composite
def mutations(draw: st.DrawFn, kind: str) -> Mutation:
    if kind == "length":
        field = draw(st.sampled_from([*TEXT_LIMITS, "object_id", "code", "location", "office"]))
        limit = TEXT_LIMITS.get(field, 64)
        size = draw(st.integers(limit + 1, 6000))
        return Mutation(field, "A" * size, must_reject=True)
    if kind.startswith("character"):
        field = draw(st.sampled_from(["source", "event_id", "object_id", "office", "note"]))
        bad = next(c for c in BAD_CHARACTERS if kind.endswith(f"{ord(c[0]):04X}"))
        at = draw(st.integers(0, 5))
        base = "kazpost"
        return Mutation(field, base[:at] + bad + base[at:], must_reject=True,
                        payload=field == "note")
    if kind == "nesting":
        depth = draw(st.integers(9, 300))
        return Mutation("deep", nested(depth), must_reject=True, payload=True)
    if kind == "numbers":
        value = draw(st.sampled_from(["heavy", -5e9, 1.5e308, -1, 0, True, "1e3", [1]]))
        return Mutation("weight_kg", value, must_reject=True, payload=True)
    if kind == "times":
        value = draw(st.sampled_from([
            1_700_000_000, 1.7e9, "1999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00", "2026-11-20T10:00:00", "2026-11-20T10:00:00+25:00",
            "2026-11-20", "",
        ]))
        return Mutation("occurred_at", value, must_reject=True)
    # Values at the edge of what is allowed must be stored, not refused.
    field = draw(st.sampled_from([*TEXT_LIMITS, "note"]))
    size = TEXT_LIMITS.get(field, 200)
    text = draw(st.text(alphabet="abcXYZ019 -_./:", min_size=size, max_size=size)
                .filter(lambda t: t.strip() == t and t.strip()))
    return Mutation(field, text, must_reject=False, payload=field == "note")


def stream(mutation: Mutation) -> tuple[list[dict[str, Any]], list[str]]:
    """BEFORE good records, the mutated one, AFTER good ones; and the good records' ids."""
    records = [good(next(_serials)) for _ in range(BEFORE + 1 + AFTER)]
    bad = records[BEFORE]
    if mutation.payload:
        bad["payload"][mutation.field] = mutation.value
    else:
        bad[mutation.field] = mutation.value
    goods = [r["object_id"] for i, r in enumerate(records) if i != BEFORE]
    return records, goods


def as_ndjson(records: list[dict[str, Any]]) -> bytes:
    # json (not orjson): it writes what orjson cannot (lone surrogates as escapes, deep nesting).
    return "\n".join(json.dumps(r) for r in records).encode("utf-8") + b"\n"


def as_csv(records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    fields = ["object_id", "code", "occurred_at", "location", "office", "source", "event_id",
              "payload"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for r in records:
        writer.writerow({**r, "payload": json.dumps(r["payload"])})
    # A lone surrogate cannot be UTF-8: it goes out as the bytes a careless encoder writes.
    return out.getvalue().encode("utf-8", "surrogatepass")


def as_json(records: list[dict[str, Any]]) -> bytes:
    return json.dumps(records).encode("utf-8")


BODIES = {"ndjson": (as_ndjson, "application/x-ndjson"), "csv": (as_csv, "text/csv"),
          "json": (as_json, "application/json")}


def position(fmt: str) -> int:
    """Where the mutated record is: a JSON array counts elements from 1, NDJSON lines from 1,
    CSV lines from 1 with the header as line 1."""
    return BEFORE + 2 if fmt == "csv" else BEFORE + 1


def check(mutation: Mutation, fmt: str, accepted: int, rejections: list[dict[str, Any]]
          ) -> None:
    good_count = BEFORE + AFTER
    if mutation.must_reject:
        assert accepted == good_count, (accepted, rejections)
        assert rejections, "the mutated record was not rejected"
        assert {r["position"] for r in rejections} == {position(fmt)}, rejections
        top = "payload" if mutation.payload else mutation.field
        assert all(r["field"].split(".")[0] in (top, "(record)") for r in rejections), \
            rejections
        assert all(r["reason"] for r in rejections)
    else:
        assert rejections == [] and accepted == good_count + 1, (accepted, rejections)


# An example takes 20-40 ms: 66 HTTP cases of 10 examples and 44 CLI cases of 4 keep the run
# under half a minute of `make test`.
@pytest.mark.parametrize("fmt", list(BODIES))
@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_http_rejects_the_one_bad_record(platform: Platform, kind: str, fmt: str,
                                         data: st.DataObject) -> None:
    """POST /api/v1/events: 200, the good records stored, the bad one named at its place."""
    mutation = data.draw(mutations(kind))
    records, goods = stream(mutation)
    write, media = BODIES[fmt]
    body = write(records)
    with TestClient(create_app(platform), headers=admin_headers(platform),
                    raise_server_exceptions=False) as client:
        r = client.post("/api/v1/events", content=body, headers={"content-type": media})
        assert r.status_code == 200, r.text
        out = r.json()
        check(mutation, fmt, out["accepted"], out["rejections"])
        for object_id in (goods[0], goods[-1]):
            assert client.get(f"/api/v1/items/{object_id}").status_code == 200


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fuzz.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def counted(store_url: str) -> Iterator[Platform]:
    platform = bootstrap(Settings(database_url=store_url, analytics_file=":memory:"))
    yield platform
    platform.dispose()


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_import_rejects_the_one_bad_record(store_url: str, counted: Platform,
                                               tmp_path_factory: pytest.TempPathFactory,
                                               monkeypatch: pytest.MonkeyPatch,
                                               kind: str, fmt: str,
                                               data: st.DataObject) -> None:
    """`silkpost import`: exit 0 or 1, never a traceback; the good records stored."""
    mutation = data.draw(mutations(kind))
    monkeypatch.setenv("SILKPOST_DATABASE_URL", store_url)
    records, goods = stream(mutation)
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"events.{fmt}"
    path.write_bytes(as_ndjson(records) if fmt == "ndjson" else as_csv(records))
    uow = counted.uow()
    with uow:
        before = uow.events.count_events()
    result = CliRunner().invoke(cli, ["import", str(path), "--show", "50"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == (1 if mutation.must_reject else 0), result.output
    with uow:
        stored = uow.events.count_events() - before
        assert all(uow.events.timeline(*_item(i)) for i in (goods[0], goods[-1]))
    expected = BEFORE + AFTER + (0 if mutation.must_reject else 1)
    assert stored == expected, result.output


def _item(object_id: str) -> tuple[Any, str]:
    from silkpost.domain.codes import ObjectKind

    return ObjectKind.ITEM, object_id
