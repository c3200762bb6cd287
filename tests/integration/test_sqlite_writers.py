"""SQLite's one writer: writers of a process queue for the file, and a writer that finds it
locked by another process for longer than the busy timeout tries again instead of failing."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection

from silkpost.bootstrap import Platform
from silkpost.domain.notices import Severity
from silkpost.notices.service import NoticeDraft, create_notice
from silkpost.store.engine import in_write_transaction, make_engine

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _table(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (n INTEGER)")


def _insert(n: int):  # type: ignore[no-untyped-def]
    def work(conn: Connection) -> int:
        conn.exec_driver_sql("SELECT count(*) FROM t").scalar()  # a read first, then a write
        return int(conn.exec_driver_sql(f"INSERT INTO t VALUES ({n})").rowcount)
    return work


def test_threads_writing_at_once_all_commit(tmp_path: Path) -> None:
    """Eight threads, forty read-then-write transactions each, a busy timeout of 1 ms: none
    fails, every row is there."""
    path = tmp_path / "w.db"
    _table(path)
    engine = make_engine(f"sqlite:///{path}", busy_timeout_s=0.001)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(40):
                with engine.connect() as conn:
                    in_write_transaction(conn, _insert(k * 1000 + i))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(DISTINCT n) FROM t").fetchone() == (320,)


def test_a_lock_held_past_the_busy_timeout_is_waited_out(tmp_path: Path) -> None:
    """Another process's transaction outlasts one busy timeout: the write is rolled back,
    run again, and commits once the file is free."""
    path = tmp_path / "w.db"
    _table(path)
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (-1)")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    engine = make_engine(f"sqlite:///{path}", busy_timeout_s=0.3)
    try:
        with engine.connect() as conn:
            assert in_write_transaction(conn, _insert(1)) == 1
    finally:
        release.join()
        engine.dispose()
        other.close()
    with sqlite3.connect(path) as conn:
        assert sorted(conn.execute("SELECT n FROM t").fetchall()) == [(-1,), (1,)]


def test_notices_are_written_while_another_writer_commits_in_a_loop(
        sqlite_platform: Platform) -> None:
    """An operator writes notices while an import commits batch after batch into the same
    file from another connection: every notice is stored with its own number, none fails
    with "locked" (a notice is read-then-write: its number counts the notices before it)."""
    platform = sqlite_platform
    assert platform.engine is not None
    path = Path(str(platform.engine.url.database))
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=60)
    other.execute("CREATE TABLE scratch (n INTEGER)")
    stop = threading.Event()
    commits = [0]

    def importer() -> None:
        while not stop.is_set():
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO scratch VALUES (1)")
            other.execute("SELECT count(*) FROM scratch").fetchone()
            other.execute("COMMIT")
            commits[0] += 1
            # the next batch is prepared between commits, as the importer's writer does
            sum(n * n for n in range(20_000))

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        views = [create_notice(NoticeDraft(title={"en": f"Khorgos {i}"},
                                           severity=Severity.INFO, valid_from=NOW,
                                           valid_until=NOW + timedelta(days=1)),
                               uow=platform.notice_uow(), clock=platform.clock)
                 for i in range(40)]
    finally:
        stop.set()
        thread.join()
        other.close()
    assert commits[0] > 0
    assert len({v.notice.notice_id for v in views}) == 40


def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """New files get PAGE_SIZE pages (set before WAL fixes the size); a file made with 4 KiB
    pages is opened as it is, not rewritten."""
    from silkpost.store.engine import PAGE_SIZE

    fresh, old = tmp_path / "new.db", tmp_path / "old.db"
    _table(old)  # sqlite3's default page size
    for path in (fresh, old):
        engine = make_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS u (n INTEGER)")
            conn.commit()
        engine.dispose()
    with sqlite3.connect(fresh) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)
