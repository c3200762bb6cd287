"""The analytics copy: the event log in DuckDB, kept up to date, and the tables derived from it.

The event log is append-only and numbered (``seq``), so the copy is kept by reading what is
past the last number copied: a refresh costs what is new, not a rebuild of the log. DuckDB
then derives three tables (items, visits per place, legs between places; see
``analytics_sql``) that the KPI queries (``store/analytics.py``) read. The copy lives in a
DuckDB file beside the store by default (``Settings.analytics_path``), so a restart does not
copy ten million events again.

DuckDB reads the store through the store's own driver (SQLite or PostgreSQL), not through its
sqlite/postgres extensions: those would be downloaded at run time, and Silkpost makes no call to
the internet; a second SQLite library in the process (an ADBC driver bundles one) would also
break SQLite's file locking, which is per process. On PostgreSQL a sequence number can become
visible after a higher one (concurrent transactions), so each refresh reads again a window of
recent numbers and skips those it has.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine

from silkpost.domain.retractions import RETRACTION_CODES, retracted_by
from silkpost.store.analytics_sql import (
    DERIVED,
    INSERT,
    MISSED,
    NEW,
    SCHEMA,
    SCHEMA_VERSION,
)
from silkpost.store.log_reader import SELECT, StretchInAnotherProcess, arrow_rows

_log = logging.getLogger(__name__)
# From this many new events on, a SQLite store is read by two processes (None: never).
PARALLEL_AFTER = 1_000_000

# Past this share of items touched, rebuilding everything is cheaper than deleting and
# re-inserting the touched ones.
FULL_REBUILD_SHARE = 0.3


class AnalyticsCopy:
    """The copy of the SQL event log of ``engine`` in DuckDB, and its derived tables."""

    def __init__(self, engine: Engine, *, path: str = ":memory:", chunk: int = 500_000,
                 reread_window: int | None = None, min_interval_s: float = 0.0,
                 full_rebuild_share: float = FULL_REBUILD_SHARE,
                 parallel_after: int | None = PARALLEL_AFTER) -> None:
        if chunk < 1:
            raise ValueError("chunk must be at least 1")
        if min_interval_s < 0:
            raise ValueError("min_interval_s must not be negative")
        self._min_interval = min_interval_s
        self._full_share = full_rebuild_share
        self._parallel_after = parallel_after
        self._last_refresh: float | None = None
        self._engine = engine
        self._chunk = chunk
        postgres = engine.dialect.name == "postgresql"
        self._reread = (100_000 if postgres else 0) if reread_window is None else reread_window
        self._param = "%s" if postgres else "?"
        self.path = path
        self._duck = self._connect(path)
        self._open_copy()
        self._lock = threading.Lock()
        self._forget_if_another_store()
        self._derive_if_needed()

    def _connect(self, path: str) -> duckdb.DuckDBPyConnection:
        """The copy's connection; an in-memory one when another process holds the file."""
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            try:
                return duckdb.connect(path)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise
                _log.warning("analytics file %s is held by another process (%s): "
                             "copying the event log into memory instead", path, exc)
                self.path = ":memory:"
        return duckdb.connect(":memory:")

    def _forget_if_another_store(self) -> None:
        """Start afresh when the copy's events are not the store's (the database was
        replaced, e.g. a new demo store under the same name): the first and last events
        copied must be found in the store under the same numbers."""
        probes = self._duck.execute(
            "SELECT seq, object_id, code, occurred_us FROM ev WHERE seq IN "
            "((SELECT min(seq) FROM ev), (SELECT max(seq) FROM ev))").fetchall()
        if not probes:
            return
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            same = True
            for seq, object_id, code, occurred_us in probes:
                cursor.execute(f"SELECT object_id, code, occurred_us FROM events "
                               f"WHERE seq = {self._param}", (seq,))
                same = same and cursor.fetchall() == [(object_id, code, occurred_us)]
            raw.rollback()
        finally:
            raw.close()
        if not same:
            _log.warning("analytics copy %s holds another store's events: copying afresh",
                         self.path)
            self._open_copy(drop=True)

    def _open_copy(self, *, drop: bool = False) -> None:
        """Create the copy's tables; a file kept by another version of them starts afresh."""
        tables = {r[0] for r in self._duck.execute("SHOW TABLES").fetchall()}
        version = (self._scalar("SELECT max(version) FROM copy_version")
                   if "copy_version" in tables else None)
        if tables and (drop or version != SCHEMA_VERSION):
            for table in tables:
                self._duck.execute(f'DROP TABLE "{table}"')
        self._duck.execute(SCHEMA)
        if not self._scalar("SELECT count(*) FROM copy_version"):
            self._duck.execute("INSERT INTO copy_version VALUES (?)", [SCHEMA_VERSION])
        if not self._scalar("SELECT count(*) FROM sync_state"):
            self._duck.execute("INSERT INTO sync_state VALUES (0, 0, -1)")

    def close(self) -> None:
        """Close the DuckDB connection (and its file)."""
        self._duck.close()

    # -- keeping the copy -------------------------------------------------------------------
    def refresh(self, *, on_progress: Callable[[int], None] | None = None,
                force: bool = False) -> int:
        """Copy new events, then rebuild the derived tables if anything was new.

        Within ``min_interval_s`` of the last refresh this does nothing (unless ``force``):
        a dashboard opened by many people costs one copy, not one per visitor.
        """
        with self._lock:
            started = time.monotonic()
            if (not force and self._last_refresh is not None
                    and started - self._last_refresh < self._min_interval):
                return 0
            self._last_refresh = started
            [(mark, generation)] = self._duck.execute(
                "SELECT watermark, generation + 1 FROM sync_state").fetchall()
            lower = max(0, mark - self._reread)
            copied = 0
            for batch in self._new_events(lower, mark):
                if not batch.num_rows:
                    continue
                copied += self._insert(batch, mark, generation)
                lower = max(lower, batch.column("seq")[-1].as_py())
                if on_progress is not None:
                    on_progress(batch.num_rows)
            self._duck.execute("UPDATE sync_state SET watermark = ?", [max(mark, lower)])
            if copied:
                self._duck.execute("UPDATE sync_state SET generation = ?", [generation])
                self._exclude_retracted(generation)
                self._derive()
            return copied

    def _new_events(self, lower: int, mark: int) -> Iterator[pa.Table]:
        """The store's events past ``lower`` (less what the copy holds of the re-read
        window up to ``mark``), in chunks of ``chunk`` rows, in ``seq`` order."""
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            if lower < mark:
                # Re-read the window only when it holds events the copy lacks: an index
                # count on the store against one on the copy, instead of 100k rows.
                cursor.execute(f"SELECT count(*) FROM events WHERE seq > {self._param} "
                               f"AND seq <= {self._param}", (lower, mark))
                have = self._scalar(f"SELECT count(*) FROM ev WHERE seq > {lower} "
                                    f"AND seq <= {mark}")
                if cursor.fetchall()[0][0] == have:
                    lower = mark
            helper: StretchInAnotherProcess | None = None
            upper = None
            database = self._engine.url.database
            if (self._engine.dialect.name == "sqlite" and database and database != ":memory:"
                    and self._parallel_after is not None):
                cursor.execute("SELECT max(seq) FROM events")
                top = cursor.fetchall()[0][0] or 0
                if top - lower >= self._parallel_after:
                    # The newer half is read by a second process while this one reads the
                    # older half (see silkpost.store.log_reader).
                    upper = lower + (top - lower) // 2
                    helper = StretchInAnotherProcess(database, upper, top)
            while True:
                bound = "" if upper is None else f"AND seq <= {int(upper)} "
                cursor.execute(
                    f"SELECT {SELECT} FROM events WHERE seq > {self._param} {bound}"
                    f"ORDER BY seq LIMIT {self._param}", (lower, self._chunk))
                rows = cursor.fetchall()
                if rows:
                    yield arrow_rows(rows)
                    lower = rows[-1][0]
                if len(rows) < self._chunk:
                    if helper is None:
                        break
                    yield helper.result()
                    helper, lower, upper = None, top, None  # then what came meanwhile
            raw.rollback()
        finally:
            if helper is not None:
                helper.cancel()
            raw.close()

    def _insert(self, batch: pa.Table, mark: int, generation: int) -> int:
        before = self._scalar("SELECT count(*) FROM ev")
        low = pc.min(batch.column("seq")).as_py()
        self._duck.register("batch", batch)
        try:
            params = {"mark": mark, "generation": generation}
            self._duck.execute(INSERT.format(where=NEW), params)
            if low is not None and low <= mark:
                self._duck.execute(INSERT.format(where=MISSED), {**params, "low": low})
        finally:
            self._duck.unregister("batch")
        return self._scalar("SELECT count(*) FROM ev") - before

    def _exclude_retracted(self, generation: int) -> None:
        """Mark the retracted events of the objects this refresh touched, by the domain's rule.

        A retraction or the event it names may arrive in either order, and either arrival
        touches the object; the store lists the objects with retractions
        (``retracted_objects``, few), so only those are read back and judged in Python.
        """
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT object_kind, object_id FROM retracted_objects")
            listed = cursor.fetchall()
            if not listed:
                return
            self._duck.execute("CREATE OR REPLACE TEMP TABLE listed (kind VARCHAR, "
                               "object_id VARCHAR)")
            self._duck.executemany("INSERT INTO listed VALUES (?, ?)", listed)
            touched = self._duck.execute(
                "SELECT DISTINCT kind, object_id FROM ev WHERE generation = ? "
                "INTERSECT SELECT kind, object_id FROM listed", [generation]).fetchall()
            excluded: list[int] = []
            judged: list[str] = []
            for kind, object_id in touched:
                cursor.execute(f"SELECT seq, code, occurred_us, event_id, payload FROM events "
                               f"WHERE object_kind = {self._param} AND object_id = "
                               f"{self._param}", (kind, object_id))
                rows = cursor.fetchall()
                taken = retracted_by((code, orjson.loads(payload) if payload else None)
                                     for _, code, _, _, payload in rows
                                     if code in RETRACTION_CODES)
                excluded += [seq for seq, code, us, event_id, _ in rows
                             if code in RETRACTION_CODES or taken.names(code, us, event_id)]
                judged.append(f"{kind}/{object_id}")
        finally:
            raw.close()
        if judged:
            self._duck.execute("UPDATE ev SET excluded = list_contains($seqs, seq) "
                               "WHERE list_contains($ids, kind || '/' || object_id)",
                               {"seqs": excluded, "ids": judged})

    def _derive(self) -> None:
        """Bring items, visits and legs up to date with the events copied since last time.

        Objects seen before are deleted and derived again from all their events; objects new
        in this refresh (most of a day's traffic) are derived from the new events alone,
        which DuckDB finds without reading the older row groups (they are appended in
        generation order). Past ``full_rebuild_share`` of the items, everything is rebuilt.
        """
        derived = self._scalar("SELECT derived FROM sync_state")
        tables = {r[0] for r in self._duck.execute("SHOW TABLES").fetchall()}
        self._duck.execute("BEGIN")
        try:
            full = derived < 0 or not {"items", "visits", "legs"} <= tables
            if not full:
                self._duck.execute(
                    "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT object_id FROM ev "
                    "WHERE generation > ? AND kind = 'item'", [derived])
                touched = self._scalar("SELECT count(*) FROM touched")
                full = touched > self._full_share * self._scalar("SELECT count(*) FROM items")
            if full:
                for table, select, _ in DERIVED:
                    self._duck.execute(f"CREATE OR REPLACE TABLE {table} AS "
                                       + select.format(scope=""))
            else:
                self._duck.execute(
                    "CREATE OR REPLACE TEMP TABLE known AS SELECT object_id FROM touched "
                    "SEMI JOIN items USING (object_id)")
                self._duck.execute(
                    "CREATE OR REPLACE TEMP TABLE fresh AS SELECT object_id FROM touched "
                    "ANTI JOIN items USING (object_id)")
                known = self._scalar("SELECT count(*) FROM known")
                for table, select, key in DERIVED:
                    if known:
                        self._duck.execute(f"DELETE FROM {table} WHERE object_id IN "
                                           "(SELECT object_id FROM known)")
                        self._duck.execute(f"INSERT INTO {table} " + select.format(
                            scope=f"AND {key} IN (SELECT object_id FROM known)"))
                    new_events = "" if table == "legs" else f"AND generation > {int(derived)} "
                    self._duck.execute(f"INSERT INTO {table} " + select.format(
                        scope=f"{new_events}AND {key} IN (SELECT object_id FROM fresh)"))
            self._duck.execute("UPDATE sync_state SET derived = generation")
            self._duck.execute("COMMIT")
        except BaseException:
            self._duck.execute("ROLLBACK")
            raise

    def _derive_if_needed(self) -> None:
        [(generation, derived)] = self._duck.execute(
            "SELECT generation, derived FROM sync_state").fetchall()
        if derived != generation:
            self._derive()

    def _scalar(self, sql: str) -> int:
        rows = self._duck.execute(sql).fetchall()  # fetch all: DuckDB keeps unfinished results
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def events_copied(self) -> int:
        """How many events the projection holds (read through a cursor of its own, as every
        reader does: the shared connection may be busy refreshing on another thread)."""
        rows = self._query("SELECT count(*) FROM ev")
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def _query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        cursor = self._duck.cursor()  # one per call: readers may run on several threads
        try:
            return cursor.execute(sql, dict(params or {})).fetchall()
        finally:
            cursor.close()
