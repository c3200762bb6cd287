"""Webhook dispatch throughput: deliveries per second of one dispatcher to a local receiver.

Figure: the product's path — ``Platform.webhook_dispatcher().run(once=True)`` (what
``silkpost webhooks run`` and the thread in ``silkpost serve`` run): it takes due deliveries
from the SQLite outbox under a lease, signs each (Standard Webhooks, HMAC-SHA256), POSTs it
through the SSRF-guarded sender with the configured number of workers, and records every
outcome. The receiver is a uvicorn server in its own process answering 204.
Baseline, same run, same receiver, same number of POSTs and threads: the same sender
posting a fixed body, with no store, no signing and no recording.
Goal: ≥ 2,000 deliveries/s on one dispatcher.

    python benchmarks/bench_webhooks.py [--messages N] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import free_port
from silkpost.bootstrap import bootstrap
from silkpost.domain.partners import PartnerKind
from silkpost.domain.webhooks import WebhookEventType
from silkpost.partners.service import register_partner
from silkpost.settings import Settings
from silkpost.webhooks import service
from silkpost.webhooks.http_sender import HttpSender

RECEIVER = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})
"""


def start_receiver(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    (folder / "receiver.py").write_text(RECEIVER)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "receiver:app", "--port", str(port), "--log-level",
         "warning", "--no-access-log"], cwd=folder)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}/hooks"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the receiver did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        receiver, url = start_receiver(folder)
        try:
            settings = Settings(database_url=f"sqlite:///{folder / 'silkpost.db'}",
                                analytics_file=":memory:", webhooks_allow_private=True,
                                webhooks_workers=args.workers)
            platform = bootstrap(settings)
            register_partner("KAZPOST", "Kazpost", PartnerKind.POST, uow=platform.partner_uow(),
                             clock=platform.clock, known_nodes=set(), known_services=set())
            service.subscribe("KAZPOST", url, ["item.delivered"], uow=platform.webhook_uow(),
                              clock=platform.clock)
            now = platform.clock.now()
            messages = [service.new_message(WebhookEventType.ITEM_DELIVERED,
                                            {"object_id": f"RR{n:09d}CN"}, at=now)
                        for n in range(args.messages)]
            with platform.webhook_uow() as uow:
                service.queue(messages, outbox=uow.webhooks, at=now)
                uow.commit()
            body = messages[0].body

            sender = HttpSender(allow_private=True)
            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.workers) as pool:
                statuses = list(pool.map(lambda _: sender.send(url, {}, body).status,
                                         range(args.messages)))
            baseline_s = time.perf_counter() - t0
            assert statuses.count(204) == args.messages, "baseline POSTs failed"

            t0 = time.perf_counter()
            totals = platform.webhook_dispatcher().run(once=True)
            dispatch_s = time.perf_counter() - t0
            platform.dispose()
        finally:
            receiver.kill()
    assert totals.delivered == args.messages, totals
    rate, base_rate = args.messages / dispatch_s, args.messages / baseline_s
    print(f"cpus={os.cpu_count()} messages={args.messages} workers={args.workers}")
    print(f"dispatch (outbox → signed POST → recorded): {rate:,.0f} deliveries/s "
          f"(goal ≥ 2,000)")
    print(f"baseline (same POSTs, no store, no signing): {base_rate:,.0f} POST/s")
    print(f"ratio dispatch/baseline: {rate / base_rate:.2f}")


if __name__ == "__main__":
    main()
