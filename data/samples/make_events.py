"""Writes events.ndjson: a small, hand-shaped day of traffic on the Cainiao Kazakhstan line.

Dongguan consolidation warehouse → truck → Urumqi office of exchange (same-day processing) →
truck → Khorgos exchange station → Kazakh post → Almaty, 6–8 days door to door (seeds' figures).
Run: python data/samples/make_events.py > data/samples/events.ndjson
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

from silkpost.domain import s10

CN, URC, KZ = (
    timezone(timedelta(hours=8)),
    timezone(timedelta(hours=6)),
    timezone(timedelta(hours=5)),
)
STEPS = [  # code, hours after posting, place, office, zone
    ("EMA", 0, "CNDGG", "CNDGGA", CN),
    ("SWR", 2, "CNDGG", "CNDGGA", CN),
    ("SLD", 20, "CNDGG", "CNDGGA", CN),
    ("EMB", 20 + 72, "CNURM", "CNURCA", URC),
    ("SIS", 20 + 74, "CNURM", "CNURCA", URC),
    ("EXA", 20 + 75, "CNURM", "CNURCA", URC),
    ("EXC", 20 + 79, "CNURM", "CNURCA", URC),
    ("EMC", 20 + 84, "CNURM", "CNURCA", URC),
    ("SAR", 20 + 84 + 12, "CNHRS", "CNHRS-XS", URC),
    ("SBX", 20 + 84 + 20, "KZHOR", "KZHOR-BP", KZ),
    ("SHO", 20 + 84 + 22, "KZHOR", "KZHOR-BP", KZ),
    ("EMD", 20 + 84 + 30, "KZALA", "KZALAA", KZ),
    ("EDG", 20 + 84 + 48, "KZALA", "KZALAA", KZ),
    ("EMI", 20 + 84 + 54, "KZALA", "KZALAA", KZ),
]


def main() -> None:
    rng = random.Random(2023)
    start = datetime(2026, 11, 14, 9, 0, tzinfo=CN)
    for n, item in enumerate(s10.id_range("CA", "CN", 31_000_001, 40)):
        posted = start + timedelta(hours=rng.uniform(0, 72))
        progress = rng.randint(3, len(STEPS))
        first: dict[str, object] = {}
        for code, hours, place, office, zone in STEPS[:progress]:
            at = (posted + timedelta(hours=hours + rng.uniform(0, 3))).astimezone(zone)
            event = {
                "object_id": item,
                "code": code,
                "occurred_at": at.isoformat(timespec="seconds"),
                "location": place,
                "office": office,
                "source": "sample",
            }
            if code == "EMA":
                event["payload"] = {
                    "destination": "KZALA",
                    "weight_kg": round(rng.uniform(0.2, 3), 2),
                    "declared_value_usd": round(rng.lognormvariate(3.5, 0.6), 2),
                }
            first = first or dict(event)
            print(json.dumps(event, ensure_ascii=False))
        if n % 13 == 0:  # the posting relayed again by another partner: stored once
            print(json.dumps({**first, "source": "sample-relay"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
