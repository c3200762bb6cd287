"""Point 3 of issue 15: no record breaks a page or a KPI.

Whatever the ingest accepts (and whatever an older store already holds), the dashboard, the
tracking page, the Atom feed and every analytics endpoint answer 200.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkpost.bootstrap import Platform
from silkpost.domain.codes import ObjectKind, event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.tracking.service import ingest
from tests.conftest import NOW
from tests.hostile.readside_support import client_fixture, store_fixture  # noqa: F401

ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects)
PERIOD = {"since": (NOW - timedelta(days=20)).date().isoformat(),
          "until": NOW.date().isoformat()}
HOSTILE = ["A>B", "<script>alert(1)</script>", "CN>KZ>DE", ">", "%3E", "'; DROP TABLE x; --",
           "[/x]", "[red]fake[/red]", "\u202eevil", "\x1b[31mred", "名>称", ""]

# Strings within today's validation: any text without NUL or lone surrogates.
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=40)
office = st.one_of(st.sampled_from(["CNURCA", "CNHRS-XS", "KZALAA", "CNKHGA"]),
                   st.from_regex(r"[A-Z0-9][A-Z0-9_.\-]{1,12}", fullmatch=True))
locode = st.builds(lambda c, p: c + p, st.sampled_from(["CN", "KZ", "DE", "UZ", "RU"]),
                   st.from_regex(r"[A-Z2-9]{3}", fullmatch=True))
destination = st.one_of(st.sampled_from(HOSTILE), office, texts)
payload = st.fixed_dictionaries({"destination": destination}, optional={
    "weight_kg": st.one_of(st.floats(0, 1e6), st.integers(0, 10**6), texts),
    "mode": st.one_of(st.sampled_from(["truck", "rail", "air"]), texts),
    "sender": texts,
})
record = st.fixed_dictionaries({
    # A few ids and the posting and delivery codes often, so items get lanes and transit.
    "object_id": st.one_of(st.sampled_from(["CA000000014CN", "RR123456785KZ", "YT22-1/A.B"]),
                           st.from_regex(r"[A-Z0-9][A-Z0-9\-_./]{3,20}", fullmatch=True)),
    "code": st.one_of(st.sampled_from(["EMA", "EMI"]), st.sampled_from(ITEM_CODES)),
    "occurred_at": st.integers(0, 20 * 24 * 60).map(
        lambda m: (NOW - timedelta(minutes=m)).astimezone().isoformat()),
    "office": office, "payload": payload,
}, optional={
    "location": locode, "source": st.one_of(st.sampled_from(HOSTILE), texts),
    "event_id": texts.filter(bool),
})


def analytics_paths(c: TestClient) -> list[str]:
    """Every analytics endpoint of the app (read from its routes, so a new one is covered),
    with each lane the lanes endpoint lists put in the path of those that take a lane."""
    lanes = [row["lane"] for row in
             c.get("/api/v1/analytics/lanes", params=PERIOD).json()["rows"]]
    paths = []
    for route in c.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or not route.path.startswith("/api/v1/analytics"):
            continue
        if "{lane}" in route.path:
            paths += [route.path.replace("{lane}", quote(lane, safe="")) for lane in lanes]
        else:
            assert "{" not in route.path, f"{route.path}: a parameter the test cannot fill"
            paths.append(route.path)
    return paths


def assert_read_side_answers(c: TestClient, ids: list[str]) -> None:
    """The dashboard, the tracking page of every id, the feed and all analytics: 200."""
    paths = ["/dashboard", "/notices.atom", "/api/v1/notices",
             *(f"/track?id={quote(i, safe='')}" for i in ids), *analytics_paths(c)]
    for path in paths:
        params = PERIOD if path.startswith(("/dashboard", "/api/v1/analytics")) else None
        response = c.get(path, params=params)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(record, min_size=1, max_size=12))
def test_no_ingested_record_breaks_a_page(store: Platform, client: TestClient,
                                          records: list[dict[str, Any]]) -> None:
    """Random records within today's validation, ingested on a store, never make a page, the
    feed or an analytics endpoint answer 4xx or 5xx (the store keeps what earlier examples
    ingested, so later examples also read the earlier records)."""
    result = ingest(enumerate(records, start=1), uow=store.uow(), clock=store.clock,
                    source="fuzz")
    assert result.received == len(records)
    assert_read_side_answers(client, sorted({str(r["object_id"]) for r in records}))


def test_old_rows_with_hostile_destinations_break_no_page(store: Platform,
                                                          client: TestClient) -> None:
    """Events an older store holds, written past today's validation (a destination with '>',
    markup, quotes), are shown or counted, never a 400 or a 500 for everyone."""
    events = []
    for n, dest in enumerate(HOSTILE):
        object_id = f"OLD{n:04d}X"
        posted = NOW - timedelta(days=5, hours=n)
        events += [
            TrackingEvent(ObjectKind.ITEM, object_id, "EMA", posted, source=dest or "old",
                          location="CNURC", office="CNURCA",
                          payload={"destination": dest, "weight_kg": 1.5}),
            TrackingEvent(ObjectKind.ITEM, object_id, "EMI", posted + timedelta(days=2),
                          source="old", location="KZALA", office="KZALAA"),
        ]
    with store.uow() as uow:
        uow.events.append(events)
        uow.commit()
    assert_read_side_answers(client, [f"OLD{n:04d}X" for n in range(len(HOSTILE))])
    lanes = client.get("/api/v1/analytics/lanes", params=PERIOD).json()["rows"]
    assert sum(lane["posted"] for lane in lanes) == len(HOSTILE) - 1  # "" is no destination
    html = client.get("/dashboard", params=PERIOD).text
    assert "<script>alert" not in html
