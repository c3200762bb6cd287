"""Tracking endpoints: send events, look up an item, list items by status and place."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES
from silkpost.api.schemas import IngestOut, ObjectOut, ObjectPageOut
from silkpost.domain.codes import Language, ObjectKind, Status
from silkpost.errors import InvalidRequest
from silkpost.tracking import formats
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import decode_cursor, ingest, list_objects, track

router = APIRouter(prefix="/api/v1", tags=["tracking"], responses=PROBLEM_RESPONSES)

Lang = Language
_CONTENT_TYPES: dict[str, formats.Format] = {
    "application/json": "json",
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "text/csv": "csv",
}
_EVENT_BODY = {
    "requestBody": {
        "required": True,
        "description": "Events as a JSON array, NDJSON (one object per line) or CSV with a "
        "header row. Fields: see docs/events.md.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {
                "$ref": "#/components/schemas/EventRecord"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post("/events", response_model=IngestOut, openapi_extra=_EVENT_BODY)
async def post_events(
    request: Request,
    platform: PlatformDep,
    source: Annotated[str | None, Header(alias="X-Silkpost-Source",
                                         description="who sends the events")] = None,
) -> IngestOut:
    """Store a batch of events: each bad record is rejected alone, with field and reason."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip()
    fmt = _CONTENT_TYPES.get(media)
    if fmt is None:
        raise InvalidRequest(
            f"content type {media!r} is not one of {', '.join(_CONTENT_TYPES)}",
            field="content-type",
        )
    body = await request.body()
    records = list(formats.read_bytes(body, fmt))
    result = await run_in_threadpool(
        ingest, records, uow=platform.uow(), clock=platform.clock, source=source or "api",
        batch_size=max(len(records), 1),
    )
    return IngestOut.of(result)


def _lookup(platform: PlatformDep, kind: ObjectKind, object_id: str, lang: str) -> ObjectOut:
    view = track(object_id, uow=platform.uow(), clock=platform.clock, kind=kind,
                 eta=platform.eta)
    return ObjectOut.of_view(view, lang)


@router.get("/items/{item_id}", response_model=ObjectOut)
def get_item(
    platform: PlatformDep,
    item_id: Annotated[str, Path(description="S10 id or another carrier's number")],
    lang: Lang = Language.EN,
) -> ObjectOut:
    """An item's status, last known place, ETA and timeline (current life of the id)."""
    return _lookup(platform, ObjectKind.ITEM, item_id, lang)


@router.get("/objects/{kind}/{object_id}", response_model=ObjectOut)
def get_object(
    platform: PlatformDep, kind: ObjectKind, object_id: str, lang: Lang = Language.EN
) -> ObjectOut:
    """Any tracked object: item, receptacle (S9), dispatch or conveyance."""
    return _lookup(platform, kind, object_id, lang)


@router.get("/items", response_model=ObjectPageOut)
def get_items(
    platform: PlatformDep,
    status: Status | None = None,
    location: Annotated[str | None, Query(description="UN/LOCODE of the last place")] = None,
    office: Annotated[str | None, Query(description="office or node code")] = None,
    since: Annotated[datetime | None, Query(description="last event at or after")] = None,
    stuck: Annotated[bool, Query(description="only items over their step's threshold")] = False,
    kind: ObjectKind = ObjectKind.ITEM,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
    lang: Lang = Language.EN,
) -> ObjectPageOut:
    """Items by status, place and recency, newest first, one page at a time."""
    if since is not None and since.tzinfo is None:
        raise InvalidRequest("since needs a UTC offset", field="since")
    query = ObjectQuery(
        object_kind=kind, status=status, location=location.upper() if location else None,
        office=office.upper() if office else None, since=since,
        stuck_at=platform.clock.now() if stuck else None, limit=limit,
        after=decode_cursor(cursor) if cursor else None,
    )
    return ObjectPageOut.of(list_objects(query, uow=platform.uow()), lang)

