"""The dashboard on a real day: lists grouped, filtered, paged and downloadable; tiles about
now apart from the period's; numbers in the page's language; an empty period says so."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from silkpost.analytics import service
from silkpost.api.app import create_app
from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.domain.codes import ObjectKind
from silkpost.settings import Settings
from silkpost.sim.scenario import load_scenario
from silkpost.sim.service import simulate
from silkpost.web import dashboard
from silkpost.web.dashboard import _cell
from silkpost.web.numbers import number
from tests.conftest import NOW
from tests.keys import admin_headers

START = (NOW - timedelta(days=6)).date()
PERIOD = {"since": START.isoformat(), "until": NOW.date().isoformat()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Platform]]:
    """Three days of 1,500 parcels ending at the tests' 'now': many in flight, some stuck."""
    path = tmp_path_factory.mktemp("scale") / "silkpost.db"
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=FixedClock(NOW))
    scenario = load_scenario("seeds-2023").with_overrides(
        days=3, parcels_per_day=1500, seed=11, start=START, drain_days=0, end=NOW)
    simulate(scenario, network=platform.network, uow=platform.uow(),
    office_records=platform.simulation_offices())
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        yield client, platform
    platform.dispose()


def _stuck_ids(html: str) -> list[str]:
    section = html[html.index('id="stuck"'):html.index('id="overdue"')]
    return re.findall(r'<tr data-item="([A-Z0-9]+)">', section)


def test_stuck_items_are_grouped_filtered_and_paged(
    served: tuple[TestClient, Platform], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = served
    monkeypatch.setattr(dashboard, "PAGE", 7)
    html = client.get("/dashboard", params={**PERIOD, "lang": "en"}).text
    groups = re.findall(r'<a href="(\?[^"]*status=[^"]*)#stuck"[^>]*>([^<]+)</a></td>'
                        r'<td class="num">([0-9,]+)</td>', html)
    assert groups, "no stuck groups: the scenario should leave some parcels stuck"
    total = int(re.search(r'data-kpi="stuck" data-value="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert sum(int(n.replace(",", "")) for _, _, n in groups) == total
    first = _stuck_ids(html)
    assert len(first) == min(7, total)
    # Page through everything: every stuck item once.
    seen, page_html = list(first), html
    while (nxt := re.search(r'<a rel="next" href="([^"]+)#stuck"', page_html)):
        page_html = client.get("/dashboard" + nxt.group(1).replace("&amp;", "&")).text
        seen += _stuck_ids(page_html)
    assert len(seen) == len(set(seen)) == total
    # One group: only its items, as many as it says.
    query, _, count = max(groups, key=lambda g: int(g[2].replace(",", "")))
    narrowed = client.get("/dashboard" + query.replace("&amp;", "&")).text
    assert "Showing 1–" in narrowed and f"of {count}" in narrowed
    assert 'class="current"><td><a href' in narrowed


def test_the_csv_has_every_stuck_item_of_the_group(served: tuple[TestClient, Platform]) -> None:
    client, _ = served
    html = client.get("/dashboard", params={**PERIOD, "lang": "ru"}).text
    whole = client.get("/dashboard/stuck.csv")
    assert whole.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(whole.text)))
    total = int(re.search(r'data-kpi="stuck" data-value="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert len(rows) == total and len({r["item"] for r in rows}) == total
    office, status = rows[0]["last_office"], rows[0]["status"]
    part = list(csv.DictReader(io.StringIO(client.get(
        "/dashboard/stuck.csv", params={"place": office, "status": status}).text)))
    assert part and all((r["last_office"], r["status"]) == (office, status) for r in part)
    overdue = list(csv.DictReader(io.StringIO(client.get("/dashboard/overdue.csv",
                                                         params=PERIOD).text)))
    assert {"item", "lane", "days_late"} <= set(overdue[0]) if overdue else True


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_a_cell_that_starts_like_a_formula_is_written_as_text(cell: str) -> None:
    assert _cell(cell) == "'" + cell and _cell("CA000000014CN") == "CA000000014CN"


def test_now_and_the_period_are_apart_and_numbers_are_russian(
    served: tuple[TestClient, Platform]
) -> None:
    client, _ = served
    html = client.get("/dashboard", params={**PERIOD, "lang": "ru"}).text
    now = html[html.index('class="tiles-group now"'):html.index('class="tiles-group period"')]
    period = html[html.index('class="tiles-group period"'):html.index('class="asof"')]
    assert all(f'data-kpi="{k}"' in now for k in ("in_flight", "stuck", "overdue"))
    assert all(f'data-kpi="{k}"' in period for k in ("posted", "delivered", "on_time_share"))
    assert "Сейчас" in now and "За период" in period
    posted = re.search(r'data-kpi="posted" data-value="(\d+)">\s*<span class="label">[^<]*'
                       r'</span>\s*<span class="value">([^<]*)</span>', period)
    assert posted and int(posted.group(1)) >= 1000
    assert posted.group(2) == f"{int(posted.group(1)):,}".replace(",", "\xa0")
    lanes = html[html.index('id="lanes"'):html.index('id="stuck"')]
    assert "Дунгуань" in lanes or "→" in lanes
    assert re.search(r'<td title="[A-Z]{6}&gt;[A-Z]{6}">[^<]*→[^<]*</td>', lanes)


def test_an_empty_period_says_there_is_no_data(served: tuple[TestClient, Platform]) -> None:
    client, _ = served
    html = client.get("/dashboard", params={"since": "2026-01-01", "until": "2026-01-31",
                                            "lang": "kk"}).text
    assert "Бұл кезеңде деректер жоқ." in html and 'id="volume"' not in html


LATE_START = (NOW - timedelta(days=16)).date()
LATE = {"since": LATE_START.isoformat(), "until": NOW.date().isoformat()}


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Parcels posted 16 to 14 days ago whose news stopped 12 days ago: many past the promise."""
    path = tmp_path_factory.mktemp("late") / "silkpost.db"
    platform = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=FixedClock(NOW))
    scenario = load_scenario("seeds-2023").with_overrides(
        days=3, parcels_per_day=300, seed=5, start=LATE_START, drain_days=0,
        end=NOW - timedelta(days=12))
    simulate(scenario, network=platform.network, uow=platform.uow(),
    office_records=platform.simulation_offices())
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        yield client
    platform.dispose()


def _overdue_ids(html: str) -> list[str]:
    section = html[html.index('id="overdue"'):]
    return re.findall(r'<tr data-item="([A-Z0-9]+)">', section)


def _follow(client: TestClient, html: str, rel: str, anchor: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)#{anchor}"', html)
    return client.get("/dashboard" + found.group(1).replace("&amp;", "&")).text \
        if found else None


def test_a_later_stuck_page_says_where_it_stands_and_leads_back(
    served: tuple[TestClient, Platform], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = served
    monkeypatch.setattr(dashboard, "PAGE", 7)
    first = client.get("/dashboard", params={**PERIOD, "lang": "en"}).text
    total = int(re.search(r'data-kpi="stuck" data-value="(\d+)"', first).group(1))  # type: ignore[union-attr]
    assert total > 14, "the scenario should leave more than two pages of stuck parcels"
    second = _follow(client, first, "next", "stuck")
    assert second is not None and f"Showing 8–14 of {total:,}" in second
    third = _follow(client, second, "next", "stuck")
    assert third is not None
    back = _follow(client, third, "prev", "stuck")
    assert back is not None and _stuck_ids(back) == _stuck_ids(second)
    assert _stuck_ids(_follow(client, second, "prev", "stuck") or "") == _stuck_ids(first)


def test_the_overdue_list_pages_through_the_apis_items_of_a_lane(
    late: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page comes from the service the API answers from: the lane's group, its pages
    and the API's ``?lane=&offset=`` name the same items."""
    client = late
    monkeypatch.setattr(dashboard, "PAGE", 5)
    html = client.get("/dashboard", params={**LATE, "lang": "en"}).text
    groups = re.findall(r'<a href="(\?[^"]*lane=[^"]*)#overdue" title="([^"]+)">[^<]+</a></td>'
                        r'<td class="num">([0-9,]+)</td>', html)
    assert groups, "the scenario should leave some parcels past their promise"
    query, lane, count = max(groups, key=lambda g: int(g[2].replace(",", "")))
    lane = lane.replace("&gt;", ">")
    api = client.get("/api/v1/analytics/overdue",
                     params={**LATE, "lane": lane, "limit": 1000}).json()
    assert api["total"] == int(count.replace(",", ""))
    page = client.get("/dashboard" + query.replace("&amp;", "&")).text
    seen: list[str] = []
    while page is not None:
        seen += _overdue_ids(page)
        page = _follow(client, page, "next", "overdue")  # type: ignore[assignment]
    assert seen == [r["object_id"] for r in api["rows"]]
    second = client.get("/api/v1/analytics/overdue",
                        params={**LATE, "lane": lane, "limit": 5, "offset": 5}).json()
    assert [r["object_id"] for r in second["rows"]] == seen[5:10]


def test_the_overdue_csv_is_whole_past_one_answers_limit(
    late: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The download asks the service page after page: it holds every overdue item, not the
    first answer's worth."""
    client = late
    monkeypatch.setattr(service, "MAX_OVERDUE", 3)
    total = client.get("/api/v1/analytics/overdue", params={**LATE, "limit": 1}).json()["total"]
    assert total > 3
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/overdue.csv",
                                                      params=LATE).text)))
    assert len(rows) == len({r["item"] for r in rows}) == total


def test_a_wrong_lane_or_page_is_a_page_not_a_crash(served: tuple[TestClient, Platform]) -> None:
    client, _ = served
    bad = client.get("/dashboard", params={"lane": "CNURC", "lang": "ru"})
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]
    assert client.get("/dashboard/overdue.csv", params={"lane": "X"}).status_code == 400
    far = client.get("/dashboard", params={**PERIOD, "overdue_page": 999, "stuck_page": 999,
                                           "lang": "en"})
    assert far.status_code == 200 and "rel=\"prev\"" not in far.text
    assert far.text.count(">← First page</a>") == 2


def test_the_lists_have_a_filter_form_that_keeps_the_period(
    served: tuple[TestClient, Platform],
) -> None:
    """A form per list (place and status; lane) as plain GET: choosing a place alone
    narrows the stuck list to it and keeps the period and the language."""
    client, platform = served
    html = client.get("/dashboard", params={**PERIOD, "lang": "en"}).text
    form = html[html.index('<form method="get" action="/dashboard#stuck"'):]
    form = form[:form.index("</form>")]
    assert f'name="since" value="{PERIOD["since"]}"' in form
    assert 'name="lang" value="en"' in form
    places = re.findall(r'<option value="([A-Z0-9-]+)" title=', form)
    assert places and 'name="status"' in form
    place = places[0]
    narrowed = client.get("/dashboard", params={**PERIOD, "lang": "en", "place": place,
                                                "status": ""}).text
    shown = _stuck_ids(narrowed)
    assert shown
    with platform.uow() as uow:
        assert {uow.events.tracked(ObjectKind.ITEM, i).last_office  # type: ignore[union-attr]
                for i in shown} == {place}
    assert f'<option value="{place}" title="{place}" selected>' in narrowed


def test_the_network_pictures_hover_texts_are_in_the_pages_language(
    served: tuple[TestClient, Platform],
) -> None:
    client, _ = served
    html = client.get("/dashboard", params={**PERIOD, "lang": "ru"}).text
    picture = html[html.index('id="network"'):html.index('id="lanes"')]
    lines = re.findall(r'data-parcels="([0-9.]+)"><title>([^<]+)</title>', picture)
    assert lines
    for parcels, title in lines:
        assert re.fullmatch(r"\S+ · (грузовик|ж/д|авиа) · \d+(,\d)? ч · [\d\xa0]+ отправл\.",
                            title), title
        assert title.endswith(f"{number(float(parcels), 'ru')} отправл.")
    assert "<title>Алматы, ЦМПО-5 (Казпочта) (KZALAA)</title></circle>" in picture
    assert " h · " not in picture and " parcels<" not in picture
