"""One SQLite file, three writers at once: the API server, a large import and the simulator."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import orjson

from silkpost.bootstrap import bootstrap
from silkpost.domain import s10
from silkpost.partners.service import operator_key
from silkpost.settings import Settings

T0 = datetime(2026, 10, 1, tzinfo=UTC)
IMPORTED = 60_000  # past the appender's threshold: the import stores through its writer process
PER_REQUEST = 20
CLIENTS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _record(indicator: str, n: int) -> dict[str, object]:
    at = T0 + timedelta(minutes=n)
    return {"object_id": s10.build(indicator, n, "CN"), "code": "EMA",
            "occurred_at": at.isoformat(), "location": "CNURM", "office": "CNURCA"}


def test_api_import_and_simulator_write_one_sqlite_file_at_once(tmp_path: Path) -> None:
    """Every writer succeeds (no "database is locked") and the store holds exactly what each
    one handed over: the file's events, every event of every accepted request, every scan."""
    db = tmp_path / "shared.db"
    env = {**os.environ, "SILKPOST_DATABASE_URL": f"sqlite:///{db}"}
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}"))  # migrated once, up front
    key = operator_key(uow=platform.partner_uow, clock=platform.clock).text
    platform.dispose()
    partner = tmp_path / "partner.ndjson"
    partner.write_bytes(b"\n".join(orjson.dumps(_record("EE", n)) for n in range(IMPORTED)))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "silkpost.api.app:create_app",
         "--port", str(port), "--log-level", "warning"], env=env)
    silkpost = str(Path(sys.executable).parent / "silkpost")
    writers: list[subprocess.Popen[bytes]] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300,
                          headers={"Authorization": f"Bearer {key}"}) as client:
            _wait_until_up(client, server)
            writers = [
                subprocess.Popen([silkpost, "import", str(partner)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
                subprocess.Popen([silkpost, "simulate", "--days", "1", "--parcels-per-day",
                                  "3000", "--seed", "5", "--report", str(tmp_path / "r.json")],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
            ]
            posted = _post_while_running(client, writers)
        outputs = [w.communicate()[0].decode() for w in writers]
    finally:
        for process in [*writers, server]:
            if process.poll() is None:
                process.terminate()
                process.wait(30)
    for process, output in zip(writers, outputs, strict=True):
        assert process.returncode == 0, output
        assert "locked" not in output
    assert posted["failures"] == [], posted["failures"][:3]
    simulated = json.loads((tmp_path / "r.json").read_text())["events"]
    with bootstrap(Settings(database_url=f"sqlite:///{db}"), migrate=False).uow() as uow:
        stored = uow.events.count_events()
    assert posted["requests"] > 0
    assert stored == IMPORTED + posted["requests"] * PER_REQUEST + simulated


def _wait_until_up(client: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the API server ended"
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the API server did not come up")


def _post_while_running(client: httpx.Client, writers: list[subprocess.Popen[bytes]]
                        ) -> dict[str, list[str] | int]:
    """Clients post batches of new events until the import and the simulator are done."""
    failures: list[str] = []
    counter = iter(range(10**6))
    lock = threading.Lock()
    done = [0]

    def client_loop() -> None:
        while any(w.poll() is None for w in writers) or done[0] < CLIENTS:
            with lock:
                first = next(counter) * PER_REQUEST
            body = [_record("LA", first + i) for i in range(PER_REQUEST)]
            r = client.post("/api/v1/events", json=body)
            if r.status_code != 200 or r.json()["accepted"] != PER_REQUEST:
                failures.append(f"{r.status_code} {r.text[:200]}")
                return
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"failures": failures, "requests": done[0]}
