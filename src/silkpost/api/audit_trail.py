"""Writes the audit log from the HTTP side: every state-changing call, every refused key.

Pure ASGI, like the request guard: it lets the request through untouched, notes the status
the answer starts with, and afterwards appends one entry — for a POST, PUT, PATCH or DELETE
whatever its outcome, and for any call answered 401 or 403. A read that succeeds is not
written (the tracking page alone is read millions of times a day). Who called comes from the
access dependency (``request.state.caller``); what a route touched, from the route itself
(``request.state.audit_objects`` and ``audit_counts``). The entry is written after the
answer, in a worker thread, so a slow log never holds a caller back; a failure to write it is
logged, never turned into the caller's error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from silkpost.audit.service import record
from silkpost.domain.audit import AuditEntry
from silkpost.partners.service import Caller

log = logging.getLogger("silkpost.audit")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED = frozenset({401, 403})


class AuditTrail:
    """Appends the audit entry of each call worth one."""

    def __init__(self, app: ASGIApp, *, platform: Any) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            if scope["method"] in WRITES or status in REFUSED:
                entry = _entry(scope, status, self.platform.clock.now)
                await anyio.to_thread.run_sync(self._write, entry)

    def _write(self, entry: AuditEntry) -> None:
        try:
            record(entry, uow=self.platform.audit_uow())
        except Exception:  # the log must not fail the call it records; it says so loudly
            log.exception("could not write the audit entry of %s", entry.action)


def _entry(scope: Scope, status: int, now: Callable[[], Any]) -> AuditEntry:
    state = scope.get("state", {})
    caller: Caller | None = state.get("caller")
    route = scope.get("route")
    path = getattr(route, "path", None) or scope.get("path", "")
    client = scope.get("client")
    return AuditEntry(
        at=now(), action=f"{scope['method']} {path}"[:200], status=status,
        partner=caller.partner.code if caller else None,
        key_id=caller.key_id if caller else state.get("presented_key_id"),
        client=client[0] if client else None, request_id=state.get("request_id"),
        objects=tuple(state.get("audit_objects", ())),
        counts=dict(state.get("audit_counts", {})),
        detail=state.get("audit_detail", ""))
