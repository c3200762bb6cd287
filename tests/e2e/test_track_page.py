"""The public tracking page: languages, same figures as the API, nothing private."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from silkpost.api.app import create_app
from silkpost.bootstrap import NoticesUnavailable, Platform
from silkpost.domain import s10
from silkpost.web.i18n import negotiate
from tests.factories import event
from tests.keys import admin_headers

DELIVERED, ATTEMPTED = s10.build("CA", 3, "CN"), s10.build("CA", 4, "CN")
ALMATY = {"location": "KZALA", "office": "KZALAA"}
EVENTS = [
    event(code="EMA", at="2026-11-20T10:00:00+08:00", location="CNDGG", office="CNDGGA",
          source="secret-partner", payload={"destination": "KZALAA", "buyer": "Ivanov"}),
    event(code="EMB", at="2026-11-23T10:00:00+08:00", location="CNURM", office="CNURCA",
          source="secret-partner"),
    event(DELIVERED, "EMA", "2026-11-18T10:00:00+08:00", location="CNDGG", office="CNDGGA",
          payload={"destination": "KZALAA"}),
    event(DELIVERED, "EXA", "2026-11-19T10:00:00+08:00", location="CNURM", office="CNURCA"),
    event(DELIVERED, "SBX", "2026-11-20T10:00:00+05:00", location="KZKHO"),
    event(DELIVERED, "EMD", "2026-11-21T10:00:00+05:00", **ALMATY),
    event(DELIVERED, "EDG", "2026-11-22T09:00:00+05:00", **ALMATY),
    event(DELIVERED, "EMI", "2026-11-22T15:00:00+05:00", **ALMATY),
    event(ATTEMPTED, "EMA", "2026-11-19T10:00:00+08:00", location="CNDGG", office="CNDGGA",
          payload={"destination": "KZALAA"}),
    event(ATTEMPTED, "EMD", "2026-11-22T10:00:00+05:00", **ALMATY),
    event(ATTEMPTED, "EDG", "2026-11-24T09:00:00+05:00", **ALMATY),
    event(ATTEMPTED, "EMH", "2026-11-24T14:00:00+05:00", **ALMATY),
]


@pytest.fixture
def client(sqlite_platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_platform), headers=admin_headers(sqlite_platform)) as c:
        r = c.post("/api/v1/events", json=EVENTS)
        assert r.json()["accepted"] == len(EVENTS), r.text
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


def test_notices_show_only_while_they_can_concern_the_parcel(client: TestClient) -> None:
    """A published notice about where the parcel is now or a place still ahead shows on its
    card, in the page's language; one about a place it has passed, elsewhere, a draft or a
    withdrawn one does not; a delivered parcel shows none (the dashboard shows them all)."""
    ahead = notice(client, ["CNHRS-XS"], "Khorgos closed")  # on the way Urumqi → Almaty
    here = notice(client, ["CNURCA"], "Urumqi slow")  # where the parcel is now
    passed = notice(client, ["CNDGGA"], "Dongguan late")
    elsewhere = notice(client, ["RUMOWA"], "Moscow strike")
    draft = notice(client, ["CNURCA"], "Urumqi draft", publish=False)
    gone = notice(client, ["KZALAA"], "Almaty withdrawn")
    assert client.post(f"/api/v1/notices/{gone}/withdraw").status_code == 200
    almaty = notice(client, ["KZALAA"], "Almaty slow")  # ahead, but not for a delivered one
    page = client.get("/track", params={"id": "CA000000014CN", "lang": "ru"}).text
    shown = set(re.findall(r'data-notice="([^"]+)"', page))
    assert shown == {ahead, here, almaty}, (shown, passed, elsewhere, draft)
    assert "Khorgos closed (ru)" in page
    delivered = client.get("/track", params={"id": DELIVERED, "lang": "ru"}).text
    assert 'data-status="delivered"' in delivered and "data-notice" not in delivered
    dashboard = client.get("/dashboard", params={"lang": "en"}).text
    assert set(re.findall(r'data-notice="([^"]+)"', dashboard)) == {
        ahead, here, passed, elsewhere, almaty}


def card_of(page: str, item_id: str) -> str:
    """The HTML of one parcel's card."""
    found = re.search(rf'<section class="parcel" data-id="{item_id}">(.*?)</section>', page,
                      re.S)
    assert found, item_id
    return found.group(1)


def visible(html: str) -> str:
    """The text a reader sees: tags, attributes and the page head left out."""
    body = html.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def steps_of(card: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="(\w+)" data-step="(\w+)"', card)


def test_the_step_bar_days_and_latest_event(client: TestClient) -> None:
    """Each parcel shows its step (posted for one at Urumqi, all done once delivered), its days
    in transit (posting to delivery, or to now), the latest event first and the rest folded."""
    page = client.get("/track", params={"id": f"CA000000014CN {DELIVERED}", "lang": "ru"}).text
    moving = card_of(page, "CA000000014CN")
    assert steps_of(moving) == [("current", "posted"), ("ahead", "export_customs"),
                                ("ahead", "border"), ("ahead", "import_customs"),
                                ("ahead", "out_for_delivery"), ("ahead", "delivered")]
    assert '<dd class="days">4</dd>' in moving  # 20 Nov 02:00 UTC to now, 24 Nov 12:00 UTC
    assert re.search(r'<div class="latest" data-code="EMB">.*Урумчи', moving, re.S)
    history = moving.split('<details class="history">', 1)[1]
    assert "Предыдущие события (1)" in history and 'data-code="EMA"' in history
    assert 'data-code="EMB"' not in history and "open" not in history.split(">", 1)[0]
    done = card_of(page, DELIVERED)
    assert [state for state, _ in steps_of(done)] == ["done"] * 5 + ["done"]
    assert '<dd class="days">4</dd>' in done  # 18 Nov 02:00 UTC to 22 Nov 10:00 UTC: 4.3
    assert '<div class="latest" data-code="EMI">' in done


@pytest.mark.parametrize(("lang", "advice"), [
    ("en", "Collect the parcel at Almaty PCI-5 (Kazpost)"),
    ("zh", "到阿拉木图国际邮件处理中心领取邮件"),
    ("ru", "в месте «Алматы, ЦМПО-5 (Казпочта)»"),
    ("kk", "«Алматы, ХПӨО-5 (Қазпошта)» орнынан алыңыз")])
def test_a_failed_attempt_tells_where_to_collect(client: TestClient, lang: str,
                                                 advice: str) -> None:
    """After a failed delivery attempt the card says what to do, naming the office."""
    page = client.get("/track", params={"id": f"{ATTEMPTED} CA000000014CN", "lang": lang}).text
    card = card_of(page, ATTEMPTED)
    assert 'class="attempt"' in card and advice in card
    assert ("held", "out_for_delivery") in steps_of(card)
    assert 'class="attempt"' not in card_of(page, "CA000000014CN")


WRONG_DIGIT = "CA111111113CN"  # the right check digit is 5, a digit nowhere else on the page


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "The check digit does not match — check for a mistyped digit."),
    ("zh", "校验位不符——请检查是否输错了数字。"),
    ("ru", "Контрольная цифра не совпадает"),
    ("kk", "Бақылау цифры сәйкес келмейді")])
def test_a_wrong_check_digit_is_explained_without_the_right_one(
        client: TestClient, lang: str, says: str) -> None:
    """The page says, in its language, that the check digit does not match and what a number
    looks like, and never shows the right digit (the domain's message names it)."""
    assert s10.calc_check_digit(WRONG_DIGIT[2:10]) == "5"
    page = client.get("/track", params={"id": WRONG_DIGIT, "lang": lang})
    assert page.status_code == 200
    card = card_of(page.text, WRONG_DIGIT)
    assert 'data-error="invalid"' in card and says in card and "CA\u00a0…\u00a0CN" in card
    assert "5" not in visible(page.text) and "5" not in card


@pytest.mark.parametrize(("raw", "kind", "says"), [
    ("CA000000014ZZ", "invalid", "not a country code"),
    ("AB!", "invalid", "numbers have 4–64 letters and digits."),
    ("X" * 300, "invalid", "A postal tracking number (UPU S10) is 2 letters, 8 digits")])
def test_other_invalid_ids_say_what_is_wrong(client: TestClient, raw: str, kind: str,
                                             says: str) -> None:
    """A wrong country or a shape that is no number is explained; a long paste is cut."""
    page = client.get("/track", params={"id": raw, "lang": "en"}).text
    assert f'data-error="{kind}"' in page and says in page
    if len(raw) > 40:
        assert f"<h2>{raw[:40]}…</h2>" in page


def ids(count: int) -> list[str]:
    return [s10.build("CA", 1000 + n, "CN") for n in range(count)]


def test_more_ids_than_a_page_are_paged_not_dropped(client: TestClient) -> None:
    """37 ids: 20 cards, 'showing 1–20 of 37' and a link to the other 17; the page and the
    language links keep all 37."""
    wanted = ids(37)
    first = client.get("/track", params={"id": " ".join(wanted), "lang": "ru"}).text
    assert first.count('class="parcel"') == 20 and "Показаны номера 1–20 из 37." in first
    assert f'data-id="{wanted[19]}"' in first and f'data-id="{wanted[20]}"' not in first
    nxt = re.search(r'<a rel="next" href="\?([^"]+)"', first)
    assert nxt and not re.search(r'rel="prev"', first)
    second = client.get("/track?" + nxt.group(1).replace("&amp;", "&")).text
    assert second.count('class="parcel"') == 17 and "Показаны номера 21–37 из 37." in second
    assert f'data-id="{wanted[36]}"' in second and 'rel="prev"' in second
    english = re.search(r'href="\?([^"]+)"[^>]*hreflang="en"', second)
    assert english and "page=2" in english.group(1)


def test_a_page_that_is_not_there_says_so(client: TestClient) -> None:
    """page=9 of two pages, or page=x, shows the first page with a message, never a 422."""
    for page in ("9", "x", "0", "-1"):
        r = client.get("/track", params={"id": " ".join(ids(25)), "lang": "zh", "page": page})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "没有这一页结果，已显示第一页。" in r.text and r.text.count('class="parcel"') == 20


def test_past_the_cap_the_rest_are_named_as_left_out(client: TestClient) -> None:
    """250 ids: 200 are read (10 pages), 50 are said to be left out."""
    r = client.get("/track", params={"id": " ".join(ids(250)), "lang": "en"}).text
    assert "Only the first 200 numbers are read; 50 more were left out." in r
    assert "Showing 1–20 of 200 tracking numbers." in r
    assert r.count('class="parcel"') == 20 and ">10</a>" in r and ">11</a>" not in r


def test_notice_times_are_in_the_zone_of_their_place(client: TestClient) -> None:
    """A notice about Almaty gives Almaty's times and says so; one about Urumqi and Almaty
    (two zones) gives UTC and says so; the dashboard shows the same windows."""
    almaty = notice(client, ["KZALAA"], "Almaty slow")
    both = notice(client, ["CNURCA", "KZALAA"], "Corridor slow")
    offset = datetime(2026, 11, 24, tzinfo=UTC).astimezone(ZoneInfo("Asia/Almaty"))
    start = f"{offset:%Y-%m-%d %H:%M}"
    page = client.get("/track", params={"id": "CA000000014CN", "lang": "en"}).text
    line = re.search(rf'data-notice="{almaty}">.*?</p>', page, re.S)
    assert line and f"{start} – " in line.group(0)
    assert f"(Almaty PCI-5 (Kazpost) time, UTC{offset:%z}"[:-2] in line.group(0)
    line = re.search(rf'data-notice="{both}">.*?</p>', page, re.S)
    assert line and "2026-11-24 00:00 – 2026-11-30 00:00 (UTC, coordinated universal time)" \
        in line.group(0)
    dashboard = client.get("/dashboard", params={"lang": "kk"}).text
    assert "Алматы, ХПӨО-5 (Қазпошта) уақыты" in dashboard


@pytest.mark.parametrize(("failure", "status", "says"), [
    (RuntimeError("disk on fire"), 500, "У нас произошла ошибка"),
    (NoticesUnavailable("no store"), 503, "Отслеживание сейчас недоступно")])
def test_errors_of_the_page_are_html_in_its_language(
        client: TestClient, sqlite_platform: Platform, monkeypatch: pytest.MonkeyPatch,
        failure: Exception, status: int, says: str) -> None:
    """A failure behind the page is an HTML page in the page's language, with the request's id
    to quote for a 500, never problem+json or a traceback."""
    def broken() -> None:
        raise failure

    monkeypatch.setattr(sqlite_platform, "uow", broken)
    r = client.get("/track", params={"id": "CA000000014CN", "lang": "ru"},
                   headers={"X-Request-Id": "req-42"})
    assert r.status_code == status and r.headers["content-type"].startswith("text/html")
    assert says in r.text and "Traceback" not in r.text and "disk on fire" not in r.text
    assert ("req-42" in r.text) == (status == 500)


def test_a_retracted_delivery_is_neither_latest_nor_a_step(client: TestClient) -> None:
    """When a delivery is taken back, the latest event shown is the last one that counts; the
    retraction and the delivery it names stay in the folded history, struck through."""
    item = s10.build("CA", 5, "CN")
    r = client.post("/api/v1/events", json=[
        event(item, "EMA", "2026-11-20T10:00:00+05:00", **ALMATY),
        event(item, "EDG", "2026-11-23T09:00:00+05:00", **ALMATY),
        event(item, "EMI", "2026-11-23T12:00:00+05:00", event_id="kz-7", **ALMATY),
        event(item, "SXR", "2026-11-23T13:00:00+05:00",
              payload={"retracts": "kz-7", "reason": "scanned on the wrong parcel"}, **ALMATY)])
    assert r.json()["accepted"] == 4, r.text
    card = card_of(client.get("/track", params={"id": item, "lang": "en"}).text, item)
    assert '<div class="latest" data-code="EDG">' in card
    assert ("current", "out_for_delivery") in steps_of(card)
    history = card.split('<details class="history">', 1)[1]
    assert 'data-code="EMI" class="retracted"' in history and 'data-code="SXR"' in history
