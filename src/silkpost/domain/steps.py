"""The six steps a sender follows a parcel by, as AfterShip and 17TRACK users expect them.

    posted → export customs → border → import customs → out for delivery → delivered

The process has twelve statuses (``tables/statuses.csv``); a sender needs six milestones. This
module is the one rule between the two, used by the tracking page's step bar:

- Every event shows the step of the status its code implies (``tables/event_codes.csv``):
  accepted, in transit and at an office of exchange are *posted*; departed and handed over are
  *border* (on the way over it); at destination is *import customs* (arrived in the country of
  destination, where import clearance happens); out for delivery and delivered are themselves.
- A customs status (held by customs, released) is *export customs* until the parcel has reached
  the *import customs* step, and *import customs* after: the same statuses serve both sides, and
  which side is known from where the parcel already was, not from a list of codes.
- An event marked ``attempted`` (a failed delivery attempt) shows *out for delivery*.
- Exceptions and returns show no step of their own: they are a state of the step reached.

The step reached is the furthest step shown by any event that counts (retractions and the
events they take back do not), so a late scan from a sorting machine does not move a parcel
back. A delivered parcel is at *delivered* whatever its events say, as its status is.

**Days in transit** follow the rule of :mod:`silkpost.domain.transit`: from the posting (the
first event marked ``posted``, else the first event) to the delivery (the first event marked
``delivered``), or to the return, or to now for a parcel still on its way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from silkpost.domain.codes import Mark, Status, codes_marked
from silkpost.domain.events import TrackingEvent
from silkpost.domain.retractions import live
from silkpost.domain.status import implied_status


class Step(StrEnum):
    """A milestone on the step bar, in the order a parcel reaches them."""

    POSTED = "posted"
    EXPORT_CUSTOMS = "export_customs"
    BORDER = "border"
    IMPORT_CUSTOMS = "import_customs"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"


STEPS: tuple[Step, ...] = tuple(Step)


class StepState(StrEnum):
    """How the parcel stands at the step it reached."""

    MOVING = "moving"  # on its way, as expected
    HELD = "held"  # an exception: held, damaged, a failed delivery attempt
    RETURNED = "returned"  # sent back to the sender
    DONE = "done"  # delivered


_CUSTOMS = frozenset({Status.HELD_BY_CUSTOMS, Status.RELEASED})
_STEP_OF_STATUS: dict[Status, Step | None] = {
    Status.ACCEPTED: Step.POSTED,
    Status.IN_TRANSIT: Step.POSTED,
    Status.AT_OFFICE_OF_EXCHANGE: Step.POSTED,
    Status.HELD_BY_CUSTOMS: Step.EXPORT_CUSTOMS,  # import customs once arrived (step_of)
    Status.RELEASED: Step.EXPORT_CUSTOMS,
    Status.DEPARTED: Step.BORDER,
    Status.HANDED_OVER: Step.BORDER,
    Status.AT_DESTINATION: Step.IMPORT_CUSTOMS,
    Status.OUT_FOR_DELIVERY: Step.OUT_FOR_DELIVERY,
    Status.DELIVERED: Step.DELIVERED,
    Status.RETURNED: None,
    Status.EXCEPTION: None,
}
_ORDER = {step: n for n, step in enumerate(STEPS)}


def step_of(code: str, *, reached: Step | None) -> Step | None:
    """The step an event with ``code`` shows, given the furthest step reached before it.

    >>> step_of("EXA", reached=Step.POSTED), step_of("EDB", reached=Step.IMPORT_CUSTOMS)
    (<Step.EXPORT_CUSTOMS: 'export_customs'>, <Step.IMPORT_CUSTOMS: 'import_customs'>)
    """
    if code in codes_marked(Mark.ATTEMPTED):
        return Step.OUT_FOR_DELIVERY
    status = implied_status(code)
    if status in _CUSTOMS and reached is not None and after(reached, Step.BORDER):
        return Step.IMPORT_CUSTOMS
    return _STEP_OF_STATUS[status]


def after(step: Step, other: Step) -> bool:
    """True when ``step`` comes later on the bar than ``other``."""
    return _ORDER[step] > _ORDER[other]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a parcel is on the step bar, and the times its days in transit run between."""

    step: Step | None  # the furthest step reached; None when no event counts
    state: StepState
    attempted: TrackingEvent | None  # the failed attempt the addressee must act on, if latest
    posted_at: datetime | None
    ended_at: datetime | None  # delivered or returned; None while on the way

    def days_in_transit(self, now: datetime) -> float | None:
        """Days from the posting to the delivery (or return), or to ``now`` on the way."""
        if self.posted_at is None:
            return None
        end = self.ended_at or now
        return max(end - self.posted_at, timedelta(0)) / timedelta(days=1)


def progress(timeline: Sequence[TrackingEvent], status: Status) -> Progress:
    """The step bar of one parcel from its timeline (time order) and its folded status."""
    events = live(timeline)
    reached: Step | None = None
    for e in events:
        shown = step_of(e.code, reached=reached)
        if shown is not None and (reached is None or after(shown, reached)):
            reached = shown
    state = {Status.DELIVERED: StepState.DONE, Status.RETURNED: StepState.RETURNED,
             Status.EXCEPTION: StepState.HELD}.get(status, StepState.MOVING)
    if state is StepState.DONE:
        reached = Step.DELIVERED
    latest = events[-1] if events else None
    attempted = (latest if latest is not None and state is StepState.HELD
                 and latest.code in codes_marked(Mark.ATTEMPTED) else None)
    posted = [e.occurred_at for e in events if e.code in codes_marked(Mark.POSTED)]
    delivered = [e.occurred_at for e in events if e.code in codes_marked(Mark.DELIVERED)]
    ended_at = None
    if state is StepState.DONE:
        ended_at = delivered[0] if delivered else latest.occurred_at if latest else None
    elif state is StepState.RETURNED and latest is not None:
        ended_at = latest.occurred_at
    return Progress(
        step=reached, state=state, attempted=attempted,
        posted_at=posted[0] if posted else events[0].occurred_at if events else None,
        ended_at=ended_at,
    )
