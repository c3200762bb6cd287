"""The API docs pages in a real headless Chromium: Swagger UI and ReDoc from the package.

Every request to a host other than the test server is aborted (as on a server at a border
post with no way out), so a page that needed a CDN or Google Fonts would not render: each page
must show a known operation of the API, with no console error and every request local.
``/docs`` runs under the strict policy; ``/redoc`` under the same one plus inline styles
(silkpost.api.security explains why), and the two link to each other.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, FLAGS

pytestmark = pytest.mark.browser

# A known operation: its path as Swagger UI shows it, its summary as ReDoc shows it.
PATH = "/api/v1/routes/pareto"
SUMMARY = "Post Pareto"


def _offline_page(browser: Any, base: str) -> tuple[Any, list[str], list[str], list[str]]:
    """A page whose requests outside ``base`` are aborted and recorded."""
    page = browser.new_page()
    errors: list[str] = []
    requested: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requested.append(r.url))

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    return page, errors, requested, outside


def test_api_docs_render_offline_from_the_package_under_the_policy(
    chromium_path: str, served: tuple[str, list[str]]
) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page, errors, requested, outside = _offline_page(browser, base)
        response = page.goto(f"{base}/docs")
        assert response is not None
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
        page.click("text=ReDoc")  # the link from Swagger UI to ReDoc
        page.wait_for_url(f"{base}/redoc")
        heading = page.locator("h2", has_text=SUMMARY).first
        heading.wait_for(state="visible", timeout=20_000)
        redoc_policy = page.evaluate("() => document.styleSheets.length")
        page.screenshot(path=str(ARTIFACTS / "api-redoc.png"))
        browser.close()
    assert any(PATH in p for p in paths), paths
    assert redoc_policy > 0  # ReDoc's injected styles were allowed: the page is styled
    assert errors == []
    assert outside == []
    assert requested and all(url.startswith(base) for url in requested), requested
