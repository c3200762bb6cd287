"""The step bar's one rule: statuses onto six milestones, customs by side, never backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.codes import Mark, ObjectKind, Status, codes_marked, event_codes
from silkpost.domain.events import TrackingEvent
from silkpost.domain.status import derive, in_time_order
from silkpost.domain.steps import STEPS, Step, StepState, after, progress, step_of

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
ITEM_CODES = sorted(c.code for c in event_codes().values() if ObjectKind.ITEM in c.objects
                    and c.status is not None)
# The simulator's journey of a parcel Dongguan → Urumqi → Khorgos → Almaty, and the step the
# bar shows after each event.
JOURNEY = [
    ("EMA", Step.POSTED), ("EMB", Step.POSTED), ("EXA", Step.EXPORT_CUSTOMS),
    ("EXC", Step.EXPORT_CUSTOMS), ("SIB", Step.EXPORT_CUSTOMS), ("SHO", Step.BORDER),
    ("EMC", Step.BORDER), ("SBX", Step.BORDER), ("SAR", Step.BORDER),
    ("EMD", Step.IMPORT_CUSTOMS), ("EDB", Step.IMPORT_CUSTOMS), ("EDC", Step.IMPORT_CUSTOMS),
    ("EMF", Step.IMPORT_CUSTOMS), ("EMG", Step.IMPORT_CUSTOMS), ("EDG", Step.OUT_FOR_DELIVERY),
    ("EMI", Step.DELIVERED),
]


def ev(code: str, hours: float, **extra: object) -> TrackingEvent:
    return TrackingEvent(ObjectKind.ITEM, "CA000000014CN", code, T0 + timedelta(hours=hours),
                         "test", location="KZALA", **extra)  # type: ignore[arg-type]


def status_of(events: list[TrackingEvent]) -> Status:
    standing = derive(events)
    assert standing is not None
    return standing.status


def test_every_item_code_has_a_step_or_is_a_state() -> None:
    """Every code an item may carry shows a step, except exceptions and returns, which are a
    state of the step reached (no code is left out of the rule, none raises)."""
    without = {c for c in ITEM_CODES if step_of(c, reached=None) is None}
    assert without == {c for c in ITEM_CODES if event_codes()[c].status in
                       (Status.EXCEPTION, Status.RETURNED)} - set(codes_marked(Mark.ATTEMPTED))
    assert STEPS[0] is Step.POSTED and STEPS[-1] is Step.DELIVERED and len(STEPS) == 6


def test_the_journey_walks_the_bar_in_order() -> None:
    """After each event of a real journey the bar shows the expected step; delivered at the end."""
    events: list[TrackingEvent] = []
    for hours, (code, step) in enumerate(JOURNEY):
        events.append(ev(code, hours * 5))
        shown = progress(events, status_of(events))
        assert shown.step is step, (code, shown.step)
    assert shown.state is StepState.DONE


def test_customs_is_export_before_arrival_and_import_after() -> None:
    """The same customs codes count as export customs on the way out, import customs in the
    country of destination (and an export check at the border does not move the bar back)."""
    assert step_of("EXA", reached=Step.POSTED) is Step.EXPORT_CUSTOMS
    assert step_of("EXA", reached=Step.IMPORT_CUSTOMS) is Step.IMPORT_CUSTOMS
    assert step_of("SCI", reached=None) is Step.EXPORT_CUSTOMS
    at_border = [ev("EMA", 0), ev("SBX", 10), ev("SCI", 11)]
    assert progress(at_border, status_of(at_border)).step is Step.BORDER


def test_a_late_scan_does_not_move_the_bar_back() -> None:
    """A sorting scan after arrival (step 'posted' on its own) leaves the furthest step."""
    events = [ev("EMA", 0), ev("EMD", 40), ev("SIS", 41)]
    assert progress(events, status_of(events)).step is Step.IMPORT_CUSTOMS


def test_a_retracted_delivery_is_not_delivered() -> None:
    """A delivery taken back by a retraction shows neither the step nor an end of transit."""
    events = in_time_order([ev("EMA", 0), ev("EDG", 50), ev("EMI", 52, event_id="x-1"),
                            ev("SXR", 53, payload={"retracts": "x-1", "reason": "wrong parcel"})])
    shown = progress(events, status_of(events))
    assert shown.step is Step.OUT_FOR_DELIVERY and shown.state is StepState.MOVING
    assert shown.ended_at is None


def test_a_failed_attempt_is_held_at_out_for_delivery_until_the_next_try() -> None:
    """The attempt is the event to act on while it is the latest; the next try clears it."""
    events = [ev("EMA", 0), ev("EMG", 30), ev("EDG", 40), ev("EMH", 45)]
    shown = progress(events, status_of(events))
    assert (shown.step, shown.state) == (Step.OUT_FOR_DELIVERY, StepState.HELD)
    assert shown.attempted == events[-1]
    events.append(ev("EDG", 70))
    assert progress(events, status_of(events)).attempted is None


def test_returned_and_held_are_states_of_the_step_reached() -> None:
    """A return keeps the furthest step and stops the days; an exception holds the step."""
    returned = [ev("EMA", 0), ev("SBX", 20), ev("SRT", 30)]
    shown = progress(returned, status_of(returned))
    assert (shown.step, shown.state) == (Step.BORDER, StepState.RETURNED)
    assert shown.days_in_transit(T0 + timedelta(days=30)) == 30 / 24
    held = [ev("EMA", 0), ev("EXB", 5), ev("EXD", 9)]
    assert progress(held, status_of(held)).state is StepState.HELD


def test_days_in_transit_run_from_posting_to_delivery_or_now() -> None:
    """Posting to delivery when delivered; posting to now on the way; none without events."""
    delivered = [ev("EMA", 0), ev("EMI", 36), ev("SIS", 50)]  # a late scan changes nothing
    assert progress(delivered, status_of(delivered)).days_in_transit(T0) == 1.5
    moving = [ev("SAR", 0), ev("EMA", 12), ev("SBX", 30)]
    assert progress(moving, status_of(moving)).days_in_transit(T0 + timedelta(days=3)) == 2.5
    assert progress([], Status.ACCEPTED).days_in_transit(T0) is None


@given(st.lists(st.builds(ev, st.sampled_from(ITEM_CODES), st.integers(0, 400)),
                min_size=1, max_size=20))
def test_more_events_never_move_the_bar_back(events: list[TrackingEvent]) -> None:
    """Adding the next event (in time order) never lowers the step reached."""
    ordered = in_time_order(events)
    before = progress(ordered[:-1], status_of(ordered[:-1])) if len(ordered) > 1 else None
    now = progress(ordered, status_of(ordered))
    if before is not None and before.step is not None and before.state is not StepState.DONE:
        assert now.step is not None and not after(before.step, now.step)
