"""Issue 15, point 9: an event the platform acknowledged survives an OS crash or power cut.

SQLite ran with ``synchronous=NORMAL``, which syncs the write-ahead log only at checkpoints: a
power cut could lose acknowledged events. Every connection of the store, the writer process's
included, now commits with ``FULL`` unless the URL asks for ``normal``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from silkpost.bootstrap import bootstrap
from silkpost.clock import FixedClock
from silkpost.settings import Settings
from silkpost.store.engine import make_engine

FULL, NORMAL = 2, 1  # PRAGMA synchronous answers a number


def _mode(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("PRAGMA synchronous")).scalar_one())
    finally:
        engine.dispose()


def test_the_event_log_commits_with_full_sync(tmp_path: Path, clock: FixedClock) -> None:
    """The platform's own engine, and one built from its URL as the writer process builds
    it, wait for the disk at each commit."""
    url = f"sqlite:///{tmp_path / 'silkpost.db'}"
    platform = bootstrap(Settings(database_url=url, analytics_file=":memory:"), clock=clock)
    try:
        assert platform.engine is not None
        with platform.engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar_one() == FULL
        assert _mode(platform.engine.url.render_as_string(hide_password=False)) == FULL
    finally:
        platform.dispose()


def test_normal_is_asked_for_in_the_url_and_kept_for_the_writer(tmp_path: Path) -> None:
    """``?synchronous=normal`` trades durability for speed, and the URL the writer process
    gets still says so; an unknown mode is an error naming the setting."""
    url = f"sqlite:///{tmp_path / 'silkpost.db'}?synchronous=normal"
    assert _mode(url) == NORMAL
    engine = make_engine(url)
    assert _mode(engine.url.render_as_string(hide_password=False)) == NORMAL
    engine.dispose()
    with pytest.raises(ValueError, match="SILKPOST_DATABASE_URL: synchronous='off'"):
        make_engine(f"sqlite:///{tmp_path / 'x.db'}?synchronous=off")
