"""`silkpost demo` stays one command: the link it prints signs the dashboard in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from silkpost.api.access import SESSION_COOKIE
from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli.demo import serving_banner


def test_the_printed_link_signs_in_and_the_key_works(sqlite_platform: Platform) -> None:
    banner = serving_banner(sqlite_platform, "127.0.0.1", 8000, ["CA000000014CN"])
    link = re.search(r"http://127\.0\.0\.1:8000(/signin\?\S+)", banner)
    key = re.search(r"API key\s+(\S+)", banner)
    assert link and key
    with TestClient(create_app(sqlite_platform), follow_redirects=False) as browser:
        assert browser.get("/dashboard").status_code == 303  # not signed in yet
        landing = browser.get(link.group(1).replace("&amp;", "&"))
        assert landing.status_code == 200
        cookie = landing.headers["set-cookie"]
        assert SESSION_COOKIE in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        assert 'http-equiv="refresh"' in landing.text and "/dashboard" in landing.text
        assert browser.get("/dashboard").status_code == 200
    with TestClient(create_app(sqlite_platform)) as api:
        answer = api.get("/api/v1/items", headers={"Authorization": f"Bearer {key.group(1)}"})
        assert answer.status_code == 200
