"""The FastAPI application factory: the routers of every capability on one platform."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from silkpost import __version__
from silkpost.api import docs, problems
from silkpost.api.access import SignInNeeded
from silkpost.api.audit_trail import AuditTrail
from silkpost.api.middleware import RequestGuard
from silkpost.api.office_schemas import PreAdviceIn
from silkpost.api.routers import (
    acceptance,
    analytics,
    audit,
    declarations,
    health,
    network,
    notices,
    office,
    outbound,
    tracking,
    webhooks,
)
from silkpost.api.security import SecurityHeaders
from silkpost.bootstrap import Platform, bootstrap
from silkpost.tracking.records import EventRecord
from silkpost.web import dashboard, office_scan, pages, signin


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
    _send_to_sign_in(app)
    app.add_middleware(AuditTrail, platform=app.state.platform)
    app.add_middleware(RequestGuard,
                       max_body_bytes=app.state.platform.settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(tracking.router)
    app.include_router(network.router)
    app.include_router(analytics.router)
    app.include_router(notices.router)
    app.include_router(office.router)
    app.include_router(audit.router)
    app.include_router(webhooks.router)
    app.include_router(outbound.router)
    app.include_router(acceptance.router)
    app.include_router(declarations.router)
    app.include_router(notices.feed_router)
    app.include_router(pages.router)
    app.include_router(dashboard.router)
    app.include_router(signin.router)
    app.include_router(office_scan.router)
    app.mount("/static", pages.static_files(), name="static")
    app.include_router(docs.router)
    app.mount(docs.ASSETS, docs.assets(), name="docs-assets")
    _add_schemas(app, {"EventRecord": EventRecord, "PreAdviceIn": PreAdviceIn})
    _add_security_headers(app)
    return app


def _send_to_sign_in(app: FastAPI) -> None:
    """A page asked for without a session goes to the sign-in page, and back after."""

    @app.exception_handler(SignInNeeded)
    async def _sign_in(_: Request, exc: SignInNeeded) -> RedirectResponse:
        return RedirectResponse(f"/signin?{urlencode({'next': exc.next_url})}", status_code=303)


def _add_security_headers(app: FastAPI) -> None:
    """CSP without outside hosts, nosniff, no referrer, no framing: on every response."""
    app.add_middleware(SecurityHeaders)


def _add_schemas(app: FastAPI, models: dict[str, type[BaseModel]]) -> None:
    """Publish models that routes read by hand (the multi-format event body, the bounded
    pre-advice body) in OpenAPI, the models they refer to beside them."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in models.items():
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for inner, definition in found.pop("$defs", {}).items():
                components.setdefault(inner, definition)
            components[name] = found
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
