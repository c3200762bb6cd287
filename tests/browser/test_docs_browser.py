"""The API docs page in a real headless Chromium: Swagger UI from the package, no CDN.

The page runs under the same content security policy as every page (no outside host, no
inline script), so a policy violation or a request to another host would show here: the
operations of the API must be listed, with no console error and every request local.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, FLAGS

pytestmark = pytest.mark.browser


def test_api_docs_render_from_the_package_under_the_policy(
    chromium_path: str, served: tuple[str, list[str]]
) -> None:
    from playwright.sync_api import sync_playwright

    base, _ = served
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=FLAGS)
        page = browser.new_page()
        errors: list[str] = []
        requested: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{base}/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
        browser.close()
    assert any("/api/v1/events" in p for p in paths), paths
    assert errors == []
    assert requested and all(url.startswith(base) for url in requested), requested
