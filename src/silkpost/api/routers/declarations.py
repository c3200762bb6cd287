"""Declarations endpoints: a customs broker sends declarations; brokers read their own, the
platform's staff every broker's.

A body is a JSON array of declarations (or ``{"declarations": [...]}``), read as
``silkpost customs declare`` reads a JSON file, held to :data:`MAX_BODY_BYTES` while it is
read and to :data:`MAX_RECORDS` declarations, and stored in one transaction: every record gets
its result, in order, and a record is stored whole or not at all. Another broker's reference
is answered exactly as a reference nobody used (404), so references do not leak.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request

from silkpost.api.access import DECLARE, READ_DECLARATIONS, declarations_of
from silkpost.api.declaration_schemas import DeclarationOut, DeclarationPageOut, DeclareOut
from silkpost.api.deps import PlatformDep
from silkpost.api.problems import MEDIA_TYPE as PROBLEM
from silkpost.api.problems import PROBLEM_RESPONSES, BodyTooLarge, Problem
from silkpost.customs.declarations import (
    MAX_LIST,
    DeclareReport,
    Outcome,
    declare,
    decode_cursor,
    get_declaration,
    list_declarations,
)
from silkpost.customs.errors import TooManyDeclarations
from silkpost.customs.files import Item, read_declarations
from silkpost.customs.ports import DeclarationQuery
from silkpost.domain.customs import Regime
from silkpost.domain.declarations import DeclarationStatus
from silkpost.errors import InvalidRequest
from silkpost.partners.service import Caller
from silkpost.tracking import formats

MAX_RECORDS = 1000  # declarations in one body: one transaction, answered record by record
MAX_BODY_BYTES = 8 * 1024 * 1024  # 1,000 declarations of a few lines each fit many times
_HINT = f" for a body of declarations (at most {MAX_RECORDS:,}): send more in several"

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **PROBLEM_RESPONSES,
    409: {"model": Problem, "description": "The reference is several brokers': name one",
          "content": {PROBLEM: {}}},
}
_BODY = {
    "requestBody": {
        "required": True,
        "description": f"1 to {MAX_RECORDS} declarations as a JSON array (or an object with "
        "a `declarations` array). Fields: see docs/customs.md.",
        "content": {"application/json": {"schema": {
            "type": "array", "maxItems": MAX_RECORDS, "items": {"type": "object"}}}},
    }
}
router = APIRouter(prefix="/api/v1/declarations", tags=["customs"], responses=_RESPONSES)

Broker = Annotated[str | None, Query(
    max_length=32, description="the broker's partner code (an admin's or operator's choice; "
    "a broker's key is its own partner's)")]
Reference = Annotated[str, Path(min_length=1, max_length=64, description="the broker's "
                                "reference of the declaration", examples=["D-0001"])]


async def _body(request: Request) -> bytes:
    """The body, read to at most :data:`MAX_BODY_BYTES` (413 past it)."""
    media = request.headers.get("content-type", "application/json").split(";")[0]
    if media.strip().lower() != "application/json":
        raise InvalidRequest(f"content type {media.strip()!r} is not application/json",
                             field="content-type")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge(MAX_BODY_BYTES, _HINT)
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge(MAX_BODY_BYTES, _HINT)
        parts.append(chunk)
    return b"".join(parts)


def _records(body: bytes) -> list[Item]:
    """The body's records (each non-object one refused alone), at most MAX_RECORDS."""
    try:
        items = list(read_declarations([body], "json"))
    except formats.UnreadableFile as exc:  # the file reader's words, about this body
        raise InvalidRequest(exc.detail, field="(body)") from None
    if not items:
        raise TooManyDeclarations("the body holds no declaration", field="(body)")
    if len(items) > MAX_RECORDS:
        raise TooManyDeclarations(f"{len(items):,} declarations in one body, at most "
                                  f"{MAX_RECORDS:,}: send them in several", field="(body)")
    return items


@router.post("", response_model=DeclareOut, openapi_extra=_BODY)
async def post_declarations(request: Request, platform: PlatformDep,
                            caller: Annotated[Caller, DECLARE], broker: Broker = None
                            ) -> DeclareOut:
    """Store a broker's declarations: each is checked as ``silkpost customs check`` checks
    it and answered alone (stored, duplicate, conflict naming ``reference``, or refused with
    every problem by field path); the same declaration sent again is stored once."""
    whose = declarations_of(caller, broker)
    if whose is None:
        raise InvalidRequest("name the broker whose declarations these are: ?broker=CODE",
                             field="broker")
    items = _records(await _body(request))

    def work() -> DeclareReport:
        return declare(items, broker=whose, uow=platform.declaration_uow(),
                       clock=platform.clock, batch_size=MAX_RECORDS)

    report = await anyio.to_thread.run_sync(work)
    # Whose, and what was stored (the audit entry keeps the first few).
    request.state.audit_objects = [whose, *(r.reference for r in report.results
                                            if r.outcome is Outcome.STORED and r.reference)]
    request.state.audit_counts = {"received": report.received, "stored": report.stored,
                                  "duplicates": report.duplicates,
                                  "conflicts": report.conflicts, "refused": report.refused}
    return DeclareOut.of(report)


@router.get("", response_model=DeclarationPageOut)
def get_declarations(
    platform: PlatformDep,
    caller: Annotated[Caller, READ_DECLARATIONS],
    broker: Broker = None,
    regime: Regime | None = None,
    status: Annotated[DeclarationStatus | None, Query(description="status now")] = None,
    since: Annotated[datetime | None, Query(description="received at or after (with its "
                                            "UTC offset)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 100,
    cursor: Annotated[str | None, Query(max_length=200, description="the previous page's "
                                        "next_cursor")] = None,
) -> DeclarationPageOut:
    """Declarations, most recently received first, one page at a time: a broker's key sees
    its own, an admin's or operator's every broker's (or the one named)."""
    if since is not None and since.tzinfo is None:
        raise InvalidRequest("since needs a UTC offset", field="since")
    query = DeclarationQuery(
        broker=declarations_of(caller, broker), regime=None if regime is None else regime.value,
        status=status, since=since, limit=limit,
        after=None if cursor is None else decode_cursor(cursor))
    return DeclarationPageOut.of(list_declarations(query, uow=platform.declaration_reader()))


# A reference may hold "/" (D-2026/001): the path converter takes the rest of the path.
@router.get("/{reference:path}", response_model=DeclarationOut)
def get_one(platform: PlatformDep, caller: Annotated[Caller, READ_DECLARATIONS],
            reference: Reference, broker: Broker = None) -> DeclarationOut:
    """One declaration: a broker's own by its reference (another broker's is a 404, as one
    nobody used); an admin or operator names the broker when several used the reference."""
    found = get_declaration(reference, broker=declarations_of(caller, broker),
                            uow=platform.declaration_reader())
    return DeclarationOut.of(found)
