"""Helpers the benchmarks share: synthetic corridor events and timing with medians."""

from __future__ import annotations

import random
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from silkpost.domain import s10

ROUTE = [  # code, hours after posting, UN/LOCODE, office, UTC offset (h)
    ("EMA", 0, "CNDGG", "CNDGGA", 8), ("SWR", 2, "CNDGG", "CNDGGA", 8),
    ("SLD", 20, "CNDGG", "CNDGGA", 8), ("EMB", 92, "CNURM", "CNURCA", 6),
    ("SIS", 94, "CNURM", "CNURCA", 6), ("EXA", 95, "CNURM", "CNURCA", 6),
    ("EXC", 99, "CNURM", "CNURCA", 6), ("EMC", 104, "CNURM", "CNURCA", 6),
    ("SAR", 116, "CNHRS", "CNHRS-XS", 6), ("SBX", 124, "KZHOR", "KZHOR-BP", 5),
    ("SHO", 126, "KZHOR", "KZHOR-BP", 5), ("EMD", 134, "KZALA", "KZALAA", 5),
    ("EDG", 152, "KZALA", "KZALAA", 5), ("EMI", 158, "KZALA", "KZALAA", 5),
]
START = datetime(2025, 6, 1, tzinfo=UTC)


def corridor_records(n_events: int, *, seed: int = 7, shuffle_window: int = 64
                     ) -> Iterator[tuple[int, dict[str, Any]]]:
    """NDJSON-like event records of parcels on the Dongguan → Almaty line.

    Parcels are posted over a year; their events come slightly out of order (a window of
    ``shuffle_window``), as partner files do.
    """
    rng = random.Random(seed)
    produced = 0
    serial = 1
    window: list[dict[str, Any]] = []
    while produced < n_events:
        item = s10.build("CA", serial, "CN")
        serial += 1
        posted = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        for code, hours, place, office, tz in ROUTE:
            if produced >= n_events:
                break
            at = posted + timedelta(hours=hours, minutes=rng.randrange(120))
            local = at.astimezone(timezone_of(tz))
            record: dict[str, Any] = {
                "object_id": item, "code": code, "occurred_at": local.isoformat(),
                "location": place, "office": office,
            }
            if code == "EMA":
                record["payload"] = {"destination": "KZALA", "weight_kg": 1.2}
            window.append(record)
            produced += 1
            if len(window) >= shuffle_window:
                rng.shuffle(window)
                yield from ((0, r) for r in window)
                window = []
    rng.shuffle(window)
    yield from ((0, r) for r in window)


_ZONES: dict[int, Any] = {}


def timezone_of(hours: int) -> Any:
    from datetime import timezone

    return _ZONES.setdefault(hours, timezone(timedelta(hours=hours)))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn`` and its result."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    """A TCP port free on this machine now, for a server the benchmark starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def admin_key(database_url: str) -> str:
    """A new admin key of the platform's operator on the store at ``database_url`` (what
    the benchmarks' HTTP calls send, as a partner's system would)."""
    from silkpost.bootstrap import bootstrap
    from silkpost.partners.service import operator_key
    from silkpost.settings import Settings

    platform = bootstrap(Settings(database_url=database_url, analytics_file=":memory:"))
    try:
        return operator_key(uow=platform.partner_uow, clock=platform.clock,
                            label="benchmark").text
    finally:
        platform.dispose()
