"""What the read-side hostile tests share (import ``store_fixture`` and ``client_fixture``
to use the fixtures ``store`` and ``client``): a platform per store whose analytics copy refreshes
on every request (so each example's records reach the dashboard), and an HTTP client on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from tests.keys import admin_headers


def fresh_platform(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
                   **settings: object) -> Platform:
    """A platform on SQLite or on a fresh PostgreSQL schema, as ``request.param`` says."""
    if request.param == "sqlite":
        url, memory = f"sqlite:///{tmp_path / 'silkpost.db'}", None
    else:
        url, memory = request.getfixturevalue("pg_schema_url"), ":memory:"
    return bootstrap(Settings(database_url=url, analytics_file=memory,
                              analytics_refresh_seconds=0, **settings),  # type: ignore[arg-type]
                     clock=clock)


@pytest.fixture(name="store",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_fixture(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
          ) -> Iterator[Platform]:
    """Both stores, analytics refreshed on every request."""
    p = fresh_platform(request, tmp_path, clock)
    yield p
    p.dispose()


@pytest.fixture(name="client")
def client_fixture(store: Platform) -> Iterator[TestClient]:
    """HTTP on ``store``; a server error comes back as a response, not an exception."""
    with TestClient(create_app(store), headers=admin_headers(store),
                    raise_server_exceptions=False) as c:
        yield c
