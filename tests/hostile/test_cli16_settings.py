"""Issue 16, point 1: a broken setting or database URL is one line naming it, never a traceback.

Settings are parsed and checked in ``Settings`` (``from_env`` and the constructor), and the
store's engine turns the driver's errors into one error naming SILKPOST_DATABASE_URL; the CLI
prints that error with the exit code of its kind (2 invalid, 5 unavailable).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import bootstrap
from silkpost.cli import app
from silkpost.errors import SilkpostError
from silkpost.settings import NUMERIC_LIMITS, InvalidSetting, Settings
from silkpost.store.engine import DatabaseUnavailable
from tests.keys import admin_headers

runner = CliRunner()
URL = "SILKPOST_DATABASE_URL"


@pytest.mark.parametrize("name", sorted(NUMERIC_LIMITS))
@pytest.mark.parametrize("raw", ["abc", "8000x", "1e400e", "--"])
def test_a_numeric_setting_that_is_not_a_number_is_named(name: str, raw: str) -> None:
    """Every numeric setting: a word is refused with the setting's name and the value."""
    with pytest.raises(InvalidSetting) as caught:
        Settings.from_env({name: raw})
    assert caught.value.field == name
    assert name in caught.value.detail and repr(raw) in caught.value.detail


@pytest.mark.parametrize(("name", "raw"), [
    ("SILKPOST_PORT", "0"), ("SILKPOST_PORT", "65536"), ("SILKPOST_PORT", "-1"),
    ("SILKPOST_INGEST_BATCH_SIZE", "0"), ("SILKPOST_MAX_BODY_BYTES", "-5"),
    ("SILKPOST_ANALYTICS_REFRESH_SECONDS", "-1"), ("SILKPOST_ANALYTICS_REFRESH_SECONDS", "nan"),
])
def test_a_numeric_setting_out_of_range_is_named(name: str, raw: str) -> None:
    """A number the platform cannot use (port 0, a batch of none) is refused, naming it."""
    with pytest.raises(InvalidSetting, match=name):
        Settings.from_env({name: raw})


def test_the_limits_hold_for_settings_built_in_code_too() -> None:
    """The constructor checks the same limits, so a CLI option cannot slip past them."""
    with pytest.raises(InvalidSetting, match="SILKPOST_PORT"):
        Settings(port=70_000)
    assert Settings.from_env({"SILKPOST_PORT": " 8080 "}).port == 8080
    assert Settings.from_env({"SILKPOST_PORT": ""}).port == Settings().port


@pytest.mark.parametrize(("url", "error"), [
    ("garbage", InvalidSetting),
    ("foo://host/db", InvalidSetting),
    ("mysql://user@host/db", InvalidSetting),
    ("sqlite:///x.db?synchronous=sometimes", InvalidSetting),
    ("sqlite:////no/such/folder/silkpost.db", DatabaseUnavailable),
    ("postgresql://user:s3cret@127.0.0.1:1/test", DatabaseUnavailable),
])
def test_a_database_url_that_cannot_be_used_is_named(url: str, error: type[SilkpostError]
                                                     ) -> None:
    """Malformed, unsupported, a missing folder, no server: one error naming the setting."""
    with pytest.raises(error) as caught:
        bootstrap(Settings(database_url=url, analytics_file=":memory:"))
    assert caught.value.field == URL and URL in caught.value.detail
    assert "s3cret" not in caught.value.detail  # the password stays out of logs


def test_an_unknown_database_on_a_live_server_is_named(postgres_url: str) -> None:
    """A server that answers but has no such database: the same error, with the server's."""
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_database_cli16"
    with pytest.raises(DatabaseUnavailable, match="no_such_database_cli16"):
        bootstrap(Settings(database_url=url, analytics_file=":memory:"))


@pytest.mark.parametrize(("env", "named", "code"), [
    ({"SILKPOST_PORT": "eighty"}, "SILKPOST_PORT", 2),
    ({"SILKPOST_MAX_BODY_BYTES": "0"}, "SILKPOST_MAX_BODY_BYTES", 2),
    ({URL: "foo://bar"}, URL, 2),
    ({URL: "sqlite:////no/such/folder/silkpost.db"}, URL, 5),
    ({URL: "postgresql://user@127.0.0.1:1/test"}, URL, 5),
])
@pytest.mark.parametrize("command", [["track", "RR123456785CN"], ["kpi"], ["notice", "list"],
                                     ["db", "upgrade"], ["serve"]])
def test_the_cli_reports_a_bad_setting_in_one_line(
        command: list[str], env: dict[str, str], named: str, code: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that open the store: one ``error`` line naming the setting, the kind's code."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    monkeypatch.setenv(URL, f"sqlite:///{tmp_path / 'ok.db'}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, command)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error") and named in lines[0], lines


def test_the_api_refuses_a_sort_plan_time_without_offset() -> None:
    """``sort-plan?at=`` without an offset is a 400 naming ``at``, not a 500."""
    platform = bootstrap(Settings(), in_memory=True)
    client = TestClient(create_app(platform), headers=admin_headers(platform),
                        raise_server_exceptions=False)
    response = client.get("/api/v1/offices/CNURCA/sort-plan", params={"at": "2026-11-20T14:05"})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "at"


@pytest.mark.parametrize("text", ["name = [\n", "days = 'ten'\n", "\xff\xfe"])
def test_a_broken_scenario_file_is_one_line_saying_what_to_do(
        text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A scenario file that is not TOML or misses its fields: exit 2 naming ``scenario``."""
    monkeypatch.setenv(URL, f"sqlite:///{tmp_path / 'ok.db'}")
    broken = tmp_path / "broken.toml"
    broken.write_bytes(text.encode("latin-1"))
    result = runner.invoke(app, ["simulate", "--scenario", str(broken)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "(scenario)" in lines[0] and "broken.toml" in lines[0], lines
