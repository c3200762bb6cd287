"""The outermost layer of every HTTP request: its id, its body limit, its last-resort 500.

Pure ASGI (no ``BaseHTTPMiddleware``), so a streamed body passes through untouched. It sits
inside Starlette's own error middleware, which answers an unexpected error in plain text and
then re-raises it, making uvicorn drop the keep-alive connection: catching the error here,
answering problem+json and not re-raising keeps the connection for the client's next request.
"""

from __future__ import annotations

import re
import uuid

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from silkpost.api.problems import BodyTooLarge, too_large, unexpected_error

REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _request_id(scope: Scope) -> str:
    """The sender's own request id when it is short and plain, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER:
            text: str = value.decode("latin-1")
            if _SANE_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class RequestGuard:
    """Gives each request an id (``X-Request-Id``, also in ``request.state.request_id``),
    holds its body to ``max_body_bytes`` while it is read (Content-Length or not) and turns an
    error that escaped every handler into a 500 problem+json."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = replaced = False
        over: BodyTooLarge | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", ()),
                                                  (REQUEST_ID_HEADER, request_id.encode())]}
            await send(message)

        async def send_guarded(message: Message) -> None:
            # A handler that caught the limit's error (FastAPI's body parsing turns it into
            # a 400) still answers 413: the limit is the cause, whoever words the answer.
            nonlocal replaced
            if replaced:
                return
            if over is not None and message["type"] == "http.response.start":
                replaced = True
                await too_large(over)(scope, receive, send_with_id)
                return
            await send_with_id(message)

        received = 0

        async def receive_limited() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    over = BodyTooLarge(self.max_body_bytes, " (SILKPOST_MAX_BODY_BYTES)")
                    raise over
            return message

        length = _content_length(scope)
        if length is not None and length > self.max_body_bytes:
            over = BodyTooLarge(self.max_body_bytes, " (SILKPOST_MAX_BODY_BYTES)")
            await too_large(over)(scope, receive, send_with_id)
            return
        try:
            await self.app(scope, receive_limited, send_guarded)
        except ClientDisconnect:
            return  # nobody to answer
        except BodyTooLarge as exc:
            if started:
                raise
            await too_large(exc)(scope, receive, send_with_id)
        except Exception as exc:
            if started:
                raise  # half an answer is out: only closing the connection tells the client
            await unexpected_error(exc, request_id)(scope, receive, send_with_id)
