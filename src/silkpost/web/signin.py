"""Signing in to the pages: a key once, then a signed session cookie.

A person at the dashboard should not paste a key into every request, and a key in a page's
URL would end up in the browser's history. ``/signin`` takes the key (a form, or once as
``?key=`` from the link ``silkpost demo`` prints), checks it like any API call, and sets a
cookie naming the key's id, signed with ``SILKPOST_SESSION_SECRET``: HttpOnly (no script
reads it), SameSite=Strict (no other site's page sends it), Secure behind HTTPS. The cookie
stops working when its key is revoked or expires, or after 12 hours.

Signing out is a POST carrying a token derived from the session (a page on another site
cannot know it), the one state-changing form of the pages today.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from silkpost.api.access import PUBLIC, SESSION_COOKIE, SESSION_HOURS, sessions
from silkpost.api.deps import PlatformDep
from silkpost.errors import SilkpostError
from silkpost.partners.service import authenticate
from silkpost.web.i18n import LANG_NAMES, negotiate, text
from silkpost.web.pages import TEMPLATES

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[PUBLIC])
MAX_FORM_BYTES = 4096
DEFAULT_NEXT = "/dashboard"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server only (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    return value


def csrf_token(session: str, secret: str) -> str:
    """The sign-out form's token: bound to the session, unknowable to another site."""
    return hmac.new(secret.encode(), f"csrf:{session}".encode(), hashlib.sha256).hexdigest()


def _page(lang: str, *, next_url: str, problem: str | None = None, go_to: str | None = None,
          status: int = 200) -> HTMLResponse:
    def query_for(code: str) -> str:
        return urlencode({"next": next_url, "lang": code})

    html = TEMPLATES.get_template("signin.html").render(
        lang=lang, t=lambda key: text(key, lang), lang_names=LANG_NAMES, next=next_url,
        problem=problem, go_to=go_to, query_for=query_for)
    return HTMLResponse(html, status_code=status,
                        headers={"Content-Language": lang, "Cache-Control": "no-store"})


def _sign_in(request: Request, platform: PlatformDep, key: str, next_url: str,
             lang: str) -> Response:
    try:
        caller = authenticate(key, uow=platform.partner_uow(), clock=platform.clock)
    except SilkpostError as exc:
        reason = text("signin_failed", lang).format(reason=exc.detail)
        return _page(lang, next_url=next_url, problem=reason, status=401)
    cookie = sessions(platform.settings.session_secret).dumps(caller.key_id)
    # A page that moves on by itself, not a redirect: the cookie is then sent on a
    # navigation from this site, which SameSite=Strict allows in every browser.
    answer = _page(lang, next_url=next_url, go_to=next_url)
    secure = request.url.scheme == "https" or (
        platform.settings.public_url or "").startswith("https:")
    answer.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_HOURS * 3600, httponly=True,
                      samesite="strict", secure=secure, path="/")
    return answer


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, platform: PlatformDep, next: str | None = None,
                lang: str | None = None, key: str | None = None,
                accept_language: Annotated[str | None, Header()] = None) -> Response:
    """The sign-in form; with ``?key=`` (the demo's link), sign in at once."""
    chosen = negotiate(lang, accept_language)
    if key:
        return _sign_in(request, platform, key, safe_next(next), chosen)
    return _page(chosen, next_url=safe_next(next))


async def _form(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
    return {k: v[0] for k, v in fields.items()}


@router.post("/signin", response_class=HTMLResponse)
async def signin_form(request: Request, platform: PlatformDep,
                      accept_language: Annotated[str | None, Header()] = None) -> Response:
    """Sign in with the key typed into the form."""
    form = await _form(request)
    chosen = negotiate(form.get("lang"), accept_language)
    return _sign_in(request, platform, form.get("key", ""), safe_next(form.get("next")),
                    chosen)


@router.post("/signout")
async def signout(request: Request, platform: PlatformDep) -> Response:
    """End the session (with the form's token, so no other site can sign you out)."""
    form = await _form(request)
    session = request.cookies.get(SESSION_COOKIE, "")
    expected = csrf_token(session, platform.settings.session_secret)
    if not session or not hmac.compare_digest(form.get("csrf", ""), expected):
        return Response("the sign-out form's token is missing or wrong", status_code=403,
                        media_type="text/plain; charset=utf-8")
    answer = RedirectResponse("/signin", status_code=303)
    answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer
