"""Timeline lookup latency with millions of events stored (SQLite, the embedded default).

Figures: p50/p99 of the product's track path (``silkpost.tracking.service.track`` with the
platform's network ETA: read model, timeline, life split, stuck flag, ETA of items in flight)
in-process, and of ``GET /api/v1/items/{id}`` over HTTP to a real uvicorn server. The store
mixes delivered parcels (14 events) and parcels still on their way (3-13 events), each with a
posting payload naming its destination. Ids are drawn at random, and no id is looked up twice
in a run. Each side has a cold pass, right after a restart (a new process with a fresh engine;
the OS page cache is dropped first when this user may, which the output says), then a warm
pass on other ids in the same process with the database file in the OS page cache, as a
server that has run for a while has it (the rows of those ids still untouched).
Baseline, same run: a raw sqlite3 primary-key lookup of one read-model row.
Goals with 10M events, warm pass: p99 < 2 ms in-process, < 20 ms over HTTP; cold reported.
The in-process warm pass is also given in the thread's CPU time, which a busy machine's
scheduler does not inflate (wall-clock p99 then counts time slices given to others).

The store is filled by SQL (recursive CTEs) rather than through ingest, to build 10M events in
about a minute; bench_ingest.py measures ingest.

    python benchmarks/bench_timeline.py [--events N] [--quick] [--lookups N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROUTE, admin_key, free_port, percentile
from silkpost.bootstrap import bootstrap
from silkpost.domain.events import to_epoch_us
from silkpost.domain.status import code_facts
from silkpost.settings import Settings
from silkpost.store.events import STATUS_COLUMNS
from silkpost.tracking.service import track

PER_DELIVERED = len(ROUTE)
MEAN_PER_ITEM = 0.7 * PER_DELIVERED + 0.3 * 8  # 70 % delivered, the rest 3-13 events
SPREAD_US = 60 * 86_400_000_000  # postings over the last 60 days


def fill(path: Path, n_events: int) -> tuple[int, int]:
    """About n_events events and their read-model rows; (items, events) stored."""
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"))  # runs the migrations
    platform.dispose()
    items = int(n_events / MEAN_PER_ITEM)
    start_us = to_epoch_us(datetime.now(UTC) - timedelta(days=70))
    step_us = SPREAD_US // items
    facts = code_facts()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("CREATE TEMP TABLE route(i INTEGER PRIMARY KEY, code TEXT, h INTEGER, "
                 "loc TEXT, office TEXT, off INTEGER, bits INTEGER, status TEXT, "
                 "terminal INTEGER)")
    conn.executemany("INSERT INTO route VALUES (?,?,?,?,?,?,?,?,?)", [
        (i, code, hours, place, office, tz * 60, facts[code][0], facts[code][2],
         int(facts[code][1]))
        for i, (code, hours, place, office, tz) in enumerate(ROUTE)])
    # Item x has k(x) events: 14 (delivered) for 7 in 10, else 3 + x % 11.
    k = f"(CASE WHEN x % 10 < 7 THEN {PER_DELIVERED} ELSE 3 + x % 11 END)"
    posted = f"({start_us} + x * {step_us})"
    step = 200_000
    for first in range(0, items, step):
        last = min(items, first + step)
        conn.execute(
            "WITH RECURSIVE n(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM n WHERE x + 1 < ?) "
            "INSERT INTO events (idem_key, object_kind, object_id, code, occurred_us, "
            "utc_offset_min, received_us, location, office, source, event_id, payload) "
            f"SELECT randomblob(16), 'item', printf('CA%08d0CN', x), r.code, "
            f"{posted} + r.h * 3600000000, r.off, {posted} + r.h * 3600000000, r.loc, r.office, "
            "'bench', NULL, CASE WHEN r.i = 0 THEN "
            "'{\"destination\":\"KZALAA\",\"weight_kg\":1.2}' END "
            f"FROM n JOIN route r ON r.i < {k}",
            (first, last),
        )
        conn.execute(
            "WITH RECURSIVE n(x) AS (SELECT ? UNION ALL SELECT x + 1 FROM n WHERE x + 1 < ?) "
            f"INSERT INTO object_status ({', '.join(STATUS_COLUMNS)}) "
            "SELECT 'item', printf('CA%08d0CN', x), r.status, "
            f"({posted} + r.h * 3600000000) * 1024 + r.bits, r.code, r.status, "
            f"{posted} + r.h * 3600000000, r.off, r.loc, r.office, "
            f"CASE WHEN r.terminal THEN ({posted} + r.h * 3600000000) * 1024 + r.bits END, "
            f"CASE WHEN r.terminal THEN r.status END, {posted}, 'KZALAA', "
            # the destination comes from the posting event, route step 0
            f"({posted} + (SELECT h FROM route WHERE i = 0) * 3600000000) * 1024 "
            "+ (SELECT bits FROM route WHERE i = 0), "
            f"{posted} + r.h * 3600000000 FROM n JOIN route r ON r.i = {k} - 1",
            (first, last),
        )
        conn.commit()
    count = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    conn.close()
    return items, int(count)


def item_id(x: int) -> str:
    """The S10 id of synthetic item x (serial x, check digit 0 as the fill's printf writes:
    the fill only makes ids whose check digit is 0, so draw x among those)."""
    return f"CA{x:08d}0CN"


def valid_items(items: int) -> list[int]:
    from silkpost.domain.s10 import calc_check_digit

    return [x for x in range(items) if calc_check_digit(f"{x:08d}") == "0"]


def drop_page_cache() -> str:
    """Drop the OS page cache if this user may; say what was done."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        return f"OS page cache NOT dropped ({exc.strerror}): cold = new process, fresh engine"
    return "OS page cache dropped before each cold pass"


def into_page_cache(db: Path) -> None:
    """Read the database file once, as a server that has run for a while has it cached.

    The warm pass stands for that steady state: same process as the cold pass, the file in
    the OS page cache, and still ids never asked for before (their rows not yet touched).
    """
    with db.open("rb") as f:
        while f.read(8 << 20):
            pass


def lookup_pass(db: Path, ids_file: Path) -> None:
    """In a fresh process: the cold pass (first half of the ids), then the warm pass."""
    ids = json.loads(ids_file.read_text())
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}"), migrate=False)
    out: dict[str, list[float]] = {}
    etas = 0
    for name, part in (("cold", ids["cold"]), ("warm", ids["warm"])):
        if name == "warm":
            into_page_cache(db)
        lat, cpu = [], []
        for object_id in part:
            t, c = time.perf_counter(), time.thread_time()
            view = track(object_id, uow=platform.uow(), clock=platform.clock, eta=platform.eta)
            cpu.append(time.thread_time() - c)
            lat.append(time.perf_counter() - t)
            assert view.timeline, object_id
            etas += view.eta is not None
        out[name], out[f"{name} cpu"] = lat, cpu
    platform.dispose()
    assert etas > 0, "no ETA computed: is the network loaded?"
    print(json.dumps(out))


def http_pass(db: Path, ids: dict[str, list[str]]) -> dict[str, list[float]]:
    port = free_port()
    key = admin_key(f"sqlite:///{db}")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "silkpost.api.app:create_app",
         "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "SILKPOST_DATABASE_URL": f"sqlite:///{db}"},
    )
    out: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}",
                          headers={"Authorization": f"Bearer {key}"}) as client:
            for _ in range(600):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            for name in ("cold", "warm"):
                if name == "warm":
                    into_page_cache(db)
                lat = []
                for object_id in ids[name]:
                    t = time.perf_counter()
                    r = client.get(f"/api/v1/items/{object_id}")
                    lat.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text
                out[name] = lat
    finally:
        server.terminate()
        server.wait(10)
    return out


def show(label: str, lat: list[float], goal: str, base99: float) -> float:
    p50, p99 = percentile(lat, 50) * 1e3, percentile(lat, 99) * 1e3
    print(f"{label:<34} p50 {p50:6.2f} ms, p99 {p99:6.2f} ms {goal}| raw PK lookup p99 "
          f"{base99:.3f} ms | ratio p99 {p99 / base99:.0f}×")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="1M events")
    parser.add_argument("--lookups", type=int, default=2000, help="per warm pass")
    parser.add_argument("--lookup-pass", nargs=2, metavar=("DB", "IDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lookup_pass:
        lookup_pass(Path(args.lookup_pass[0]), Path(args.lookup_pass[1]))
        return
    n = 1_000_000 if args.quick else args.events
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.db"
        t0 = time.perf_counter()
        items, stored = fill(path, n)
        print(f"{stored:,} events of {items:,} items (70 % delivered, 30 % in flight) stored "
              f"in {time.perf_counter() - t0:.0f} s")
        cold_n, warm_n = max(100, args.lookups // 4), args.lookups
        drawn = [item_id(x) for x in rng.sample(valid_items(items), 2 * (cold_n + warm_n)
                                                + 1000)]
        local = {"cold": drawn[:cold_n], "warm": drawn[cold_n:cold_n + warm_n]}
        rest = drawn[cold_n + warm_n:]
        remote = {"cold": rest[:cold_n], "warm": rest[cold_n:cold_n + warm_n]}
        raw_ids = rest[cold_n + warm_n:]

        raw = sqlite3.connect(path)
        base = []
        for object_id in raw_ids:
            t = time.perf_counter()
            raw.execute("SELECT * FROM object_status WHERE object_kind='item' AND object_id=?",
                        (object_id,)).fetchone()
            base.append(time.perf_counter() - t)
        raw.close()
        b99 = percentile(base, 99) * 1e3

        note = drop_page_cache()
        ids_file = Path(tmp) / "ids.json"
        ids_file.write_text(json.dumps(local))
        done = subprocess.run([sys.executable, __file__, "--lookup-pass", str(path),
                               str(ids_file)], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"the lookup pass failed:\n{done.stderr}")
        lat = json.loads(done.stdout.strip().splitlines()[-1])
        print(note)
        show(f"in-process track() cold ({cold_n})", lat["cold"], "", b99)
        show(f"in-process track() warm ({warm_n})", lat["warm"], "(goal p99 < 2 ms) ", b99)
        # On a shared machine a lookup is now and then descheduled for a time slice (~4 ms):
        # the thread's CPU time shows what the lookup itself costs.
        show("  the same, CPU time of the thread", lat["warm cpu"], "", b99)
        print(f"  load average during the run: {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")
        drop_page_cache()
        http = http_pass(path, remote)
        show(f"HTTP GET /api/v1/items cold ({cold_n})", http["cold"], "", b99)
        show(f"HTTP GET /api/v1/items warm ({warm_n})", http["warm"], "(goal p99 < 20 ms) ",
             b99)


if __name__ == "__main__":
    main()
