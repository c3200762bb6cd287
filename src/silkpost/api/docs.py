"""The API's documentation, Swagger UI (``/docs``) and ReDoc (``/redoc``), served from the
package, not a CDN.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN and starts it with an inline script:
a server at a border post may have no way out to the internet, and the pages' security policy
(:mod:`silkpost.api.security`) allows neither outside hosts nor inline scripts. Here the
assets come from the ``fastapi-offline`` package, which ships a Swagger UI 5 build (the
version that reads the OpenAPI 3.1 FastAPI writes), and the start-up is a script of its own, so
``/docs`` runs under the same policy as every other page. Only those files of the package are
used, not its application class. URLs are relative, so the page also works behind a proxy that
adds a path.

ReDoc comes from the same package (``redoc.standalone.js``), started by a script of its own.
FastAPI's ReDoc page would link Google Fonts and a CDN; this one names no other host, so
ReDoc uses the system's fonts. Its standalone build styles itself by writing ``<style>``
elements (styled-components), so the ``/redoc`` page alone gets ``style-src 'unsafe-inline'``
(:data:`silkpost.api.security.REDOC_POLICY`); scripts stay ``'self'`` only. ReDoc's search
runs in a worker made from a ``blob:`` URL, which ``script-src 'self'`` refuses: search is
turned off rather than the policy widened (Swagger UI's filter and the browser's find remain).
The build also draws Redocly's logo from their CDN in its sidebar; the copy served here points
that image at the package's favicon, so nothing on the page asks for an outside host.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from silkpost.api.access import PUBLIC

router = APIRouter(include_in_schema=False, dependencies=[PUBLIC])

ASSETS = "/docs/assets"
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Silkpost API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="icon" href="docs/assets/favicon.png">
</head>
<body>
<nav><a href="redoc">ReDoc</a> · <a href="openapi.json">openapi.json</a></nav>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/start.js"></script>
</body>
</html>
"""
_START = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true});
});
"""


REDOC = "/redoc"
_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Silkpost API (ReDoc)</title>
<link rel="icon" href="docs/assets/favicon.png">
</head>
<body>
<nav><a href="docs">Swagger UI</a> · <a href="openapi.json">openapi.json</a></nav>
<div id="redoc"></div>
<script src="redoc/redoc.standalone.js"></script>
<script src="redoc/start.js"></script>
</body>
</html>
"""
_REDOC_START = """window.addEventListener("load", function () {
  Redoc.init("openapi.json", {disableSearch: true}, document.getElementById("redoc"));
});
"""


@router.get("/docs")
def docs_page() -> HTMLResponse:
    """The Swagger UI page."""
    return HTMLResponse(_PAGE)


@router.get("/docs/start.js")
def docs_start() -> Response:
    """The script that starts Swagger UI on the API's OpenAPI document."""
    return Response(_START, media_type="text/javascript")


@router.get(REDOC)
def redoc_page() -> HTMLResponse:
    """The ReDoc page (under :data:`silkpost.api.security.REDOC_POLICY`)."""
    return HTMLResponse(_REDOC_PAGE)


@router.get(f"{REDOC}/start.js")
def redoc_start() -> Response:
    """The script that starts ReDoc on the API's OpenAPI document."""
    return Response(_REDOC_START, media_type="text/javascript")


REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_script() -> str:
    """The package's ReDoc build with its one outside URL (the sidebar logo) made local."""
    script = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_text("utf-8")
    return script.replace(REDOC_LOGO, "docs/assets/favicon.png")


@router.get(f"{REDOC}/redoc.standalone.js")
def redoc_script() -> Response:
    """ReDoc, from the package, without a request to an outside host."""
    return Response(_redoc_script(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


def assets() -> StaticFiles:
    """Swagger UI's and ReDoc's own files, as the package ships them."""
    return StaticFiles(directory=str(files("fastapi_offline") / "static"))
