"""The API's interactive documentation (Swagger UI), served from the package, not a CDN.

FastAPI's own ``/docs`` page loads Swagger UI from a CDN and starts it with an inline script:
a server at a border post may have no way out to the internet, and the pages' security policy
(:mod:`silkpost.api.security`) allows neither outside hosts nor inline scripts. Here the
assets come from the ``fastapi-offline`` package, which ships a Swagger UI 5 build (the
version that reads the OpenAPI 3.1 FastAPI writes), and the start-up is a script of its own, so
``/docs`` runs under the same policy as every other page. Only those files of the package are
used, not its application class. URLs are relative, so the page also works behind a proxy that
adds a path.
"""

from __future__ import annotations

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


@router.get("/docs")
def docs_page() -> HTMLResponse:
    """The Swagger UI page."""
    return HTMLResponse(_PAGE)


@router.get("/docs/start.js")
def docs_start() -> Response:
    """The script that starts Swagger UI on the API's OpenAPI document."""
    return Response(_START, media_type="text/javascript")


def assets() -> StaticFiles:
    """Swagger UI's own files, as the package ships them."""
    return StaticFiles(directory=str(files("fastapi_offline") / "static"))
