"""RFC 9457 problem details: the one place errors become HTTP.

Every :class:`~silkpost.errors.SilkpostError` maps to a status by its ``kind``; request
validation errors name each field at fault; a body over its limit is a 413; anything else
that escapes a route is a 500 whose traceback is logged under the request's id, which the
answer carries so that a report can be matched to the log. Responses use
``application/problem+json``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from silkpost.errors import SilkpostError

log = logging.getLogger("silkpost.api")

STATUS_BY_KIND = {"invalid": 400, "not_found": 404, "conflict": 409, "unavailable": 503,
                  "unauthenticated": 401, "forbidden": 403, "rate_limited": 429}
# RFC 9110: a 401 says how to authenticate.
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="silkpost"'}
MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One field at fault."""

    field: str
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem, with Silkpost's stable error code and the fields at fault."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldProblem] = []
    request_id: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Malformed request", "content": {MEDIA_TYPE: {}}},
    401: {"model": Problem, "description": "No usable API key", "content": {MEDIA_TYPE: {}}},
    403: {"model": Problem, "description": "The key's role may not do this",
          "content": {MEDIA_TYPE: {}}},
    404: {"model": Problem, "description": "Not found", "content": {MEDIA_TYPE: {}}},
    429: {"model": Problem, "description": "Over the key's rate limit (see Retry-After)",
          "content": {MEDIA_TYPE: {}}},
    413: {"model": Problem, "description": "Request body over its limit",
          "content": {MEDIA_TYPE: {}}},
    422: {"model": Problem, "description": "Invalid parameters", "content": {MEDIA_TYPE: {}}},
    500: {"model": Problem, "description": "Unexpected error (with the request id to quote)",
          "content": {MEDIA_TYPE: {}}},
}


class BodyTooLarge(Exception):
    """A request body went past its limit (raised while it is read)."""

    def __init__(self, limit: int, hint: str = "") -> None:
        super().__init__(f"the request body is over its limit of {limit:,} bytes{hint}")
        self.limit = limit


def problem_response(
    *, status: int, code: str, title: str, detail: str, field: str | None = None,
    errors: list[FieldProblem] | None = None, request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body = Problem(
        type=f"/problems/{code}", title=title, status=status, detail=detail, code=code,
        field=field, errors=errors or ([FieldProblem(field=field, reason=detail)] if field else []),
        request_id=request_id,
    ).model_dump()
    if request_id is None:
        del body["request_id"]
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def too_large(exc: BodyTooLarge) -> JSONResponse:
    """The 413 for a body over its limit."""
    return problem_response(status=413, code="request.too_large",
                            title="Request body too large", detail=str(exc), field="(body)")


def unexpected_error(exc: Exception, request_id: str) -> JSONResponse:
    """The 500 for an error no handler knows: logged with its traceback, answered with the id.

    The answer says nothing of the error itself (it may hold data or paths); the log does.
    """
    log.error("unexpected error in request %s: %s", request_id, type(exc).__name__,
              exc_info=exc)
    return problem_response(
        status=500, code="server.error", title="Internal server error",
        detail=f"an unexpected error; quote request id {request_id} when reporting it",
        request_id=request_id,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn errors into problems."""

    @app.exception_handler(SilkpostError)
    async def _silkpost_error(_: Request, exc: SilkpostError) -> JSONResponse:
        return problem_response(
            status=STATUS_BY_KIND[exc.kind], code=exc.code, title=exc.title,
            detail=exc.detail, field=exc.field,
            headers=CHALLENGE if exc.kind == "unauthenticated" else getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldProblem(
                field=".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
                or "(body)",
                reason=err["msg"],
            )
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e.field}: {e.reason}" for e in errors)
        return problem_response(
            status=422, code="request.invalid", title="Invalid request parameters",
            detail=detail, field=errors[0].field if errors else None, errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            status=exc.status_code, code=f"http.{exc.status_code}", title=str(exc.detail),
            detail=str(exc.detail),
        )
