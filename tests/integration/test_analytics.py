"""Analytics on DuckDB over the real stores (SQLite and PostgreSQL).

The figures are checked two ways: a small hand-made corridor whose answers are worked out by
hand, and a simulated day whose answers are recomputed in plain Python from the timelines.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from silkpost.analytics import service
from silkpost.analytics.kpis import Period
from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain import s10
from silkpost.domain.events import TrackingEvent
from silkpost.errors import InvalidRequest
from silkpost.sim.engine import CorridorSimulation
from silkpost.sim.scenario import load_scenario
from silkpost.tracking.formats import Record, as_record
from silkpost.tracking.records import to_event
from silkpost.tracking.service import ingest
from tests.factories import event, numbered

DAY = date(2026, 11, 10)
PROMISES = {"default": 12.0, "CNDGGA>KZALAA": 8.0}
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 24))
P1, P2, P3 = (s10.build("CA", n, "CN") for n in (1, 2, 3))


def at(day_offset: float, hour: int = 10, tz: str = "+08:00") -> str:
    moment = datetime.fromisoformat(f"{DAY}T{hour:02d}:00:00{tz}")
    return (moment + timedelta(days=day_offset)).isoformat()


def journey(item: str, delivered_after: float | None) -> list[dict[str, Any]]:
    """Dongguan → Urumqi (customs 5 h) → Almaty, delivered after so many days (or not)."""
    records = [
        event(item, "EMA", at(0), location="CNDGG", office="CNDGGA",
              payload={"destination": "KZALAA", "weight_kg": 2.0}),
        event(item, "SDP", at(0, 20), location="CNDGG", office="CNDGGA",
              payload={"mode": "truck"}),
        event(item, "EMB", at(3, 10), location="CNURC", office="CNURCA"),
        event(item, "EXA", at(3, 12), location="CNURC", office="CNURCA"),
        event(item, "EXC", at(3, 17), location="CNURC", office="CNURCA"),
        event(item, "EMC", at(3, 22), location="CNURC", office="CNURCA",
              payload={"mode": "truck"}),
        event(item, "EMD", at(5, 10, "+05:00"), location="KZALA", office="KZALAA"),
    ]
    if delivered_after is not None:
        records.append(event(item, "EMI", at(delivered_after), location="KZALA",
                             office="KZALAA"))
    return records


def store(platform: Platform, records: list[dict[str, Any]]) -> None:
    result = ingest(numbered(records), uow=platform.uow(), clock=platform.clock,
                    source="test")
    assert result.rejected == 0, result.rejections


@pytest.fixture
def corridor(platform: Platform) -> Platform:
    """Three parcels: delivered in 7 days, in 9 days (late), never (and overdue by now)."""
    store(platform, journey(P1, 7) + journey(P2, 9) + journey(P3, None))
    return platform


def test_lane_figures_worked_out_by_hand(corridor: Platform) -> None:
    """3 posted, 2 delivered (7 d and 9 d: p50 8 d); against J+8 one on time, one delivered
    late, one in flight past the promise (overdue)."""
    lanes = service.lanes(PERIOD, analytics=corridor.analytics(), clock=corridor.clock,
                          promises=PROMISES)
    assert [lane.lane for lane in lanes] == ["CNDGGA>KZALAA"]
    lane = lanes[0]
    assert (lane.posted, lane.delivered, lane.weight_kg) == (3, 2, 6.0)
    assert lane.p50_days == 8.0 and lane.p90_days == pytest.approx(8.8)
    assert (lane.on_time, lane.late, lane.overdue, lane.in_flight) == (1, 1, 1, 1)
    assert lane.on_time_share == 0.3333
    total, items = service.overdue(PERIOD, analytics=corridor.analytics(),
                                   clock=corridor.clock, promises=PROMISES)
    assert total == 1 and items[0].object_id == P3 and items[0].last_office == "KZALAA"


def test_overdue_by_lane_and_by_page(platform: Platform) -> None:
    """A lane's overdue items alone, counted whole, and paged by ``offset`` without gaps."""
    store(platform, journey(P1, None) + journey(P2, None) + journey(P3, None))
    analytics = platform.analytics()

    def ask(**kw: Any) -> tuple[int, list[str]]:
        total, rows = service.overdue(PERIOD, analytics=analytics, clock=platform.clock,
                                      promises=PROMISES, **kw)
        return total, [r.object_id for r in rows]

    total, every = ask()
    assert total == 3 and sorted(every) == sorted([P1, P2, P3])
    assert [ask(limit=1, offset=k) for k in range(4)] == [
        (3, [every[0]]), (3, [every[1]]), (3, [every[2]]), (3, [])]
    assert ask(lane="CNDGGA>KZALAA") == (3, every)
    assert ask(lane="CNDGGA>RUMOWA") == (0, [])
    with pytest.raises(InvalidRequest, match="lane"):
        ask(lane="CNDGGA")


def test_customs_dwell_modes_and_flows(corridor: Platform) -> None:
    """Customs 5 h at Urumqi; dwell from first scan to leaving; legs by mode in order."""
    analytics = corridor.analytics()
    [port] = service.customs(PERIOD, analytics=analytics)
    assert (port.office, port.presented, port.released, port.p50_hours) == ("CNURCA", 3, 3, 5.0)
    nodes = {n.office: n for n in service.nodes(PERIOD, analytics=analytics,
                                                uow=corridor.uow(), clock=corridor.clock)}
    assert nodes["CNURCA"].p50_dwell_hours == 12.0 and nodes["CNDGGA"].p50_dwell_hours == 10.0
    assert nodes["KZALAA"].left == 0 and nodes["KZALAA"].p50_dwell_hours is None
    flows = {(f.origin, f.destination, f.mode): f.items
             for f in service.flows(PERIOD, analytics=analytics)}
    assert flows == {("CNDGGA", "CNURCA", "truck"): 3, ("CNURCA", "KZALAA", "truck"): 3}
    [truck] = service.modes(PERIOD, analytics=analytics)
    assert (truck.mode, truck.departures, truck.weight_kg) == ("truck", 6, 12.0)


def test_days_are_local_days(corridor: Platform) -> None:
    """A scan at 10:00 +08:00 counts on that local day; Almaty's deliveries on theirs."""
    days, modes = service.volumes(PERIOD, analytics=corridor.analytics())
    by_day = {d.day: d for d in days}
    assert len(days) == PERIOD.days
    assert by_day[DAY].posted == 3 and by_day[DAY].weight_kg == 6.0
    assert by_day[DAY + timedelta(days=7)].delivered == 1
    assert by_day[DAY + timedelta(days=9)].delivered == 1
    assert {(m.day, m.mode): m.departures for m in modes} == {
        (DAY, "truck"): 3, (DAY + timedelta(days=3), "truck"): 3}


def test_refresh_copies_only_new_events_and_ignores_duplicates(platform: Platform) -> None:
    """Events arriving later, out of order and twice give the figures of one clean load."""
    analytics = platform.analytics()
    records = journey(P1, 7) + journey(P2, 9)
    store(platform, records[::2])
    first = analytics.refresh(force=True)
    store(platform, records[1::2] + records)  # the rest, then everything again
    second = analytics.refresh(force=True)
    assert first + second == len(records) == analytics.events_copied()
    assert analytics.refresh(force=True) == 0
    [lane] = service.lanes(PERIOD, analytics=analytics, clock=platform.clock,
                           promises=PROMISES)
    assert (lane.posted, lane.delivered, lane.on_time, lane.late) == (2, 2, 1, 1)


def test_summary_tiles_agree_with_the_kpis(corridor: Platform) -> None:
    """The tiles are the sums and overall medians of the per-lane and per-port figures."""
    tiles = service.summary(PERIOD, analytics=corridor.analytics(), uow=corridor.uow(),
                            clock=corridor.clock, promises=PROMISES)
    assert (tiles.posted, tiles.delivered, tiles.overdue, tiles.in_flight) == (3, 2, 1, 1)
    assert tiles.p50_days == 8.0 and tiles.customs_p50_hours == 5.0
    assert tiles.on_time_share == 0.3333 and tiles.events == 3 * 7 + 2
    assert sum(tiles.statuses.values()) == 3 and tiles.statuses["delivered"] == 2


def simulated_events(records: list[Record]) -> list[TrackingEvent]:
    """The events the simulator's records stand for (the reference validator's reading)."""
    events = [to_event(r, default_source="sim") for _, r in records]  # type: ignore[arg-type]
    assert all(isinstance(e, TrackingEvent) for e in events)
    return events  # type: ignore[return-value]


def test_a_simulated_day_matches_a_plain_python_recount(sqlite_platform: Platform) -> None:
    """Lane counts, transit medians and customs counts equal a recount from the timelines."""
    platform = sqlite_platform
    assert platform.network is not None
    scenario = load_scenario("seeds-2023").with_overrides(days=1, parcels_per_day=400, seed=3)
    records: list[Record] = []

    def sink(part: list[Record]) -> None:
        records.extend(part)
        ingest(part, uow=platform.uow(), clock=platform.clock, source="sim")

    CorridorSimulation(platform.network, scenario, sink=sink, recorded=as_records(sink),
                       office_records=platform.simulation_offices()).run()
    captured = simulated_events(records)
    posted: dict[str, TrackingEvent] = {}
    delivered: dict[str, TrackingEvent] = {}
    presented: dict[str, set[str]] = defaultdict(set)
    for e in captured:
        if e.code == "EMA":
            posted[e.object_id] = e
        elif e.code == "EMI":
            delivered.setdefault(e.object_id, e)
        elif e.code in ("EXA", "EDB") and e.office:
            presented[e.office].add(e.object_id)
    days: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for item, e in posted.items():
        assert e.payload is not None
        lane = f"{e.office}>{e.payload['destination']}"
        counts[lane] += 1
        if item in delivered:
            days[lane].append((delivered[item].occurred_at - e.occurred_at)
                              / timedelta(days=1))
    first = min(e.occurred_at for e in posted.values()).date()
    period = Period(first - timedelta(days=1), first + timedelta(days=40))
    clock = FixedClock(datetime.fromisoformat("2027-01-01T00:00:00+00:00"))
    lanes = {lane.lane: lane for lane in service.lanes(
        period, analytics=platform.analytics(), clock=clock, promises=PROMISES)}
    assert {k: v.posted for k, v in lanes.items()} == dict(counts)
    for lane, spans in days.items():
        assert lanes[lane].delivered == len(spans)
        assert lanes[lane].p50_days == pytest.approx(statistics.median(spans), abs=0.006)
    ports = {p.office: p.presented for p in service.customs(period,
                                                            analytics=platform.analytics())}
    assert ports == {office: len(items) for office, items in presented.items()}


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_incremental_derive_equals_a_full_rebuild(platform: Platform, share: float) -> None:
    """Refreshing after each of several out-of-order batches (touched objects re-derived, or
    everything rebuilt) gives the KPIs of one fresh copy of the whole log."""
    from silkpost.store.analytics import DuckDbAnalytics

    assert platform.network is not None
    scenario = load_scenario("seeds-2023").with_overrides(days=1, parcels_per_day=150, seed=8)
    records: list[Record] = []
    CorridorSimulation(platform.network, scenario, sink=records.extend,
                       recorded=as_records(records.extend),
                       office_records=platform.simulation_offices()).run()
    later: list[Record] = []  # parcels of another run: new ids, derived from new events
    CorridorSimulation(platform.network, scenario.with_overrides(seed=9), sink=later.extend,
                       recorded=as_records(later.extend),
                       office_records=platform.simulation_offices(),
                       first_id=len(records), first_dispatch=len(records)).run()
    captured = simulated_events(records)
    live = DuckDbAnalytics(platform.engine, full_rebuild_share=share)
    for part in (records[1::3], records[::3], records[2::3], later[::2], later[1::2]):
        ingest(part, uow=platform.uow(), clock=platform.clock, source="sim")
        assert live.refresh() > 0
    captured += simulated_events(later)
    fresh = DuckDbAnalytics(platform.engine)
    assert fresh.refresh() == live.events_copied() == len(captured)
    first = min(e.occurred_at for e in captured).date()
    period = Period(first, first + timedelta(days=30))
    now_us = 1_900_000_000_000_000
    assert live.lanes(period, promises=PROMISES, now_us=now_us) == fresh.lanes(
        period, promises=PROMISES, now_us=now_us)
    assert live.nodes(period) == fresh.nodes(period)
    assert live.customs(period) == fresh.customs(period)
    assert live.flows(period) == fresh.flows(period)
    assert live.day_volumes(period) == fresh.day_volumes(period)
    live.close()
    fresh.close()


@pytest.mark.parametrize("window", [0, 1000])
def test_late_visible_events_are_copied_within_the_reread_window(platform: Platform,
                                                                 window: int) -> None:
    """An event whose sequence number is below the copied mark (on PostgreSQL: a transaction
    that committed after a later one) is found by the next refresh inside the window, and
    missed without one."""
    from sqlalchemy import text

    from silkpost.store.analytics import DuckDbAnalytics

    store(platform, journey(P1, 7))
    with platform.engine.begin() as conn:
        late = conn.execute(text("SELECT * FROM events ORDER BY seq LIMIT 1 OFFSET 2")
                            ).mappings().one()
        conn.execute(text("DELETE FROM events WHERE seq = :seq"), {"seq": late["seq"]})
    copy = DuckDbAnalytics(platform.engine, reread_window=window)
    assert copy.refresh() == 7
    assert copy.refresh() == 0  # nothing new: the window's count matches, nothing re-read
    with platform.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO events ({', '.join(late.keys())}) VALUES "
                          f"({', '.join(':' + k for k in late)})"), dict(late))
    assert copy.refresh() == (1 if window else 0)
    assert copy.events_copied() == (8 if window else 7)
    copy.close()


def test_a_copy_read_by_two_processes_equals_one_read_by_one(sqlite_platform: Platform) -> None:
    """A large refresh reads the newer half in a second process: the same events, once each,
    and the same figures as a copy read in one process; events after it still come."""
    from silkpost.store.analytics import DuckDbAnalytics

    store(sqlite_platform, journey(P1, 7) + journey(P2, 9))
    two = DuckDbAnalytics(sqlite_platform.engine, parallel_after=4, chunk=3)
    one = DuckDbAnalytics(sqlite_platform.engine, parallel_after=None)
    assert two.refresh() == one.refresh() == 2 * 8
    store(sqlite_platform, journey(P3, None))
    assert two.refresh() == one.refresh() == 7
    now_us = 1_900_000_000_000_000
    assert two.lanes(PERIOD, promises=PROMISES, now_us=now_us) == one.lanes(
        PERIOD, promises=PROMISES, now_us=now_us)
    assert two.nodes(PERIOD) == one.nodes(PERIOD) and two.flows(PERIOD) == one.flows(PERIOD)
    two.close()
    one.close()


def test_a_failing_log_reader_process_fails_the_refresh(tmp_path: Path) -> None:
    """The second process's failure reaches the refresh: nothing is taken as copied."""
    from silkpost.store.log_reader import StretchInAnotherProcess

    empty = tmp_path / "no-events.db"
    empty.touch()
    with pytest.raises(RuntimeError, match="log reader process failed"):
        StretchInAnotherProcess(str(empty), 0, 10).result()


def as_records(sink: Callable[[list[Record]], None]) -> Callable[[list[TrackingEvent]], None]:
    """The simulated offices' events handed on as records, as the hub's intake takes them."""
    return lambda events: sink([(0, as_record(e)) for e in events])
