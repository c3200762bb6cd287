"""The dashboard through HTTP: its figures are the analytics API's, in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html import escape

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate
from tests.conftest import NOW
from tests.keys import admin_headers

START = (NOW - timedelta(days=12)).date()
PERIOD = {"since": START.isoformat(), "until": NOW.date().isoformat()}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Two simulated days, twelve days before the tests' 'now' (some parcels still out)."""
    from silkpost.bootstrap import bootstrap
    from silkpost.clock import FixedClock
    from silkpost.settings import Settings

    path = tmp_path_factory.mktemp("dash") / "silkpost.db"
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=FixedClock(NOW))
    assert platform.network is not None
    scenario = load_scenario("seeds-2023").with_overrides(
        days=2, parcels_per_day=400, seed=5, start=START, drain_days=20)
    simulate(scenario, network=platform.network, uow=platform.uow(),
    office_records=platform.simulation_offices())
    with TestClient(create_app(platform), headers=admin_headers(platform)) as c:
        yield c
    platform.dispose()


def tiles(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-kpi="([a-z_0-9]+)" data-value="([^"]*)"', html))


@pytest.mark.parametrize("lang", ["en", "zh", "ru", "kk"])
def test_tiles_equal_the_summary_api(client: TestClient, lang: str) -> None:
    """Every tile's value is the summary endpoint's figure for the same period."""
    api = client.get("/api/v1/analytics/summary", params=PERIOD).json()
    page = client.get("/dashboard", params={**PERIOD, "lang": lang})
    assert page.status_code == 200 and page.headers["content-language"] == lang
    shown = tiles(page.text)
    assert set(shown) >= {"posted", "delivered", "stuck", "overdue", "p50_days",
                          "on_time_share", "customs_p50_hours", "in_flight", "weight_kg"}
    for key, value in shown.items():
        expected = api[key]
        assert value == ("" if expected is None else str(expected)), key
    assert api["posted"] == 800


def test_lanes_table_and_volume_chart_equal_the_api(client: TestClient) -> None:
    """Each lane row and each day's bar carry the API's numbers."""
    html = client.get("/dashboard", params=PERIOD).text
    for lane in client.get("/api/v1/analytics/lanes", params=PERIOD).json()["rows"]:
        attribute = re.escape(escape(lane["lane"]))
        row = re.search(rf'<tr data-lane="{attribute}">(.*?)</tr>', html, re.S)
        assert row is not None, lane["lane"]
        assert f'data-field="posted" data-value="{lane["posted"]}"' in row.group(1)
        assert f'data-field="delivered" data-value="{lane["delivered"]}"' in row.group(1)
        assert f'data-field="in_flight" data-value="{lane["in_flight"]}"' in row.group(1)
    volumes = client.get("/api/v1/analytics/volumes", params=PERIOD).json()
    posted_bars = dict(re.findall(
        r'data-series="Posted" data-category="([0-9-]+)" data-value="([0-9.]+)"', html))
    assert posted_bars == {d["day"]: f'{d["posted"]:g}' for d in volumes["days"]}


def test_stuck_and_overdue_tables_link_to_timelines(client: TestClient) -> None:
    """The stuck list is the API's stuck items; every listed item links to its timeline."""
    html = client.get("/dashboard", params=PERIOD).text
    stuck_api = client.get("/api/v1/items", params={"stuck": "true", "limit": 20}).json()
    section = html.split('id="stuck"')[1].split("</section>")[0]
    listed = re.findall(r'<tr data-item="([^"]+)">', section)
    assert listed == [i["id"] for i in stuck_api["items"]]
    overdue = client.get("/api/v1/analytics/overdue", params={**PERIOD, "limit": 20}).json()
    section = html.split('id="overdue"')[1].split("</section>")[0]
    assert re.findall(r'<tr data-item="([^"]+)">', section) == [
        r["object_id"] for r in overdue["rows"]]
    for item in listed[:3]:
        assert f'href="/track?id={item}&amp;lang=en"' in html or f'/track?id={item}' in html


def test_page_is_self_contained(client: TestClient) -> None:
    """No script or stylesheet from elsewhere: everything comes from this server."""
    html = client.get("/dashboard", params=PERIOD).text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/static/dashboard.css").status_code == 200
    assert html.count("<svg") >= 5


@pytest.mark.parametrize(("params", "says"), [
    ({"since": "2026-11-20", "until": "2026-11-01", "lang": "ru"}, "Этот период нельзя"),
    ({"since": "yesterday", "lang": "zh"}, "无法显示此期间"),
    ({"since": "2025-01-01", "until": "2026-11-01", "lang": "kk"}, "Бұл кезеңді"),
    ({"status": "teleported", "lang": "en"}, "This list cannot be shown: unknown status"),
    ({"stuck_page": "0", "lang": "ru"}, "Этот список нельзя показать: stuck_page"),
    ({"overdue_page": "two", "lang": "zh"}, "无法显示此列表：overdue_page"),
    ({"lane": "CNURC", "lang": "kk"}, "Бұл тізімді көрсету мүмкін емес"),
    ({"refresh": "-5", "lang": "en"}, "refresh must be a whole number from 0 to 3600"),
])
def test_a_wrong_period_is_an_html_page_in_the_page_language(
    client: TestClient, params: dict[str, str], says: str
) -> None:
    """A period that cannot be shown is a 400 page in the page's language, with what to do
    and a way back; the JSON API keeps its problem+json."""
    r = client.get("/dashboard", params=params)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert says in r.text and 'href="/dashboard?lang=' in r.text
    assert r.headers["content-language"] == params["lang"]
    r = client.get("/api/v1/analytics/lanes", params={"since": "yesterday"})
    assert r.status_code in (400, 422) and "since" in r.json()["detail"]


def test_the_address_alone_leads_to_the_dashboard(client: TestClient) -> None:
    r = client.get("/?lang=kk", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/dashboard?lang=kk"


def test_in_memory_platform_says_analytics_needs_sql(memory_platform: Platform) -> None:
    """Without a SQL store the API answers 503 with a reason, the page says so."""
    with TestClient(create_app(memory_platform), headers=admin_headers(memory_platform)) as c:
        r = c.get("/api/v1/analytics/summary")
        assert r.status_code == 503 and r.json()["code"] == "analytics.unavailable"
        assert "Analytics needs a SQL store" in c.get("/dashboard?lang=en").text


def test_wall_screen_reloads_itself_when_asked(client: TestClient) -> None:
    """refresh=60 adds a reload every 60 s and keeps it in the language links; a negative
    period is refused naming the parameter."""
    page = client.get("/dashboard", params={"refresh": 60, "lang": "ru"}).text
    assert '<meta http-equiv="refresh" content="60">' in page
    assert "refresh=60" in page.split('hreflang="zh"')[0].rsplit("<a ", 1)[1]
    assert "http-equiv" not in client.get("/dashboard").text
    bad = client.get("/dashboard", params={"refresh": -5})
    assert bad.status_code in (400, 422) and "refresh" in bad.text


def test_clearance_per_regime_chart_equals_the_api(client: TestClient) -> None:
    """The chart of clearance per port and regime draws the API's by-regime medians for the
    busiest ports, every regime of each."""
    html = client.get("/dashboard", params=PERIOD).text
    section = re.search(r'<section class="card" id="customs-regime">(.*?)</section>', html, re.S)
    assert section is not None
    bars = re.findall(r'data-category="([^"]*)" data-value="([0-9.]+)"', section.group(1))
    ports = client.get("/api/v1/analytics/customs", params=PERIOD).json()["rows"]
    rows = client.get("/api/v1/analytics/customs",
                      params={**PERIOD, "by_regime": "true"}).json()["rows"]
    busiest = [p["office"] for p in ports[:4]]
    expected = [(r["office"], r["regime"], f'{r["p50_hours"]:g}') for r in rows
                if r["office"] in busiest and r["p50_hours"] is not None]
    assert len(bars) == len(expected) > 4
    regimes = {category.split(" · ", 1)[0] for category, _ in bars}
    assert regimes == {"9610", "9710", "9810", "1210"}
    assert sorted((c.split(" · ", 1)[0], v) for c, v in bars) == sorted(
        (regime, value) for _, regime, value in expected)
