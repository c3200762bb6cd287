"""Point 10 of issue 15: the CLI never renders data as markup; pages send security headers;
the Atom feed's links come from a setting, never from the Host header."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import bootstrap
from silkpost.cli import app as cli
from silkpost.cli import output
from silkpost.cli.output import plain
from silkpost.clock import FixedClock
from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent
from silkpost.settings import Settings
from tests.conftest import NOW
from tests.keys import admin_headers

runner = CliRunner()
# What a partner can put in a source, a destination or an id that Rich would read as markup
# (a closing tag with nothing open raises MarkupError), as styles, or a terminal would obey.
HOSTILE = ["[/x]", "[red]fake[/red]", "[]info[/]", "\x1b[31mred\x1b[0m", "\x1b]0;pwned\x07",
           "\x9b2J"]
ESCAPES = re.compile("[\x1b\x07\x9b]")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(output.console, "width", 250)  # whole cells, not wrapped ones
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{path}")
    return path


def seed(db: Path) -> None:
    """Events as an older store (or a lax partner path) wrote them, hostile text included."""
    platform = bootstrap(Settings(database_url=f"sqlite:///{db}"))
    now = datetime.now(UTC).replace(microsecond=0)
    events = []
    for n, text in enumerate(HOSTILE):
        posted = now - timedelta(days=3, hours=n)
        object_id = f"HOSTILE{n}"
        events += [
            TrackingEvent(ObjectKind.ITEM, object_id, "EMA", posted, source=text,
                          location="CNURC", office="CNURCA", payload={"destination": text}),
            TrackingEvent(ObjectKind.ITEM, object_id, "EMC", posted + timedelta(hours=5),
                          source=text, location="CNURC", office=text),
        ]
    with platform.uow() as uow:
        uow.events.append(events)
        uow.commit()
    platform.dispose()


def test_plain_escapes_markup_and_drops_control_characters() -> None:
    """The one helper: markup shown as text, terminal controls gone."""
    assert plain("[/x]") == "\\[/x]"
    assert plain("\x1b[31mred\x1b[0m") == "[31mred[0m"  # no ESC left, and no markup
    assert plain(None) == "" and plain(3) == "3"


@pytest.mark.parametrize("n", range(len(HOSTILE)))
def test_track_shows_hostile_sources_as_text(db: Path, n: int) -> None:
    """``silkpost track`` prints a source of ``[/x]`` or ``[red]…[/red]`` literally (no
    crash, no fake colours) and no escape sequence reaches the terminal."""
    seed(db)
    result = runner.invoke(cli, ["track", f"HOSTILE{n}"], color=True)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.output)  # Rich's own colours
    assert not ESCAPES.search(shown), repr(shown)
    visible = ESCAPES.sub("", HOSTILE[n])
    assert visible[:4] in shown.replace("\n", "").replace("│", "").replace(" ", ""), shown


def test_kpi_shows_hostile_lanes_as_text(db: Path) -> None:
    """``silkpost kpi``: lanes and places from the data are printed as text."""
    seed(db)
    result = runner.invoke(cli, ["kpi"], color=True)
    assert result.exit_code == 0, result.output
    shown = re.sub(r"\x1b\[[0-9;]*m", "", result.output)
    assert not ESCAPES.search(shown), repr(shown)
    assert "[/x]" in shown and "[red]fake[/red]" in shown


def test_import_rejection_table_shows_reasons_as_text(db: Path, tmp_path: Path) -> None:
    """A rejected record whose id is markup: the rejection table prints it, exit 1."""
    events = tmp_path / "bad.ndjson"
    events.write_text(json.dumps({"object_id": "[/x]", "code": "EMA",
                                  "occurred_at": "2026-11-20T10:00:00+08:00"}) + "\n")
    result = runner.invoke(cli, ["import", str(events)])
    assert result.exit_code == 1, result.output
    assert "[/x]" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("title", ["[]info[/]", "[/x]", "[red]fake[/red]"])
def test_notice_commands_show_titles_as_text(db: Path, title: str) -> None:
    """``notice create`` and ``notice list`` print a title that looks like markup as is."""
    made = runner.invoke(cli, ["notice", "create", "--title-en", title, "--severity", "info",
                               "--from", "2026-11-01T00:00Z", "--publish"])
    assert made.exit_code == 0, made.output
    assert title in made.output
    listed = runner.invoke(cli, ["notice", "list"])
    assert listed.exit_code == 0, listed.output
    assert title in listed.output


@pytest.fixture
def app_client(tmp_path: Path) -> TestClient:
    platform = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}",
                                  public_url="https://post.example.kz/silkpost/"),
                         clock=FixedClock(NOW))
    return TestClient(create_app(platform), headers=admin_headers(platform))


@pytest.mark.parametrize("path", ["/dashboard", "/track?id=CA000000014CN", "/track",
                                  "/notices.atom", "/api/v1/notices", "/static/track.css",
                                  "/docs", "/docs/start.js", "/docs/assets/swagger-ui.css",
                                  "/redoc", "/redoc/start.js", "/redoc/redoc.standalone.js"])
def test_pages_send_security_headers(app_client: TestClient, path: str) -> None:
    """Every page: a CSP naming no outside host and forbidding framing, nosniff, a referrer
    policy."""
    response = app_client.get(path)
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "http" not in csp and "*" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    # Only ReDoc's page may take inline styles (its build injects them); no page inline script.
    assert ("'unsafe-inline'" in csp) == path.startswith("/redoc")
    assert "script-src 'self';" in csp


def test_redoc_is_served_whole_and_local(app_client: TestClient) -> None:
    """/redoc loads ReDoc and its start script from Silkpost, and the build it serves names
    no outside host to load from (its sidebar logo comes from the package)."""
    page = app_client.get("/redoc").text
    assert 'src="redoc/redoc.standalone.js"' in page and 'src="redoc/start.js"' in page
    assert "<script>" not in page and "http" not in page
    script = app_client.get("/redoc/redoc.standalone.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in script.text and "Redoc" in script.text
    assert 'href="redoc"' in app_client.get("/docs").text


def test_the_feed_takes_its_base_url_from_the_setting(app_client: TestClient) -> None:
    """A Host header of the attacker's choosing never appears in the feed's links."""
    app_client.post("/api/v1/notices", json={"title": {"en": "x"}, "severity": "info",
                                             "valid_from": "2026-11-01T00:00Z", "publish": True})
    feed = app_client.get("/notices.atom", headers={"Host": "evil.example"}).text
    assert "evil.example" not in feed
    assert 'href="https://post.example.kz/silkpost/notices.atom?lang=en"' in feed
    assert 'href="https://post.example.kz/silkpost/api/v1/notices/N-2026-0001"' in feed


def test_the_public_url_setting_is_read_and_checked() -> None:
    """SILKPOST_PUBLIC_URL is read from the environment; a value that is not an http(s) URL
    stops the start with the setting named."""
    assert Settings.from_env({"SILKPOST_PUBLIC_URL": "https://p.example"}).public_url == (
        "https://p.example")
    with pytest.raises(ValueError, match="SILKPOST_PUBLIC_URL"):
        Settings.from_env({"SILKPOST_PUBLIC_URL": "javascript:alert(1)"})

