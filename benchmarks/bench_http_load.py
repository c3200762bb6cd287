"""HTTP ingest under load: server memory and /healthz latency while maximum-size bodies arrive.

Starts a real ``silkpost serve`` (uvicorn) on SQLite in a temporary folder, then, while a
client polls ``/healthz`` on one keep-alive connection every 10 ms:
- baseline: one small NDJSON post (1,000 events);
- load: three concurrent NDJSON posts, each just under ``SILKPOST_MAX_BODY_BYTES`` (the
  setting's default, 128 MiB, unless ``--max-body-bytes``), parcels in corridor order.
Prints, for each phase: events stored, seconds, the server's peak RSS (the kernel's VmHWM of
the server process, and the sampled peak of the server plus its children: the store's writer
processes), and /healthz p50/p99/max. Goals: peak RSS < 500 MB, /healthz p99 < 100 ms under
the load.

    python benchmarks/bench_http_load.py [--max-body-bytes N] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import admin_key, corridor_records, free_port, percentile
from silkpost.settings import Settings

POLL_SECONDS = 0.01
MIN_POLLS = 300  # a phase polls at least this often, so a short one has a p99 too


def write_body(path: Path, max_bytes: int, seed: int) -> int:
    """An NDJSON file of corridor events just under ``max_bytes``; the number of events."""
    count = size = 0
    with path.open("wb") as fh:
        for _, record in corridor_records(10**9, seed=seed):
            line = orjson.dumps(record) + b"\n"
            if size + len(line) > max_bytes:
                break
            fh.write(line)
            size += len(line)
            count += 1
    return count


def _kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found += kids
            todo += kids
    return found


class Watch:
    """Polls /healthz and samples the RSS of the server and its children until stopped."""

    def __init__(self, port: int, pid: int) -> None:
        self.port, self.pid = port, pid
        self.latencies: list[float] = []
        self.peak_total_kib = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._poll), threading.Thread(target=self._rss)]

    def __enter__(self) -> Watch:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        while len(self.latencies) < MIN_POLLS:
            time.sleep(POLL_SECONDS)
        self._stop.set()
        for t in self._threads:
            t.join()

    def _poll(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self._stop.is_set():
            t0 = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            self.latencies.append(time.perf_counter() - t0)
            assert response.status == 200, response.status
            time.sleep(POLL_SECONDS)
        conn.close()

    def _rss(self) -> None:
        while not self._stop.is_set():
            total = sum(_kib(p, "VmRSS") for p in [self.pid, *_descendants(self.pid)])
            self.peak_total_kib = max(self.peak_total_kib, total)
            time.sleep(0.02)


def post(port: int, body: Path, out: list[dict[str, Any]], key: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600, blocksize=1 << 20)
    with body.open("rb") as fh:
        conn.request("POST", "/api/v1/events", body=fh, headers={
            "content-type": "application/x-ndjson", "authorization": f"Bearer {key}",
            "content-length": str(body.stat().st_size)})
    response = conn.getresponse()
    data = orjson.loads(response.read())
    assert response.status == 200, (response.status, data)
    out.append(data)
    conn.close()


def phase(name: str, port: int, pid: int, bodies: list[Path], key: str) -> None:
    results: list[dict[str, Any]] = []
    with Watch(port, pid) as watch:
        t0 = time.perf_counter()
        posts = [threading.Thread(target=post, args=(port, b, results, key)) for b in bodies]
        for t in posts:
            t.start()
        for t in posts:
            t.join()
        seconds = time.perf_counter() - t0
    stored = sum(r["accepted"] + r["duplicates"] for r in results)
    rejected = sum(r["rejected"] for r in results)
    lat = [x * 1000 for x in watch.latencies]
    size = sum(b.stat().st_size for b in bodies) / 2**20
    hwm = _kib(pid, "VmHWM") / 1024
    print(f"{name:<8} {len(bodies)} post(s) {size:8.1f} MiB  {stored:>9,} events "
          f"({rejected} rejected) {seconds:7.1f} s  server VmHWM {hwm:6.0f} MB"
          f"  server+children peak {watch.peak_total_kib / 1024:6.0f} MB  /healthz "
          f"p50 {percentile(lat, 50):5.1f} ms  p99 {percentile(lat, 99):6.1f} ms  "
          f"max {max(lat):6.1f} ms  ({len(lat)} polls)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-body-bytes", type=int, default=Settings().max_body_bytes)
    parser.add_argument("--quick", action="store_true", help="8 MiB bodies")
    args = parser.parse_args()
    limit = 8 * 2**20 if args.quick else args.max_body_bytes
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bodies = [folder / f"load-{k}.ndjson" for k in range(3)]
        for k, body in enumerate(bodies):
            n = write_body(body, limit, seed=100 + k)
            print(f"body {k}: {body.stat().st_size:,} bytes, {n:,} events", flush=True)
        small = folder / "small.ndjson"
        write_body(small, 150_000, seed=1)
        port = free_port()
        key = admin_key(f"sqlite:///{folder / 'load.db'}")
        env = {**os.environ, "SILKPOST_DATABASE_URL": f"sqlite:///{folder / 'load.db'}",
               "SILKPOST_PORT": str(port), "SILKPOST_MAX_BODY_BYTES": str(limit)}
        silkpost = Path(sys.executable).with_name("silkpost")
        server = subprocess.Popen([str(silkpost), "serve"], env=env, cwd=folder,
                                  stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            print(f"server pid {server.pid}, limit {limit:,} bytes, "
                  f"batch {Settings.from_env(env).ingest_batch_size:,}", flush=True)
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            warm.request("GET", "/healthz")  # the first answer opens the store: not counted
            warm.getresponse().read()
            warm.close()
            phase("baseline", port, server.pid, [small], key)
            phase("load", port, server.pid, bodies, key)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
