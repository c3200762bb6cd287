"""Timeline lookup latency with millions of events stored (SQLite, the embedded default).

Figure: p50/p99 of ``silkpost.tracking.service.track`` (read model + timeline + life split +
stuck flag) in-process, and of ``GET /api/v1/items/{id}`` over HTTP to a real uvicorn server.
Baseline, same run: a raw sqlite3 primary-key lookup of one read-model row. Goals with 10M
events: p99 < 2 ms in-process, < 20 ms over HTTP.

The store is filled by SQL (a recursive CTE) rather than through ingest, to build 10M events
in under a minute; bench_ingest.py measures ingest.

    python benchmarks/bench_timeline.py [--events N] [--quick] [--lookups N]
"""

from __future__ import annotations

import argparse
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile
from silkpost.bootstrap import bootstrap
from silkpost.settings import Settings
from silkpost.tracking.service import track

CODES = ["EMA", "SWR", "SLD", "EMB", "SIS", "EXA", "EXC", "EMC", "SAR", "SBX", "SHO", "EMD",
         "EDG", "EMI"]
PER_ITEM = len(CODES)
T0_US = 1_750_000_000_000_000


def fill(path: Path, n_events: int) -> int:
    """Write n_events events of n_events/14 parcels, and their read-model rows."""
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"))  # runs the migrations
    platform.dispose()
    items = n_events // PER_ITEM
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    codes = ",".join(f"({i},'{c}')" for i, c in enumerate(CODES))
    conn.execute("CREATE TEMP TABLE codes(i INTEGER PRIMARY KEY, code TEXT)")
    conn.execute(f"INSERT INTO codes VALUES {codes}")
    step = 200_000
    for start in range(0, items, step):
        stop = min(items, start + step)
        conn.execute(
            "WITH RECURSIVE n(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM n WHERE x + 1 < ?) "
            "INSERT INTO events (idem_key, object_kind, object_id, code, occurred_us, "
            "utc_offset_min, received_us, location, office, source, event_id, payload) "
            "SELECT randomblob(16), 'item', printf('SYN%010d', x), c.code, "
            "? + x * 60000000 + c.i * 3600000000, 360, ? + x * 60000000 + c.i * 3600000000, "
            "'CNURM', 'CNURCA', 'bench', NULL, NULL FROM n CROSS JOIN codes c",
            (start, stop, T0_US, T0_US),
        )
        conn.commit()
    conn.execute(
        "INSERT INTO object_status SELECT 'item', object_id, 'delivered', max(occurred_us)*1024, "
        "'EMI', 'delivered', max(occurred_us), 360, 'KZALA', 'KZALAA', max(occurred_us)*1024, "
        "'delivered', min(occurred_us), 'KZALA', max(received_us) FROM events GROUP BY object_id"
    )
    conn.commit()
    count = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    conn.close()
    return int(count)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1M events")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    n = 1_000_000 if args.quick else args.events
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.db"
        t0 = time.perf_counter()
        stored = fill(path, n)
        print(f"{stored:,} events stored in {time.perf_counter() - t0:.0f} s")
        items = stored // PER_ITEM
        ids = [f"SYN{rng.randrange(items):010d}" for _ in range(args.lookups)]

        raw = sqlite3.connect(path)
        base = []
        for object_id in ids:
            t = time.perf_counter()
            raw.execute("SELECT * FROM object_status WHERE object_kind='item' AND object_id=?",
                        (object_id,)).fetchone()
            base.append(time.perf_counter() - t)
        raw.close()

        platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), migrate=False)
        lat = []
        for object_id in ids:
            t = time.perf_counter()
            view = track(object_id, uow=platform.uow(), clock=platform.clock)
            lat.append(time.perf_counter() - t)
            assert len(view.timeline) == PER_ITEM
        platform.dispose()
        p50, p99 = percentile(lat, 50) * 1e3, percentile(lat, 99) * 1e3
        b99 = percentile(base, 99) * 1e3
        print(f"in-process track(): p50 {p50:.2f} ms, p99 {p99:.2f} ms (goal p99 < 2 ms) | "
              f"raw PK lookup p99 {b99:.3f} ms | ratio p99 {p99 / b99:.1f}×")

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "silkpost.api.app:create_app",
             "--port", str(port), "--log-level", "warning"],
            env={"SILKPOST_DATABASE_URL": f"sqlite:///{path}", "PATH": "/usr/bin:/bin"},
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(300):
                    try:
                        client.get("/healthz")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                http_lat = []
                for object_id in ids:
                    t = time.perf_counter()
                    r = client.get(f"/api/v1/items/{object_id}")
                    http_lat.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
            h50, h99 = percentile(http_lat, 50) * 1e3, percentile(http_lat, 99) * 1e3
            print(f"HTTP GET /api/v1/items/{{id}}: p50 {h50:.2f} ms, p99 {h99:.2f} ms "
                  f"(goal p99 < 20 ms) | ratio to in-process p99 {h99 / p99:.1f}×")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
