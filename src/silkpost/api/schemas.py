"""Response and request shapes of the tracking API (its OpenAPI contract)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from silkpost.domain.codes import ObjectKind, Status, event_code, statuses
from silkpost.domain.events import TrackingEvent
from silkpost.domain.tracked import TrackedObject
from silkpost.tracking.service import ChangePage, IngestResult, ObjectPage, ObjectView


class RejectionOut(BaseModel):
    """One rejected record."""

    position: int = Field(description="1-based line (NDJSON, CSV) or array index (JSON)")
    field: str
    reason: str


class IngestOut(BaseModel):
    """What happened to a batch of events."""

    received: int
    accepted: int
    duplicates: int
    rejected: int
    rejections: list[RejectionOut]

    @classmethod
    def of(cls, r: IngestResult) -> IngestOut:
        """From the service's result."""
        return cls(
            received=r.received, accepted=r.accepted, duplicates=r.duplicates,
            rejected=r.rejected,
            rejections=[RejectionOut(position=x.position, field=x.field, reason=x.reason)
                        for x in r.rejections],
        )


class EventOut(BaseModel):
    """One event of a timeline; ``occurred_at`` keeps the scanner's UTC offset."""

    code: str
    description: str
    status: Status | None = Field(description="the status the code implies (none for a "
                                  "retraction)")
    occurred_at: datetime
    received_at: datetime | None
    location: str | None
    office: str | None
    source: str
    event_id: str | None
    payload: dict[str, object] | None
    retracted: bool = Field(
        default=False, description="a later retraction event (code SXR) says this event did "
        "not happen: it counts for nothing (docs/events.md, Retractions)")

    @classmethod
    def of(cls, e: TrackingEvent, lang: str, *, retracted: bool = False) -> EventOut:
        """From a domain event, described in ``lang``."""
        code = event_code(e.code)
        assert code is not None
        return cls(
            code=e.code, description=code.names.get(lang, code.names["en"]), status=code.status,
            occurred_at=e.occurred_at, received_at=e.received_at, location=e.location,
            office=e.office, source=e.source, event_id=e.event_id,
            payload=dict(e.payload) if e.payload else None, retracted=retracted,
        )


class ChangeOut(EventOut):
    """One event of the change feed: which object, and its position in the feed."""

    position: int
    object_kind: ObjectKind
    object_id: str


class ChangePageOut(BaseModel):
    """A page of the change feed; ask again with ``after`` (the same when nothing is new)."""

    events: list[ChangeOut]
    after: int

    @classmethod
    def of(cls, page: ChangePage, lang: str = "en") -> ChangePageOut:
        """From the service's page."""
        return cls(events=[ChangeOut(position=n, object_kind=e.object_kind,
                                     object_id=e.object_id,
                                     **EventOut.of(e, lang).model_dump())
                           for n, e in page.events], after=page.after)


class ObjectSummaryOut(BaseModel):
    """An object's standing without its timeline."""

    kind: ObjectKind
    id: str
    status: Status
    status_text: str
    last_code: str
    last_at: datetime
    last_location: str | None
    last_office: str | None
    first_at: datetime
    destination: str | None

    @classmethod
    def of(cls, t: TrackedObject, lang: str = "en") -> ObjectSummaryOut:
        """From the read model."""
        return cls(
            kind=t.object_kind, id=t.object_id, status=t.status,
            status_text=statuses()[t.status].names.get(lang, statuses()[t.status].names["en"]),
            last_code=t.last_code, last_at=t.last_at, last_location=t.last_location,
            last_office=t.last_office, first_at=t.first_at, destination=t.destination,
        )


class ObjectOut(ObjectSummaryOut):
    """An object with its timeline, stuck flag and ETA."""

    stuck: bool
    eta: datetime | None
    earlier_lives: int = Field(description="older items that carried the same reused S10 id")
    timeline: list[EventOut]

    @classmethod
    def of_view(cls, v: ObjectView, lang: str = "en") -> ObjectOut:
        """From the service's view."""
        base = ObjectSummaryOut.of(v.tracked, lang).model_dump()
        return cls(
            **base, stuck=v.stuck, eta=v.eta, earlier_lives=v.earlier_lives,
            timeline=[EventOut.of(e, lang, retracted=r) for e, r
                      in zip(v.timeline, v.retracted or [False] * len(v.timeline), strict=True)],
        )


class ObjectPageOut(BaseModel):
    """One page of objects; pass ``next_cursor`` as ``cursor`` for the next."""

    items: list[ObjectSummaryOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: ObjectPage, lang: str = "en") -> ObjectPageOut:
        """From the service's page."""
        return cls(items=[ObjectSummaryOut.of(t, lang) for t in page.objects],
                   next_cursor=page.next_cursor)
