"""Security headers on every response: one ASGI middleware, so no page can forget them.

The pages are server-rendered, their scripts, styles and images come from ``/static`` or are
inline SVG, so the policy can name no outside host and allow no inline script: data shown on
a page that slipped past escaping still cannot run. Framing is refused (no clickjacking of
the operator pages), content types are not sniffed, and no referrer leaks tracking numbers
in URLs to other sites. ``/docs`` (Swagger UI, :mod:`silkpost.api.docs`) runs under the
same policy: its files come from the package.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """Adds the headers above to every HTTP response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(b"content-security-policy", POLICY.encode()),
                   (b"x-content-type-options", b"nosniff"),
                   (b"referrer-policy", b"no-referrer")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in headers if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
