"""``silkpost partner`` and ``silkpost key`` as an administrator uses them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from silkpost.bootstrap import bootstrap
from silkpost.cli import app
from silkpost.domain.partners import ApiKeyText
from silkpost.partners.errors import NotAuthenticated
from silkpost.partners.service import authenticate
from silkpost.settings import Settings

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty SQLite store the commands use."""
    db = tmp_path / "silkpost.db"
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    return db


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _check(key: str) -> str:
    platform = bootstrap(Settings.from_env())
    try:
        return authenticate(key, uow=platform.partner_uow(), clock=platform.clock).partner.code
    finally:
        platform.dispose()


def test_a_key_is_printed_once_and_the_store_holds_only_its_digest(store: Path) -> None:
    code, _, _ = _run("partner", "add", "kazpost", "--name", "Kazpost JSC", "--kind", "post",
                      "--node", "KZALAA", "--node", "KZASTA")
    assert code == 0
    code, out, err = _run("key", "new", "KAZPOST", "--role", "partner", "--label", "scanners")
    assert code == 0
    key = out.strip()
    assert ApiKeyText.parse(key).text == key  # stdout is the key alone: a script can take it
    assert "not be shown again" in err
    assert _check(key) == "KAZPOST"
    with sqlite3.connect(store) as db:
        dumped = "\n".join(db.iterdump())
    assert key not in dumped and ApiKeyText.parse(key).secret not in dumped
    code, out, _ = _run("key", "list", "--json")
    [listed] = json.loads(out)
    assert (listed["partner"], listed["role"], listed["state"], listed["label"]) == (
        "KAZPOST", "partner", "active", "scanners")
    assert key.startswith(listed["prefix"]) and key not in out
    code, out, _ = _run("partner", "list", "--json")
    assert json.loads(out)[0]["nodes"] == ["KZALAA", "KZASTA"]


def test_revoked_and_rotated_keys(store: Path) -> None:
    _run("partner", "add", "CNPOST-URC", "--name", "China Post Urumqi", "--kind",
         "exchange_office", "--node", "CNURCA")
    _, out, _ = _run("key", "new", "CNPOST-URC", "--role", "operator")
    first = out.strip()
    key_id = ApiKeyText.parse(first).key_id
    code, out, _ = _run("key", "rotate", key_id, "--overlap", "0h")
    assert code == 0
    second = out.strip()
    assert _check(second) == "CNPOST-URC"
    with pytest.raises(NotAuthenticated, match="expired"):
        _check(first)
    code, _, _ = _run("key", "revoke", ApiKeyText.parse(second).key_id)
    assert code == 0
    with pytest.raises(NotAuthenticated, match="revoked"):
        _check(second)


@pytest.mark.parametrize(("args", "exit_code", "says"), [
    (("partner", "add", "KAZPOST", "--name", "K", "--kind", "post", "--node", "KZNOPE"), 2,
     "KZNOPE"),
    (("key", "new", "NOBODY", "--role", "admin"), 3, "no partner NOBODY"),
    (("key", "new", "KAZPOST", "--role", "admin", "--expires", "2026-11-20T14:05"), 2,
     "UTC offset"),
    (("key", "rotate", "k000000000000", "--overlap", "a week"), 2, "7d"),
    (("key", "revoke", "k000000000000"), 3, "no key"),
])
def test_mistakes_name_what_is_wrong(store: Path, args: tuple[str, ...], exit_code: int,
                                     says: str) -> None:
    _run("partner", "add", "KAZPOST", "--name", "Kazpost", "--kind", "post")
    code, out, err = _run(*args)
    assert code == exit_code
    assert says in err and "Traceback" not in out + err


def test_a_partner_file_imports_as_sent_through_its_profile(store: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    _run("partner", "add", "KAZPOST", "--name", "Kazpost", "--kind", "post")
    code, _, err = _run("import", str(root / "data/samples/kazpost-profile.csv"), "--partner",
                        "KAZPOST")
    assert code == 2  # without its profile the partner's file is not readable as ours
    assert "Traceback" not in err and "--encoding" in err
    code, _, _ = _run("partner", "profile", "KAZPOST",
                      str(root / "data/samples/profiles/kazpost.toml"))
    assert code == 0
    code, out, _ = _run("import", str(root / "data/samples/kazpost-profile.csv"), "--partner",
                        "KAZPOST")
    assert code == 0, out
    code, out, _ = _run("track", "CA320004013CN", "--json")
    events = json.loads(out)["timeline"]
    assert [(e["code"], e["office"], e["source"]) for e in events] == [
        ("EMD", "KZALAA", "KAZPOST"), ("EDC", "KZALAA", "KAZPOST"),
        ("EDD", "KZALAA", "KAZPOST")]
    assert events[0]["occurred_at"] == "2026-11-21T09:15:00+05:00"
    code, out, _ = _run("partner", "profile", "KAZPOST")
    assert 'time_format = "%d.%m.%Y %H:%M"' in out


def test_a_broken_profile_is_refused_naming_the_key(store: Path, tmp_path: Path) -> None:
    _run("partner", "add", "KAZPOST", "--name", "Kazpost", "--kind", "post")
    broken = tmp_path / "broken.toml"
    broken.write_text("[columns]\n'ШПИ' = 'tracking_number'\n", encoding="utf-8")
    code, _, err = _run("partner", "profile", "KAZPOST", str(broken))
    assert code == 2 and "(columns)" in err and "tracking_number" in err
