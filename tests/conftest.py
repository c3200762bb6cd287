"""Shared fixtures: platforms on SQLite, on PostgreSQL (a fresh schema per test) and in memory.

Tests that need a server skip with the reason when it is absent, unless
SILKPOST_REQUIRE_SERVICES=1 (as in CI), in which case they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PG_URL = os.environ.get(
    "SILKPOST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRED = os.environ.get("SILKPOST_REQUIRE_SERVICES") == "1"


def _postgres_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test server's URL, or a skip (a failure in CI) when it is not there."""
    problem = _postgres_reachable()
    if problem:
        if REQUIRED:
            pytest.fail(f"{problem} (required: SILKPOST_REQUIRE_SERVICES=1)")
        pytest.skip(problem)
    return PG_URL


@pytest.fixture
def pg_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at the tests' 'now'."""
    return FixedClock(NOW)


def _platform(url: str, clock: FixedClock) -> Platform:
    # A schema per test: its analytics copy in memory, not a cache file per schema.
    memory = ":memory:" if url.startswith("postgresql") else None
    return bootstrap(Settings(database_url=url, analytics_file=memory), clock=clock)


@pytest.fixture
def sqlite_platform(tmp_path: Path, clock: FixedClock) -> Iterator[Platform]:
    """A platform on a fresh SQLite file."""
    p = _platform(f"sqlite:///{tmp_path / 'silkpost.db'}", clock)
    yield p
    p.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def platform(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
             ) -> Iterator[Platform]:
    """The same tests on both stores."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'silkpost.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")
    p = _platform(url, clock)
    yield p
    p.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_platform(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
                 ) -> Iterator[Platform]:
    """The same tests on the in-memory fakes and on both SQL stores (the fakes' contract)."""
    if request.param == "memory":
        yield bootstrap(Settings(), clock=clock, in_memory=True)
        return
    url = (f"sqlite:///{tmp_path / 'silkpost.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_schema_url"))
    p = bootstrap(Settings(database_url=url, analytics_file=":memory:"), clock=clock)
    yield p
    p.dispose()


@pytest.fixture
def memory_platform(clock: FixedClock) -> Platform:
    """A platform on the in-memory fakes."""
    return bootstrap(Settings(), clock=clock, in_memory=True)

