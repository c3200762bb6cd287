"""Tracking endpoints: send events, look up an item, list items by status and place.

An NDJSON or CSV body is stored as it arrives: the event loop reads its chunks into a small
bounded buffer and a worker thread reads records from it and stores them in batches of the
ingest batch size, one transaction each, as ``silkpost import`` does. So memory holds a few
chunks and one batch whatever the body's size, a slow sender holds back only its own worker,
and the loop stays free to answer other requests (``/healthz``) meanwhile. The worker stores
in its own thread (``in_line``), never through a writer process per request: three maximum-size
bodies at once then peaked at 386 MB for the whole server instead of 545 MB with three writer
processes, and /healthz p99 at 21 ms instead of 33 ms, for a quarter less bulk throughput
(``benchmarks/bench_http_load.py``); a large file is for ``silkpost import``.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Annotated, Literal

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from fastapi import APIRouter, Header, Path, Query, Request

from silkpost.api.access import ANY_KEY, WRITE_EVENTS
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import PROBLEM_RESPONSES, BodyTooLarge
from silkpost.api.schemas import ChangePageOut, IngestOut, ObjectOut, ObjectPageOut
from silkpost.bootstrap import Platform
from silkpost.domain.codes import Language, ObjectKind, Status
from silkpost.domain.partners import Role
from silkpost.domain.profiles import InboundProfile
from silkpost.errors import InvalidRequest
from silkpost.network.eta import route_ahead
from silkpost.partners.service import Caller, profile_of
from silkpost.tracking import formats
from silkpost.tracking.formats import Record
from silkpost.tracking.ports import ObjectQuery
from silkpost.tracking.service import (
    MAX_CHANGES,
    IngestResult,
    ObjectNotFound,
    at_own_nodes,
    changes,
    decode_cursor,
    ingest,
    list_objects,
    time_zone,
    track,
)

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
    caller: Annotated[Caller, WRITE_EVENTS],
    label: Annotated[str | None, Header(
        alias="X-Silkpost-Source",
        description="a label under the calling partner (its scanner, office or system): the "
        "events' sender is recorded as PARTNER/label; the partner itself always")] = None,
    timezone: Annotated[str | None, Header(
        alias="X-Silkpost-Timezone",
        description="IANA zone of the times without a UTC offset, e.g. Asia/Almaty")] = None,
    delimiter: Annotated[str | None, Query(
        description="CSV cell delimiter: , ; or tab (default: the header line's; also the "
        "content type's delimiter parameter)")] = None,
) -> IngestOut:
    """Store a batch of events: each bad record is rejected alone, with field and reason.

    The content type's ``charset`` says the body's encoding (utf-8, windows-1251, gb18030).
    A partner with an inbound profile (``silkpost partner profile``) posts its files as its
    system writes them: the profile's columns, codes, places, time format, encoding,
    delimiter and zone apply, unless the request says otherwise.
    """
    profile = profile_of(caller.partner.code, uow=platform.partner_uow())
    media, *params = request.headers.get("content-type", "application/json").split(";")
    media = media.strip().lower()
    fmt = _CONTENT_TYPES.get(media)
    if fmt is None:
        raise InvalidRequest(
            f"content type {media!r} is not one of {', '.join(_CONTENT_TYPES)}",
            field="content-type",
        )
    given = dict(p.partition("=")[::2] for p in params)
    given = {k.strip().lower(): v.strip() for k, v in given.items()}
    codec = formats.encoding_named(
        given.get("charset", profile.encoding if profile else "utf-8"), field="charset")
    if delimiter is None:
        delimiter = given.get("delimiter") or (profile.delimiter if profile else None)
    delim = None if delimiter is None else formats.delimiter_named(delimiter)
    timezone = timezone or (profile.timezone if profile else None)
    zone = None if timezone is None else time_zone(timezone, field="X-Silkpost-Timezone")
    source = sender(caller, label)
    admit = _admission(caller, platform, profile)
    if fmt == "json":
        body = await _read_json_body(request)

        def work() -> IngestResult:
            with _TURN:
                return ingest(admit(formats.read_json(body, whole="(body)", encoding=codec)),
                              uow=platform.uow(), clock=platform.clock, source=source,
                              batch_size=platform.settings.ingest_batch_size, in_line=True,
                              zone=zone, places=platform.place_names())

        result = await anyio.to_thread.run_sync(work)
    else:
        result = await _ingest_stream(request, fmt, platform=platform, source=source,
                                      reading=(delim, codec, zone),
                                      rename=profile.header if profile else None, admit=admit)
    request.state.audit_counts = {"received": result.received, "accepted": result.accepted,
                                  "duplicates": result.duplicates, "rejected": result.rejected}
    return IngestOut.of(result)


def _admission(caller: Caller, platform: Platform, profile: InboundProfile | None
               ) -> Callable[[Iterable[Record]], Iterable[Record]]:
    """What a caller's records go through before validation: its partner's profile (the
    partner's words into Silkpost's), then, for any key but an admin's, the check that each
    is at one of its partner's nodes."""
    def profiled(records: Iterable[Record]) -> Iterable[Record]:
        return records if profile is None else formats.profiled(records, profile)

    if caller.role is Role.ADMIN:
        return profiled
    scope = caller.partner.scope
    nodes = platform.network.nodes
    locodes = frozenset(nodes[n].locode for n in scope.nodes if n in nodes)
    return lambda records: at_own_nodes(profiled(records), scope=scope, locodes=locodes)


_LABEL = re.compile(r"[A-Za-z0-9._-]{1,31}")


def sender(caller: Caller, label: str | None) -> str:
    """The sender recorded on a caller's events: its partner, and the caller's label under
    it. A header can name a scanner or an office, never another partner."""
    if label is None or not label.strip():
        return caller.partner.code
    if not _LABEL.fullmatch(label.strip()):
        raise InvalidRequest("X-Silkpost-Source is a label of 1 to 31 letters, digits, '.', "
                             "'_' or '-' (the sender is the calling partner)",
                             field="X-Silkpost-Source")
    return f"{caller.partner.code}/{label.strip()}"


_TURN = threading.Lock()
"""Bodies take turns at the CPU: a server process works on one body's records at a time.

Records are read and validated in Python, holding the GIL; with three bodies at work the
event loop waited for the GIL behind three threads (/healthz p99 250 ms), with one behind
one. A body whose sender is slow does not hold the turn while it waits for bytes."""
_INGEST_NICE = 10
_BUFFERED_CHUNKS = 16  # chunks (64 KiB from uvicorn) between the loop and the worker


async def _read_json_body(request: Request) -> bytes:
    """The body of a JSON document, held to the JSON limit while it is read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > formats.MAX_JSON_BYTES:
        raise BodyTooLarge(formats.MAX_JSON_BYTES, _JSON_HINT)
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > formats.MAX_JSON_BYTES:
            raise BodyTooLarge(formats.MAX_JSON_BYTES, _JSON_HINT)
        parts.append(chunk)
    return b"".join(parts)


_JSON_HINT = " for a JSON document (parsed whole): send larger batches as NDJSON or CSV"


class _Cut(Exception):
    """The body stopped being read before its end (over its limit, the client went away)."""


def _as_background_work() -> None:
    """Lower the calling thread's CPU priority (Linux: a thread's own nice value).

    Bulk ingest yields the CPU to the requests the loop answers meanwhile (/healthz, item
    lookups); the store's writer process, started from this thread, inherits the priority.
    """
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _INGEST_NICE)


async def _ingest_stream(request: Request, fmt: Literal["ndjson", "csv"], *,
                         platform: Platform, source: str,
                         reading: tuple[str | None, str, tzinfo | None],
                         rename: formats.Rename | None,
                         admit: Callable[[Iterable[Record]], Iterable[Record]]) -> IngestResult:
    """Store a body as it arrives; see the module docstring and :data:`_TURN`.

    ``reading``: the CSV delimiter (None: the header's), the encoding and the zone of times
    without an offset.
    """
    delim, codec, zone = reading
    send, receive = anyio.create_memory_object_stream[bytes](_BUFFERED_CHUNKS)
    token = anyio.lowlevel.current_token()
    finished = anyio.Event()
    outcome: list[IngestResult | Exception] = []
    whole = False  # set by the loop once the body was read to its end
    held = False  # the worker holds the turn (chunks() and work() run in its thread)

    def chunks() -> Iterator[bytes]:
        # The turn is held from a chunk's arrival until the next is asked for (reading its
        # records and, when a batch fills, validating it and handing it to the store), and
        # after the last chunk for the last batch.
        nonlocal held
        while True:
            if held:
                _TURN.release()
                held = False
            try:
                chunk = anyio.from_thread.run(receive.receive, token=token)
            except (anyio.EndOfStream, anyio.ClosedResourceError):
                if not whole:
                    raise _Cut from None  # a part of a line is not a record: stop before it
                chunk = b""
            _TURN.acquire()
            held = True
            if not chunk:
                return
            yield chunk

    def finish() -> None:
        receive.close()  # a sender waiting for room stops waiting
        finished.set()

    def work() -> None:
        _as_background_work()
        try:
            outcome.append(ingest(admit(formats.read_stream(chunks(), fmt, delimiter=delim,
                                                            encoding=codec, rename=rename)),
                                  uow=platform.uow(), clock=platform.clock, source=source,
                                  batch_size=platform.settings.ingest_batch_size,
                                  in_line=True, zone=zone, places=platform.place_names()))
        except Exception as exc:
            outcome.append(exc)
        finally:
            if held:
                _TURN.release()
            anyio.from_thread.run_sync(finish, token=token)

    # Its own thread, not the shared pool: a thread cannot raise its priority back.
    threading.Thread(target=work, name="silkpost-ingest", daemon=True).start()
    try:
        with send:
            async for chunk in request.stream():
                if chunk:
                    await send.send(chunk)
            whole = True
    except (anyio.BrokenResourceError, anyio.ClosedResourceError):
        pass  # the worker stopped early: its outcome says why
    finally:
        with anyio.CancelScope(shield=True):
            await finished.wait()  # stored or not, nothing of this body is in flight after
    [result] = outcome
    if isinstance(result, Exception):
        raise result
    return result


_Payloads = Annotated[bool, Query(
    description="false: leave each event's payload out (a long timeline stays small)")]


def _lookup(platform: PlatformDep, caller: Caller, kind: ObjectKind, object_id: str,
            lang: str, payloads: bool) -> ObjectOut:
    view = track(object_id, uow=platform.uow(), clock=platform.clock, kind=kind,
                 eta=platform.eta)
    if caller.role is not Role.ADMIN:
        nodes, services = route_ahead(platform.network, view.tracked, now=platform.clock.now())
        if not caller.partner.scope.sees(((e.source, e.office) for e in view.timeline),
                                         ahead_nodes=nodes, ahead_services=services):
            # Exactly the answer for an id never seen: a partner learns nothing of others'.
            raise ObjectNotFound(f"no {kind.value} {view.tracked.object_id} is known",
                                 field="id")
    out = ObjectOut.of_view(view, lang)
    if not payloads:
        out.timeline = [e.model_copy(update={"payload": None}) for e in out.timeline]
    return out


@router.get("/events", response_model=ChangePageOut)
def get_changes(
    platform: PlatformDep,
    caller: Annotated[Caller, ANY_KEY],
    after: Annotated[int, Query(ge=0, le=2**62, description="the position to start after "
                                "(0: the start; then the answer's `after`)")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = 100,
    lang: Lang = Language.EN,
) -> ChangePageOut:
    """The change feed: events in the order stored, resumable from any position, for partners
    who cannot receive webhooks. An admin key sees every event; any other key, every event of
    the items its partner sees by their events (docs/partners.md, Isolation)."""
    everyone = caller.role is Role.ADMIN
    page = changes(after, uow=platform.uow(), limit=limit,
                   seen_by=None if everyone else caller.partner.scope)
    return ChangePageOut.of(page, lang)


@router.get("/items/{item_id}", response_model=ObjectOut)
def get_item(
    platform: PlatformDep,
    caller: Annotated[Caller, ANY_KEY],
    item_id: Annotated[str, Path(description="S10 id or another carrier's number")],
    lang: Lang = Language.EN,
    payloads: _Payloads = True,
) -> ObjectOut:
    """An item's status, last known place, ETA and timeline (current life of the id); a
    partner's key sees only the items its partner sees (docs/partners.md, Isolation)."""
    return _lookup(platform, caller, ObjectKind.ITEM, item_id, lang, payloads)


@router.get("/objects/{kind}/{object_id}", response_model=ObjectOut)
def get_object(
    platform: PlatformDep, caller: Annotated[Caller, ANY_KEY], kind: ObjectKind,
    object_id: str, lang: Lang = Language.EN, payloads: _Payloads = True,
) -> ObjectOut:
    """Any tracked object: item, receptacle (S9), dispatch or conveyance."""
    return _lookup(platform, caller, kind, object_id, lang, payloads)


@router.get("/items", response_model=ObjectPageOut)
def get_items(
    platform: PlatformDep,
    caller: Annotated[Caller, ANY_KEY],
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
        seen_by=None if caller.role is Role.ADMIN else caller.partner.scope,
    )
    return ObjectPageOut.of(list_objects(query, uow=platform.uow()), lang)

