"""Security headers on every response: one ASGI middleware, so no page can forget them.

The pages are server-rendered, their scripts, styles and images come from ``/static`` or are
inline SVG, so the policy can name no outside host and allow no inline script: data shown on
a page that slipped past escaping still cannot run. Framing is refused (no clickjacking of
the operator pages), content types are not sniffed, and no referrer leaks tracking numbers
in URLs to other sites. ``/docs`` (Swagger UI, :mod:`silkpost.api.docs`) runs under the
same policy: its files come from the package.

One exception, and only one: the ReDoc page (``/redoc`` and its scripts). ReDoc's standalone
build, the only offline build there is, styles itself by injecting ``<style>`` elements at run
time (styled-components), which ``style-src 'self'`` blocks, leaving a page that never shows
its operations. That page alone allows inline styles; it still allows no inline script and no
outside host, and the pages that show partners' data keep the strict policy. An injected
style cannot run code; the worst it can do on a page that shows only the API's own OpenAPI
document is change how it looks.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
REDOC_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
REDOC_PATHS = ("/redoc", "/redoc/start.js", "/redoc/redoc.standalone.js")


def policy_for(path: str) -> str:
    """The policy of the response at ``path``: the strict one everywhere but ReDoc's page.

    >>> "unsafe-inline" in policy_for("/redoc"), "unsafe-inline" in policy_for("/track")
    (True, False)
    >>> "unsafe-inline" in policy_for("/redoc/../track"), "https:" in policy_for("/redoc")
    (False, False)
    """
    return REDOC_POLICY if path in REDOC_PATHS else POLICY


class SecurityHeaders:
    """Adds the headers above to every HTTP response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(b"content-security-policy", policy_for(scope["path"]).encode()),
                   (b"x-content-type-options", b"nosniff"),
                   (b"referrer-policy", b"no-referrer")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in headers if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
