"""Ingest throughput: 1M events through the tracking service into SQLite (and PostgreSQL).

Figure: events per second through ``silkpost.tracking.service.ingest`` (validation,
idempotency keys, append, read-model upsert, commit per batch). Past its first 50k records,
ingest validates in this process while a writer process stores the batches, so the figure
uses two processes (plus the server's, on PostgreSQL). Baseline, measured in the same run on
the same machine: a raw ``executemany`` of the same rows into an unindexed SQLite table, in
one process (for PostgreSQL: a raw COPY into an unindexed table). Goals: ≥ 150k events/s,
≥ 0.3× baseline.

    python benchmarks/bench_ingest.py [--events N] [--quick] [--postgres URL]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import corridor_records, timed
from silkpost.bootstrap import bootstrap
from silkpost.clock import SystemClock
from silkpost.settings import Settings
from silkpost.store.events import event_rows
from silkpost.tracking.records import to_event
from silkpost.tracking.service import ingest


def service_ingest(url: str, records: list[tuple[int, dict[str, object]]]) -> tuple[float, int]:
    platform = bootstrap(Settings(database_url=url))
    seconds, result = timed(lambda: ingest(records, uow=platform.uow(), clock=SystemClock(),
                                           source="bench", batch_size=20_000))
    platform.dispose()
    assert result.rejected == 0, result.rejections[:3]
    return seconds, result.accepted


def baseline_rows(records: list[tuple[int, dict[str, object]]]) -> list[tuple[object, ...]]:
    events = []
    for _, r in records:
        e = to_event(r, default_source="bench")
        assert not isinstance(e, list)
        events.append(e)
    return event_rows(events)


def sqlite_baseline(path: Path, rows: list[tuple[object, ...]]) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE raw (k BLOB, kind TEXT, id TEXT, code TEXT, occ INTEGER, "
                 "off INTEGER, rec INTEGER, loc TEXT, office TEXT, source TEXT, eid TEXT, "
                 "payload TEXT)")

    def run() -> None:
        for start in range(0, len(rows), 20_000):
            conn.executemany("INSERT INTO raw VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                             rows[start:start + 20_000])
            conn.commit()

    seconds, _ = timed(run)
    conn.close()
    return seconds


def postgres_baseline(url: str, rows: list[tuple[object, ...]]) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE raw (k bytea, kind text, id text, code text, occ bigint, "
                     "off smallint, rec bigint, loc text, office text, source text, eid text, "
                     "payload text)")

        def run() -> None:
            for start in range(0, len(rows), 20_000):
                with conn.cursor() as cur, cur.copy("COPY raw FROM STDIN") as cp:
                    for row in rows[start:start + 20_000]:
                        cp.write_row(row)
                conn.commit()

        seconds, _ = timed(run)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100k events")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    args = parser.parse_args()
    n = 100_000 if args.quick else args.events
    records = list(corridor_records(n))
    print(f"{len(records):,} events of {len(records) // 14:,} parcels")
    rows = baseline_rows(records)
    with tempfile.TemporaryDirectory() as tmp:
        base = sqlite_baseline(Path(tmp) / "raw.db", rows)
        secs, accepted = service_ingest(f"sqlite:///{Path(tmp) / 'silkpost.db'}", records)
    assert accepted == len(records)
    rate, base_rate = len(records) / secs, len(records) / base
    print(f"SQLite   service ingest: {rate:10,.0f} events/s ({secs:.1f} s) | raw executemany "
          f"baseline {base_rate:10,.0f} events/s | ratio {rate / base_rate:.2f}× "
          f"(goal ≥ 150,000/s and ≥ 0.30×)")
    if args.postgres:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in args.postgres else "?"
        url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
        try:
            base = postgres_baseline(url, rows)
            secs, accepted = service_ingest(url, records)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
        rate, base_rate = len(records) / secs, len(records) / base
        print(f"Postgres service ingest: {rate:10,.0f} events/s ({secs:.1f} s) | raw COPY "
              f"baseline {base_rate:10,.0f} events/s | ratio {rate / base_rate:.2f}× "
              f"(goal ≥ 150,000/s)")


if __name__ == "__main__":
    main()
