"""The public tracking page: languages, same figures as the API, nothing private."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.web.i18n import negotiate
from tests.factories import event

EVENTS = [
    event(code="EMA", at="2026-11-20T10:00:00+08:00", location="CNDGG", office="CNDGGA",
          source="secret-partner", payload={"destination": "KZALAA", "buyer": "Ivanov"}),
    event(code="EMB", at="2026-11-23T10:00:00+08:00", location="CNURM", office="CNURCA",
          source="secret-partner"),
]


@pytest.fixture
def client(sqlite_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_platform)) as c:
        c.post("/api/v1/events", json=EVENTS)
        yield c


@pytest.mark.parametrize(("header", "lang"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("ru-RU,ru;q=0.9", "ru"), ("kk-KZ", "kk"),
    ("fr-FR,de;q=0.5", "en"), ("en;q=0.2,ru;q=0.8", "ru"), (None, "en")])
def test_language_follows_accept_language(header: str | None, lang: str) -> None:
    """The best supported language of the header wins; English otherwise."""
    assert negotiate(None, header) == lang
    assert negotiate("kk", header) == "kk"


@pytest.mark.parametrize("lang", ["zh", "en", "ru", "kk"])
def test_page_shows_the_api_status_in_each_language(client: TestClient, lang: str) -> None:
    """Status text and ETA on the page are the API's for the same language."""
    api = client.get("/api/v1/items/CA000000014CN", params={"lang": lang}).json()
    page = client.get("/track", params={"id": "CA000000014CN", "lang": lang})
    assert page.status_code == 200 and page.headers["content-language"] == lang
    assert f'data-status="{api["status"]}">{api["status_text"]}<' in page.text
    assert api["eta"] is not None and f'data-eta="{api["eta"].replace("Z", "+00:00")}"' in page.text


def test_page_hides_partner_and_personal_data(client: TestClient) -> None:
    """Payloads and sources stay off the public page."""
    page = client.get("/track", params={"id": "CA000000014CN"}).text
    assert "secret-partner" not in page and "Ivanov" not in page and "destination" not in page
    assert "Urumqi international mail exchange office" in page  # a place by name, not code


def test_several_ids_and_bad_ones(client: TestClient) -> None:
    """Several ids in one field; unknown and invalid ids say so, the others still show."""
    page = client.get("/track", params={"id": "CA000000014CN, CA000000028CN RR123456789CN",
                                        "lang": "en"}).text
    assert page.count('class="parcel"') == 3
    assert 'data-error="not_found"' in page and 'data-error="invalid"' in page
    assert 'data-status="at_office_of_exchange"' in page


def test_assets_are_served_locally(client: TestClient) -> None:
    """The stylesheet comes from the app itself; the page loads nothing from elsewhere."""
    page = client.get("/track").text
    assert client.get("/static/track.css").status_code == 200
    assert "http://" not in page and "https://" not in page


def notice(client: TestClient, nodes: list[str], title: str, *, publish: bool = True) -> str:
    r = client.post("/api/v1/notices", json={
        "title": {"en": title, "ru": f"{title} (ru)"}, "severity": "disruption",
        "nodes": nodes, "valid_from": "2026-11-24T00:00:00+00:00",
        "valid_until": "2026-11-30T00:00:00+00:00", "publish": publish})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_notices_about_the_route_show_on_the_parcel(client: TestClient) -> None:
    """A published notice about a place the parcel passed or still has to pass shows on its
    card, in the page's language; one about elsewhere, a draft or a withdrawn one does not."""
    ahead = notice(client, ["CNHRS-XS"], "Khorgos closed")  # on the way Urumqi → Almaty
    passed = notice(client, ["CNDGGA"], "Dongguan late")
    elsewhere = notice(client, ["RUMOWA"], "Moscow strike")
    draft = notice(client, ["CNURCA"], "Urumqi draft", publish=False)
    gone = notice(client, ["KZALAA"], "Almaty withdrawn")
    assert client.post(f"/api/v1/notices/{gone}/withdraw").status_code == 200
    page = client.get("/track", params={"id": "CA000000014CN", "lang": "ru"}).text
    shown = set(re.findall(r'data-notice="([^"]+)"', page))
    assert shown == {ahead, passed}, (shown, elsewhere, draft)
    assert "Khorgos closed (ru)" in page
    dashboard = client.get("/dashboard", params={"lang": "en"}).text
    assert set(re.findall(r'data-notice="([^"]+)"', dashboard)) == {ahead, passed, elsewhere}
