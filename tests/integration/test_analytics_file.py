"""The analytics copy in a file beside the database: kept across restarts, never stale.

A restart opens the file and copies only what is new; a file left by a store that was
replaced (a new demo database under the same name) or by another version of the copy's tables
is started afresh; a file another process holds gives an in-memory copy, not a failure.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from silkpost.analytics import service
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from tests.integration.test_analytics import (
    P1,
    P2,
    P3,
    PERIOD,
    PROMISES,
    journey,
    store,
)


def _platform(path: Path, clock: FixedClock) -> Platform:
    return bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=clock)


def _lanes(platform: Platform) -> list[object]:
    return list(service.lanes(PERIOD, analytics=platform.analytics(), clock=platform.clock,
                              promises=PROMISES))


def test_the_copy_lives_beside_a_sqlite_database_by_default() -> None:
    """``silkpost.db`` → ``silkpost.analytics.duckdb``; memory only when asked or in memory;
    PostgreSQL stores get one file each under the cache directory."""
    assert Settings(database_url="sqlite:///data/silkpost.db").analytics_path() == str(
        Path("data/silkpost.analytics.duckdb"))
    assert Settings(database_url="sqlite:///x.db", analytics_file=":memory:").analytics_path(
    ) == ":memory:"
    assert Settings(database_url="sqlite://").analytics_path() == ":memory:"
    a = Settings(database_url="postgresql://db/a").analytics_path()
    b = Settings(database_url="postgresql://db/b").analytics_path()
    assert a != b and a.endswith(".duckdb") and "silkpost" in a
    env = Settings.from_env({"SILKPOST_DATABASE_URL": "sqlite:///s.db"})
    assert env.analytics_path() == "s.analytics.duckdb"


def test_a_restart_copies_only_what_is_new(tmp_path: Path, clock: FixedClock) -> None:
    """After a restart the copy is there: nothing to copy, the same figures; new events are
    copied alone."""
    db = tmp_path / "silkpost.db"
    first = _platform(db, clock)
    store(first, journey(P1, 7) + journey(P2, 9))
    copied = first.analytics().refresh(force=True)
    before = _lanes(first)
    first.dispose()
    assert (tmp_path / "silkpost.analytics.duckdb").exists()
    again = _platform(db, clock)
    assert again.analytics().events_copied() == copied
    assert again.analytics().refresh(force=True) == 0
    assert _lanes(again) == before
    store(again, journey(P3, None))
    assert again.analytics().refresh(force=True) == len(journey(P3, None))
    again.dispose()


def test_a_replaced_store_is_copied_afresh(tmp_path: Path, clock: FixedClock) -> None:
    """A new database under the old name does not inherit the old copy's events."""
    db = tmp_path / "silkpost.db"
    old = _platform(db, clock)
    store(old, journey(P1, 7) + journey(P2, 9))
    old.analytics().refresh(force=True)
    old.dispose()
    for leftover in tmp_path.glob("silkpost.db*"):
        leftover.unlink()
    new = _platform(db, clock)
    store(new, journey(P3, None))
    new.analytics().refresh(force=True)
    assert new.analytics().events_copied() == len(journey(P3, None))
    [lane] = _lanes(new)
    assert (lane.posted, lane.delivered) == (1, 0)  # type: ignore[attr-defined]
    new.dispose()


def test_another_version_of_the_copy_is_started_afresh(tmp_path: Path, clock: FixedClock
                                                        ) -> None:
    """A file whose tables are of another version is rebuilt, not misread."""
    db = tmp_path / "silkpost.db"
    with duckdb.connect(str(tmp_path / "silkpost.analytics.duckdb")) as old:
        old.execute("CREATE TABLE ev (seq BIGINT, something_else VARCHAR)")
    platform = _platform(db, clock)
    store(platform, journey(P1, 7))
    assert platform.analytics().refresh(force=True) == len(journey(P1, 7))
    platform.dispose()


def test_a_held_file_gives_an_in_memory_copy(tmp_path: Path, clock: FixedClock,
                                             caplog: pytest.LogCaptureFixture) -> None:
    """While another process holds the file, the figures still come (from memory)."""
    import multiprocessing

    db = tmp_path / "silkpost.db"
    platform = _platform(db, clock)
    store(platform, journey(P1, 7) + journey(P2, 9))
    ready, done = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(
        str(tmp_path / "silkpost.analytics.duckdb"), ready, done))
    holder.start()
    try:
        assert ready.wait(30)
        analytics = platform.analytics()
        analytics.refresh(force=True)
        [lane] = _lanes(platform)
        assert (lane.posted, lane.delivered) == (2, 2)  # type: ignore[attr-defined]
        assert analytics.path == ":memory:"  # type: ignore[attr-defined]
        assert "held by another process" in caplog.text
    finally:
        done.set()
        holder.join(30)
        platform.dispose()


def _hold(path: str, ready: object, done: object) -> None:
    with duckdb.connect(path):
        ready.set()  # type: ignore[attr-defined]
        done.wait(60)  # type: ignore[attr-defined]
