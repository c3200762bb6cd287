"""The status fold: order-independent, idempotent, terminal states hold, reused ids split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.codes import ObjectKind, Status, event_codes, statuses
from silkpost.domain.events import TrackingEvent
from silkpost.domain.status import derive, destination_of, in_time_order, is_stuck, lives

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects
              and c.status is not None)


def ev(code: str, hours: float, place: str = "CNURM") -> TrackingEvent:
    return TrackingEvent(ObjectKind.ITEM, "CA000000014CN", code, T0 + timedelta(hours=hours),
                         "test", location=place)


# Hours up to 800 days: timelines with gaps of more than a year (reused ids) are common.
events_strategy = st.lists(
    st.builds(ev, st.sampled_from(ITEM_CODES),
              st.one_of(st.integers(0, 400), st.integers(0, 24 * 800)),
              st.sampled_from(["CNURM", "KZALA"])),
    min_size=1, max_size=25,
)


@given(events_strategy, st.randoms())
def test_any_arrival_order_gives_the_same_standing(events: list[TrackingEvent], rnd) -> None:  # type: ignore[no-untyped-def]
    """Shuffling the events (late partner files, offline scanners) changes nothing."""
    shuffled = list(events)
    rnd.shuffle(shuffled)
    a, b = derive(events), derive(shuffled)
    assert a is not None and b is not None
    assert a.status == b.status
    assert a.last_event == b.last_event


@given(events_strategy)
def test_sending_events_twice_changes_nothing(events: list[TrackingEvent]) -> None:
    """Duplicates do not move the status."""
    assert derive(events) == derive(events + events)


def test_the_happy_path_follows_the_process() -> None:
    """Each step of the Cainiao Kazakhstan line gives the documented status."""
    path = [("EMA", Status.ACCEPTED), ("SWD", Status.IN_TRANSIT),
            ("EMB", Status.AT_OFFICE_OF_EXCHANGE), ("EXB", Status.HELD_BY_CUSTOMS),
            ("EXC", Status.RELEASED), ("EMC", Status.DEPARTED), ("SHO", Status.HANDED_OVER),
            ("EMD", Status.AT_DESTINATION), ("EDG", Status.OUT_FOR_DELIVERY),
            ("EMI", Status.DELIVERED)]
    seen: list[TrackingEvent] = []
    for hour, (code, expected) in enumerate(path):
        seen.append(ev(code, hour))
        standing = derive(seen)
        assert standing is not None and standing.status == expected, code


def test_a_late_scan_does_not_undeliver() -> None:
    """A sorting scan timed after delivery (a skewed clock) leaves the item delivered."""
    standing = derive([ev("EMI", 10), ev("EDD", 11)])
    assert standing is not None and standing.status == Status.DELIVERED
    assert standing.last_event.code == "EDD"


def test_return_after_delivery_wins() -> None:
    """A return started after delivery makes the item returned."""
    standing = derive([ev("EMI", 10), ev("SRT", 30)])
    assert standing is not None and standing.status == Status.RETURNED


def test_reused_id_after_a_year_is_a_new_item() -> None:
    """An id posted again 13 months after delivery is a new life: accepted, not delivered."""
    old = [ev("EMA", 0), ev("EMI", 100)]
    new = [ev("EMA", 24 * 400)]
    standing = derive(old + new)
    assert standing is not None and standing.status == Status.ACCEPTED
    parts = lives(in_time_order(old + new))
    assert [len(p) for p in parts] == [2, 1]


def test_ties_in_time_go_to_the_later_step() -> None:
    """Two events at the same instant: the one further in the process is the current one."""
    standing = derive([ev("EMC", 5), ev("EMB", 5)])
    assert standing is not None and standing.status == Status.DEPARTED


def test_stuck_thresholds_come_from_the_status_table() -> None:
    """An item at the office of exchange longer than its threshold is stuck; delivered never."""
    hours = statuses()[Status.AT_OFFICE_OF_EXCHANGE].stuck_after_hours
    assert hours is not None
    last = T0
    assert not is_stuck(Status.AT_OFFICE_OF_EXCHANGE, last, last + timedelta(hours=hours))
    assert is_stuck(Status.AT_OFFICE_OF_EXCHANGE, last, last + timedelta(hours=hours + 1))
    assert not is_stuck(Status.DELIVERED, last, last + timedelta(days=999))


def test_a_scan_within_a_year_of_the_last_one_but_not_of_the_delivery_is_a_new_life() -> None:
    """Days 0 (posted), 1 (delivered), 200 and 400: the status and the split agree — the
    day-400 scan is more than a year after the delivery, so it starts the current item."""
    events = [ev("EMA", 0), ev("EMI", 24), ev("EDD", 24 * 200), ev("EMB", 24 * 400)]
    standing = derive(events)
    assert standing is not None and standing.status == Status.AT_OFFICE_OF_EXCHANGE
    assert [[e.code for e in p] for p in lives(in_time_order(events))] == [
        ["EMA", "EMI", "EDD"], ["EMB"]]


@given(events_strategy)
def test_the_status_is_the_status_of_the_current_life(events: list[TrackingEvent]) -> None:
    """``effective_status`` over all events equals the fold over the last life alone: the
    year rule of the status and of the timeline split are one rule."""
    whole = derive(events)
    current = derive(lives(in_time_order(events))[-1])
    assert whole is not None and current is not None
    assert whole.status == current.status


@given(events_strategy, st.randoms())
def test_the_destination_is_the_earliest_named_whatever_the_order(
        events: list[TrackingEvent], rnd) -> None:  # type: ignore[no-untyped-def]
    """The destination comes from the earliest event naming one, in any arrival order."""
    named = [e._replace(payload={"destination": f"D{i % 3}"}) if i % 2 else e
             for i, e in enumerate(events)]
    shuffled = list(named)
    rnd.shuffle(shuffled)
    assert destination_of(named) == destination_of(shuffled)
    carriers = in_time_order(e for e in named if e.payload)
    if carriers:
        first = carriers[0]
        ties = [e for e in carriers if (e.occurred_at, e.code) == (first.occurred_at, first.code)]
        expected = min(str(e.payload["destination"]) for e in ties if e.payload)
        assert destination_of(named) == expected
    else:
        assert destination_of(named) is None
