"""Who may call what: one dependency, declared on every route.

A route says who may call it with exactly one of :data:`PUBLIC` or :func:`allow` (roles).
``tests/e2e/test_access_rules.py`` reads the routes from the application itself and fails on
a route that declares neither, so a new route cannot be open by forgetting.

A caller proves who it is with ``Authorization: Bearer <key>`` (machines) or with the
session cookie the sign-in page sets (people at the dashboard). A key's check is cached
for a few seconds: the timeline lookup should not pay a database round trip for the key on
every call, and a revoked key still stops within :data:`CACHE_SECONDS`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeTimedSerializer

from silkpost.api.deps import PlatformDep
from silkpost.bootstrap import Platform
from silkpost.domain.partners import Role
from silkpost.errors import SilkpostError
from silkpost.partners.errors import NotAuthenticated
from silkpost.partners.service import Caller, authenticate

ACCESS = "__silkpost_access__"
CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000
SESSION_COOKIE = "silkpost_session"
SESSION_HOURS = 12


class Forbidden(SilkpostError):
    """The key is good, but its role may not do this."""

    code = "auth.forbidden"
    kind = "forbidden"
    title = "Forbidden"


class _Checked:
    """Keys checked in the last few seconds, by their text (bounded; oldest dropped)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, Caller]] = {}

    def get(self, text: str) -> Caller | None:
        with self._lock:
            found = self._seen.get(text)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, text: str, caller: Caller) -> None:
        with self._lock:
            if len(self._seen) >= CACHE_SIZE:
                self._seen.pop(next(iter(self._seen)))
            self._seen[text] = (time.monotonic() + CACHE_SECONDS, caller)


def _checked(platform: Platform) -> _Checked:
    cache: _Checked | None = getattr(platform, "_checked_keys", None)
    if cache is None:
        cache = _Checked()
        platform._checked_keys = cache  # type: ignore[attr-defined]
    return cache


def bearer(request: Request) -> str | None:
    """The key of an ``Authorization: Bearer`` header, or None when there is none."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise NotAuthenticated("the Authorization header is 'Bearer <key>'",
                               field="authorization")
    return value.strip()


def sessions(secret: str) -> URLSafeTimedSerializer:
    """Signs and reads the session cookie's value (the key id and the sign-in time)."""
    return URLSafeTimedSerializer(secret, salt="silkpost.session")


def _session_key(request: Request, platform: Platform) -> str | None:
    """The key id a valid session cookie names, or None."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        value = sessions(platform.settings.session_secret).loads(
            raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def caller_of(request: Request, platform: Platform) -> Caller:
    """Who is calling: by bearer key, else by session cookie; NotAuthenticated otherwise."""
    text = bearer(request)
    if text is None:
        key_id = _session_key(request, platform)
        if key_id is None:
            raise NotAuthenticated("an API key is needed: send 'Authorization: Bearer <key>' "
                                   "(or sign in at /signin)", field="authorization")
        return _by_session(key_id, platform)
    cache = _checked(platform)
    found = cache.get(text)
    if found is None:
        found = authenticate(text, uow=platform.partner_uow(), clock=platform.clock)
        cache.put(text, found)
    return found


def _by_session(key_id: str, platform: Platform) -> Caller:
    """The caller of a signed-in session: its key must still be active."""
    with platform.partner_uow() as uow:
        key = uow.keys.get(key_id)
        partner = None if key is None else uow.partners.get(key.partner)
    if key is None or partner is None:
        raise NotAuthenticated("the session's key is not known: sign in again",
                               field="authorization")
    state = key.state_at(platform.clock.now())
    if state != "active":
        raise NotAuthenticated(f"the session's key is {state}: sign in again",
                               field="authorization")
    return Caller(partner=partner, role=key.role, key_id=key.key_id)


def allow(*roles: Role) -> Any:
    """The dependency of a route that ``roles`` (and always ``admin``) may call.

    It answers 401 (with ``WWW-Authenticate``) when there is no usable key and 403 when the
    key's role is not among ``roles``; the caller is the route's value of the dependency and
    is kept on ``request.state.caller`` for the audit log.
    """
    allowed = frozenset((*roles, Role.ADMIN))

    def authorised(request: Request, platform: PlatformDep) -> Caller:
        caller = caller_of(request, platform)
        request.state.caller = caller
        if caller.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"a {caller.role.value} key may not do this (needs: {names})",
                            field="authorization")
        return caller

    setattr(authorised, ACCESS, allowed)
    return Depends(authorised)


def _public() -> None:
    """Anyone may call this route, with or without a key."""


setattr(_public, ACCESS, "public")
PUBLIC: Any = Depends(_public)

AdminCaller = Annotated[Caller, allow()]
AnyCaller = Annotated[Caller, allow(*Role)]


def access_of(route: APIRoute) -> list[object]:
    """The access rules a route declares (for the test that every route has one)."""
    found: list[object] = []
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        call: Callable[..., Any] | None = dependant.call
        if call is not None and hasattr(call, ACCESS):
            found.append(getattr(call, ACCESS))
        stack.extend(dependant.dependencies)
    return found


