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
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeTimedSerializer

from silkpost.api.deps import PlatformDep
from silkpost.api.rate_limits import Decision, RateLimiter
from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind, Role
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


def _checked(request: Request) -> _Checked:
    """The application's cache of checked keys (made on first use; one per app)."""
    state = request.app.state
    cache: _Checked | None = getattr(state, "checked_keys", None)
    if cache is None:
        cache = state.checked_keys = _Checked()
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
    if text is not None:
        request.state.presented_key_id = _key_id(text)
    if text is None:
        key_id = _session_key(request, platform)
        if key_id is None:
            raise NotAuthenticated("an API key is needed: send 'Authorization: Bearer <key>' "
                                   "(or sign in at /signin)", field="authorization")
        return _by_session(key_id, platform)
    cache = _checked(request)
    found = cache.get(text)
    if found is None:
        found = authenticate(text, uow=platform.partner_uow(), clock=platform.clock)
        cache.put(text, found)
    return found


def _key_id(text: str) -> str | None:
    """The id part of something presented as a key, if it has the shape (for the audit)."""
    parts = text.split("_")
    return parts[1] if len(parts) >= 3 and len(parts[1]) == 13 else None


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

    def authorised(request: Request, response: Response, platform: PlatformDep) -> Caller:
        try:
            caller = caller_of(request, platform)
        except NotAuthenticated as exc:
            request.state.audit_detail = exc.detail
            raise
        request.state.caller = caller
        if caller.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise Forbidden(f"a {caller.role.value} key may not do this (needs: {names})",
                            field="authorization")
        limiter = _limiter(request, platform)
        if limiter is not None:
            decision = limiter.take(caller.key_id)
            if not decision.allowed:
                raise RateLimited(decision)
            response.headers.update(decision.headers())
        return caller

    setattr(authorised, ACCESS, allowed)
    return Depends(authorised)


class RateLimited(SilkpostError):
    """The key has made more calls this minute than the limit lets it."""

    code = "auth.rate_limited"
    kind = "rate_limited"
    title = "Too many requests"

    def __init__(self, decision: Decision) -> None:
        super().__init__(f"this key may make {decision.limit} calls a minute; try again in "
                         f"{decision.retry_after_s} s", field="authorization")
        self.headers = decision.headers()


def _limiter(request: Request, platform: Platform) -> RateLimiter | None:
    """The application's rate limiter (made on first use; none when the setting is 0)."""
    state = request.app.state
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is None and platform.settings.rate_limit_per_minute > 0:
        limiter = state.rate_limiter = RateLimiter(platform.settings.rate_limit_per_minute)
    return limiter


class SignInNeeded(Exception):
    """A page asked for without a usable key or session: the answer is the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def allow_page(*roles: Role) -> Any:
    """:func:`allow` for HTML pages: no usable key or session leads to ``/signin`` (and back
    here after), not to a JSON 401."""
    check = allow(*roles).dependency

    def authorised_page(request: Request, response: Response, platform: PlatformDep) -> Caller:
        try:
            return check(request, response, platform)  # type: ignore[no-any-return]
        except NotAuthenticated:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInNeeded(target) from None

    setattr(authorised_page, ACCESS, getattr(check, ACCESS))
    return Depends(authorised_page)


def works_at(caller: Caller, office: str) -> None:
    """Staff work at their partner's offices, admins anywhere: the one rule of the office's
    routes and screens (a 403 naming the office otherwise)."""
    if caller.role is not Role.ADMIN and not caller.partner.operates(office):
        raise Forbidden(f"{caller.partner.code} does not operate {office}: work there is for "
                        "its operator's staff or an admin", field="office")


def _public() -> None:
    """Anyone may call this route, with or without a key."""


setattr(_public, ACCESS, "public")
PUBLIC: Any = Depends(_public)

AdminCaller = Annotated[Caller, allow()]
AnyCaller = Annotated[Caller, allow(*Role)]
# The rules most routes share, named for what they let in.
ANY_KEY: Any = allow(*Role)
READ_FIGURES: Any = allow(Role.VIEWER, Role.OPERATOR)  # dashboards and analytics
READ_FIGURES_PAGE: Any = allow_page(Role.VIEWER, Role.OPERATOR)
WRITE_EVENTS: Any = allow(Role.PARTNER, Role.OPERATOR)
WRITE_NOTICES: Any = allow(Role.PARTNER, Role.OPERATOR)
OFFICE_STAFF: Any = allow(Role.OPERATOR)  # an office's work; works_at() names which office
OFFICE_STAFF_PAGE: Any = allow_page(Role.OPERATOR)
# Declarations are written with a customs broker's partner key and read by it and the
# platform's staff; declarations_of() says whose.
DECLARE: Any = allow(Role.PARTNER)
READ_DECLARATIONS: Any = allow(Role.PARTNER, Role.OPERATOR)


def declarations_of(caller: Caller, named: str | None) -> str | None:
    """Whose declarations a caller works on: a customs broker's key, its own partner's
    (naming another broker is a 403, saying nothing of that broker's); an admin or operator,
    the broker it names, or every broker's (None). A partner key of a post or a carrier is
    refused: declarations are brokers'."""
    if caller.role in (Role.ADMIN, Role.OPERATOR):
        return named.strip().upper() if named and named.strip() else None
    own = caller.partner
    if own.kind is not PartnerKind.CUSTOMS_BROKER:
        raise Forbidden(f"{own.code} is a {own.kind.value}, not a customs broker: "
                        "declarations are for brokers' keys", field="authorization")
    if named is not None and named.strip().upper() != own.code:
        raise Forbidden(f"a key of {own.code} works on {own.code}'s declarations only",
                        field="broker")
    return own.code


@dataclass(frozen=True)
class DeclaredRoute:
    """A route as the application serves it: path with prefixes, methods, dependencies."""

    path: str
    methods: frozenset[str]
    include_in_schema: bool
    dependant: Any


def routes_of(app: FastAPI) -> list[DeclaredRoute]:
    """Every API route of ``app`` as served, through included routers.

    FastAPI from 0.16x keeps included routers as branches resolved lazily; older versions
    copy their routes into the app. Both are read here (by shape: the branches' own class is
    private).
    """
    found: list[DeclaredRoute] = []
    for route in app.routes:
        branch: Any = route
        served = (branch.effective_route_contexts() if hasattr(branch, "effective_route_contexts")
                  else [branch])
        for r in served:
            if getattr(r, "dependant", None) is not None and getattr(r, "methods", None):
                found.append(DeclaredRoute(r.path, frozenset(r.methods), r.include_in_schema,
                                           r.dependant))
    return found


def access_of(route: APIRoute | DeclaredRoute) -> list[object]:
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


