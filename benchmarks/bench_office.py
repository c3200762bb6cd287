"""The exchange office under load: 50 scanners over HTTP against one office, and closing a
dispatch of 10,000 items with its delivery bill.

Scanners: a real ``silkpost serve`` (uvicorn, one process) on SQLite (and on PostgreSQL with
``--postgres URL``), 50 client threads, each with its own operator key, scanning its own items
at Urumqi (CNURCA) through ``POST /api/v1/offices/CNURCA/items`` - the screen's path: the item
is checked, routed by the network's router, its events appended, its sort decision answered.
Two runs: at a scanner's pace (each thread waits ``--think`` seconds between scans, a worker
with a hand-held scans an item every second or two) and flat out (no wait: the server's
ceiling). Baseline, same run, same threads, keys and items: ``GET /api/v1/items/{id}`` (the
authenticated timeline lookup of the same item: the HTTP path without the office's write).
Goal: p99 < 50 ms at the scanner's pace.

Dispatch: 10,000 items scanned, put into 100 bags and the bags closed (set up through the
same service functions), then the timed part, through the API as the supervisor's screen
calls it: close the dispatch, fetch its bill as PDF and as CSV. The server runs with the
acceptance gate on at Urumqi (SILKPOST_ACCEPTANCE_GATE_OFFICES): closing checks that every
one of the 10,000 items has its content check and X-ray (recorded at set-up, one batch);
the gate's own lookup is also timed alone. Baseline: the same bags read by one SQL query and
written as CSV with the csv module. Goal: < 2 s.

    python benchmarks/bench_office.py [--quick] [--postgres URL] [--think S]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import free_port, percentile
from silkpost.bootstrap import Platform, bootstrap
from silkpost.domain import s10
from silkpost.domain.acceptance import AcceptanceCheck, Outcome
from silkpost.domain.partners import PartnerKind
from silkpost.office import acceptance, outbound
from silkpost.office import service as office
from silkpost.partners.service import issue_key, register_partner
from silkpost.settings import Settings
from silkpost.tracking.service import ingest

OFFICE = "CNURCA"
PARTNER = "CNPOST-URC"


def posted(platform: Platform, first: int, count: int) -> list[str]:
    """``count`` items posted at Dongguan for Almaty (their posting events stored)."""
    ids = [s10.build("CB", n, "CN") for n in range(first, first + count)]
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    result = ingest([(i, {"object_id": x, "code": "EMA", "occurred_at": at, "office": "CNDGGA",
                          "payload": {"destination": "KZALAA"}}) for i, x in enumerate(ids)],
                    uow=platform.uow(), clock=platform.clock, source="CAINIAO")
    assert result.accepted == count, result.rejections[:3]
    return ids


def keys(platform: Platform, n: int) -> list[str]:
    with platform.partner_uow() as uow:
        known = uow.partners.get(PARTNER) is not None
    if not known:
        register_partner(PARTNER, "China Post Urumqi", PartnerKind.POST, nodes=(OFFICE,),
                         uow=platform.partner_uow(), clock=platform.clock,
                         known_nodes=platform.known_nodes(),
                         known_services=platform.known_services())
    return [issue_key(PARTNER, "operator", uow=platform.partner_uow(), clock=platform.clock,
                      label=f"scanner {k}").text for k in range(n)]


class Server:
    """``silkpost serve`` on ``url`` in its own process."""

    def __init__(self, url: str, folder: Path, **extra: str) -> None:
        self.port = free_port()
        env = {**os.environ, "SILKPOST_DATABASE_URL": url, "SILKPOST_PORT": str(self.port),
               "SILKPOST_ANALYTICS_FILE": ":memory:", **extra}
        silkpost = Path(sys.executable).with_name("silkpost")
        self.process = subprocess.Popen([str(silkpost), "serve"], env=env, cwd=folder,
                                        stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def load(port: int, keys_: list[str], work: list[list[str]], *, think: float, scan: bool
         ) -> tuple[list[float], float, int]:
    """Each thread sends its items (a scan each, or the baseline read); latencies (s), the
    wall time and the number of non-200 answers."""
    latencies: list[list[float]] = [[] for _ in keys_]
    failures = [0] * len(keys_)
    start = threading.Barrier(len(keys_) + 1)

    def scanner(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {keys_[n]}", "Content-Type": "application/json"}
        start.wait()
        if think:  # workers do not start on one signal: each at its own moment
            time.sleep(think * n / len(keys_))
        for item in work[n]:
            t0 = time.perf_counter()
            if scan:
                conn.request("POST", f"/api/v1/offices/{OFFICE}/items",
                             body=orjson.dumps({"item_id": item}), headers=headers)
            else:
                conn.request("GET", f"/api/v1/items/{item}", headers=headers)
            response = conn.getresponse()
            response.read()
            latencies[n].append(time.perf_counter() - t0)
            failures[n] += response.status != 200
            if think:
                time.sleep(think)
        conn.close()

    threads = [threading.Thread(target=scanner, args=(n,)) for n in range(len(keys_))]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return [x for xs in latencies for x in xs], time.perf_counter() - t0, sum(failures)


def report(label: str, scans: list[float], base: list[float], seconds: float, failed: int
           ) -> None:
    p50, p99 = percentile(scans, 50) * 1000, percentile(scans, 99) * 1000
    b99 = percentile(base, 99) * 1000
    print(f"  {label:<28} {len(scans):6,} scans  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
          f"{len(scans) / seconds:7.0f} scans/s  (non-200: {failed})  baseline read p99 "
          f"{b99:5.1f} ms  ratio {p99 / b99:4.1f}x", flush=True)


def scanners(url: str, folder: Path, *, n: int, per: int, think: float) -> None:
    platform = bootstrap(Settings(database_url=url, analytics_file=":memory:"))
    try:
        keys_ = keys(platform, n)
        paced = posted(platform, 1, n * per)
        flat = posted(platform, 1_000_001, n * per)
    finally:
        platform.dispose()
    server = Server(url, folder)
    try:
        split = [paced[k * per:(k + 1) * per] for k in range(n)]
        base, _, _ = load(server.port, keys_, split, think=think, scan=False)
        scans, seconds, failed = load(server.port, keys_, split, think=think, scan=True)
        report(f"{n} scanners, {think:g} s apart", scans, base, seconds, failed)
        split = [flat[k * per:(k + 1) * per] for k in range(n)]
        base, _, _ = load(server.port, keys_, split, think=0, scan=False)
        scans, seconds, failed = load(server.port, keys_, split, think=0, scan=True)
        report(f"{n} scanners, flat out", scans, base, seconds, failed)
    finally:
        server.stop()


def dispatch(url: str, folder: Path, *, items: int, per_bag: int) -> None:
    platform = bootstrap(Settings(database_url=url, analytics_file=":memory:"))
    try:
        key = keys(platform, 1)[0]
        ids = posted(platform, 2_000_001, items)
        kw = {"network": platform.network, "clock": platform.clock}
        t0 = time.perf_counter()
        for x in ids:
            office.scan_item(OFFICE, x, source=PARTNER, uow=platform.office_uow(), **kw)
        dispatch_id = ""
        for first in range(0, items, per_bag):
            bag = outbound.start_bag(OFFICE, "KZALAA", uow=platform.office_uow(), **kw)
            for x in ids[first:first + per_bag]:
                outbound.put_in_bag(OFFICE, bag.bag_id, x, source=PARTNER,
                                    uow=platform.office_uow(), **kw)
            closed = outbound.close_bag(OFFICE, bag.bag_id, weight_kg=per_bag * 0.4,
                                        seal=uuid.uuid4().hex[:10], source=PARTNER,
                                        uow=platform.office_uow(), **kw)
            dispatch_id = closed.dispatch.dispatch_id
        print(f"  set up {items:,} items in {items // per_bag} bags in "
              f"{time.perf_counter() - t0:.0f} s (scan, bag, close: service functions)")
        checks = [AcceptanceCheck(x, content=Outcome.CLEAR, xray=Outcome.CLEAR) for x in ids]
        t0 = time.perf_counter()
        acceptance.record_checks(OFFICE, checks, operator="bench", source=PARTNER,
                                 uow=platform.office_uow(), **kw)
        recorded = time.perf_counter() - t0
        t0 = time.perf_counter()
        with platform.office_uow() as uow:
            missing = acceptance.missing_checks(uow, ids)
        gate = time.perf_counter() - t0
        assert missing is None
        print(f"  acceptance checks of {items:,} items recorded in one batch (content + X-ray "
              f"events and records): {recorded * 1000:.0f} ms; the gate's lookup alone: "
              f"{gate * 1000:.1f} ms", flush=True)
        engine = platform.engine
        assert engine is not None
    finally:
        platform.dispose()
    server = Server(url, folder, SILKPOST_ACCEPTANCE_GATE_OFFICES=OFFICE)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        headers = {"Authorization": f"Bearer {key}"}
        base = f"/api/v1/offices/{OFFICE}/dispatches/{dispatch_id}"
        t0 = time.perf_counter()
        sizes = []
        for method, path in (("POST", f"{base}/close"), ("GET", f"{base}/bill.pdf"),
                             ("GET", f"{base}/bill.csv")):
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            sizes.append(len(response.read()))
            assert response.status == 200, (path, response.status)
        seconds = time.perf_counter() - t0
    finally:
        server.stop()
    from sqlalchemy import create_engine, text

    raw = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    t0 = time.perf_counter()
    with raw.connect() as c:
        rows = c.execute(text(
            "SELECT b.receptacle_id, b.weight_kg, b.seal, count(i.item_id) FROM office_bags b "
            "JOIN office_bag_items i ON i.bag_id = b.bag_id WHERE b.dispatch_id = :d "
            "GROUP BY b.receptacle_id, b.weight_kg, b.seal ORDER BY b.receptacle_id"),
            {"d": dispatch_id}).all()
        out = io.StringIO()
        csv.writer(out).writerows(rows)
    baseline = time.perf_counter() - t0
    raw.dispose()
    print(f"  close dispatch {dispatch_id} ({items:,} items, {len(rows)} bags, gate on) + "
          f"bill PDF "
          f"({sizes[1]:,} B) + CSV ({sizes[2]:,} B) over HTTP: {seconds * 1000:.0f} ms "
          f"(goal < 2000)  baseline SQL + csv: {baseline * 1000:.1f} ms  ratio "
          f"{seconds / baseline:.0f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer scans, a smaller dispatch")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds between one scanner's scans (default 1)")
    args = parser.parse_args()
    per, items = (10, 2_000) if args.quick else (40, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stores = [("SQLite", f"sqlite:///{folder / 'office.db'}")]
        if args.postgres:
            schema = f"bench_office_{uuid.uuid4().hex[:8]}"
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            joiner = "&" if "?" in args.postgres else "?"
            stores.append(("PostgreSQL",
                           f"{args.postgres}{joiner}options=-csearch_path%3D{schema}"))
        try:
            for name, url in stores:
                print(f"{name}:", flush=True)
                scanners(url, folder, n=50, per=per, think=args.think)
                dispatch(url, folder, items=items, per_bag=100)
        finally:
            if args.postgres:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
