"""The FastAPI application factory: the routers of every capability on one platform."""

from __future__ import annotations

from fastapi import FastAPI

from silkpost import __version__
from silkpost.api import docs, problems
from silkpost.api.middleware import RequestGuard
from silkpost.api.routers import analytics, health, network, notices, tracking
from silkpost.api.security import SecurityHeaders
from silkpost.bootstrap import Platform, bootstrap
from silkpost.tracking.records import EventRecord
from silkpost.web import dashboard, pages


def create_app(platform: Platform | None = None) -> FastAPI:
    """The HTTP application on ``platform`` (built from the environment when not given)."""
    app = FastAPI(
        title="Silkpost",
        version=__version__,
        summary="Track-and-trace and data exchange for the Silk Road Post corridors",
        docs_url=None,  # served from the package by silkpost.api.docs, not from a CDN
        redoc_url=None,
    )
    app.state.platform = platform or bootstrap()
    problems.install(app)
    app.add_middleware(RequestGuard,
                       max_body_bytes=app.state.platform.settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(tracking.router)
    app.include_router(network.router)
    app.include_router(analytics.router)
    app.include_router(notices.router)
    app.include_router(notices.feed_router)
    app.include_router(pages.router)
    app.include_router(dashboard.router)
    app.mount("/static", pages.static_files(), name="static")
    app.include_router(docs.router)
    app.mount(docs.ASSETS, docs.assets(), name="docs-assets")
    _add_schema(app, "EventRecord", EventRecord)
    _add_security_headers(app)
    return app


def _add_security_headers(app: FastAPI) -> None:
    """CSP without outside hosts, nosniff, no referrer, no framing: on every response."""
    app.add_middleware(SecurityHeaders)


def _add_schema(app: FastAPI, name: str, model: type[EventRecord]) -> None:
    """Publish a model that a route reads by hand (the multi-format event body) in OpenAPI."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components[name] = model.model_json_schema(ref_template="#/components/schemas/{model}")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
