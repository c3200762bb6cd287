"""Issue 16, point 3: partner files as partners send them, over HTTP and ``silkpost import``.

A Kazakh partner's Excel saves ``;``-separated Windows-1251 with CRLF and Russian place
names; a Chinese system saves tab-separated GB18030; a spreadsheet drops the UTC offset and
turns a date into a serial number. Each file of data/samples is imported as it is, and each
mistake is one rejected record naming the field and what to do, never a 500 or a traceback.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from silkpost.api.app import create_app
from silkpost.bootstrap import Platform
from silkpost.cli import app as cli
from silkpost.domain import s10
from silkpost.tracking import formats
from silkpost.tracking.service import log_position, track
from tests.keys import admin_headers

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
ALMATY = ZoneInfo("Asia/Almaty")
HEADER = "object_id;code;occurred_at;location\r\n"
IDS = list(s10.id_range("CA", "CN", 33_000_001, 4))

# sample file, CLI options, HTTP content type and headers, the UN/LOCODE of its places
SAMPLE_CASES: dict[str, tuple[list[str], str, dict[str, str], str]] = {
    "kazpost-semicolon-windows1251.csv": (
        ["--encoding", "windows-1251"], "text/csv; charset=windows-1251", {}, "KZALA"),
    "china-tab-gb18030.csv": (["--encoding", "gb18030"], "text/csv; charset=GB18030", {},
                              "CNHRS"),
    "naive-times-almaty.csv": (["--timezone", "Asia/Almaty"], "text/csv",
                               {"X-Silkpost-Timezone": "Asia/Almaty"}, "KZALA"),
    "place-names.ndjson": ([], "application/x-ndjson", {}, "KZALA"),
}


def _post(platform: Platform, body: bytes, media: str, headers: dict[str, str] | None = None,
          params: dict[str, str] | None = None) -> Any:
    with TestClient(create_app(platform), headers=admin_headers(platform)) as client:
        return client.post("/api/v1/events", content=body, params=params,
                           headers={"content-type": media, **(headers or {})})


def _import(platform: Platform, file: Path, *options: str,
            monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SILKPOST_DATABASE_URL", platform.settings.database_url)
    result = CliRunner().invoke(cli, ["import", str(file), *options], terminal_width=200)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _stored(platform: Platform, object_id: str) -> tuple[str | None, datetime]:
    last = track(object_id, uow=platform.uow(), clock=platform.clock).timeline[-1]
    return last.location, last.occurred_at


def _first_id(sample: str) -> str:
    text = (SAMPLES / sample).read_bytes().decode(
        "gb18030" if "gb18030" in sample else "windows-1251" if "1251" in sample else "utf-8")
    found = re.search(r"CA\d{9}CN", text)
    assert found is not None
    return found.group()


@pytest.mark.parametrize("sample", sorted(SAMPLE_CASES))
def test_every_sample_imports_whole_over_http(platform: Platform, sample: str) -> None:
    """Each sample of docs/events.md is stored whole over HTTP, its places as UN/LOCODEs."""
    _, media, headers, locode = SAMPLE_CASES[sample]
    r = _post(platform, (SAMPLES / sample).read_bytes(), media, headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rejected"] == 0 and body["accepted"] == body["received"] > 0, body
    assert _stored(platform, _first_id(sample))[0] == locode


@pytest.mark.parametrize("sample", sorted(SAMPLE_CASES))
def test_every_sample_imports_whole_with_the_cli(
    platform: Platform, sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same files with ``silkpost import`` and the options docs/events.md gives."""
    options, _, _, locode = SAMPLE_CASES[sample]
    result = _import(platform, SAMPLES / sample, *options, monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert log_position(uow=platform.uow()) == (6 if sample.endswith(".csv") else 3)
    assert _stored(platform, _first_id(sample))[0] == locode


def test_naive_times_are_read_in_the_given_zone(platform: Platform) -> None:
    """``2026-11-21T09:15:00`` with Asia/Almaty is 09:15 Almaty time, whatever the offset."""
    body = (HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00;KZALA\r\n"
            f"{IDS[1]};EMD;2026-11-21 09:15;KZALA\r\n").encode()
    r = _post(platform, body, "text/csv", {"X-Silkpost-Timezone": "Asia/Almaty"})
    assert r.json()["accepted"] == 2, r.text
    expected = datetime(2026, 11, 21, 9, 15, tzinfo=ALMATY)
    for object_id in IDS[:2]:
        at = _stored(platform, object_id)[1]
        assert at == expected and at.utcoffset() == expected.utcoffset()


def test_a_naive_time_without_a_zone_names_the_option(platform: Platform) -> None:
    """Without a zone the record is rejected alone, and the reason says how to give one."""
    body = (HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00;KZALA\r\n"
            f"{IDS[1]};EMD;2026-11-21T09:15:00+05:00;KZALA\r\n").encode()
    r = _post(platform, body, "text/csv")
    assert (r.json()["accepted"], r.json()["rejected"]) == (1, 1), r.text
    [rejection] = r.json()["rejections"]
    assert rejection["position"] == 2 and rejection["field"] == "occurred_at"
    assert "--timezone" in rejection["reason"] and "X-Silkpost-Timezone" in rejection["reason"]


@pytest.mark.parametrize("serial", ["45981", "45981.375", "45 981,38"])
def test_an_excel_serial_date_is_not_an_iso_time(platform: Platform, serial: str) -> None:
    """A date cell Excel saved as its serial number is "not an ISO 8601 time"."""
    body = (HEADER + f'{IDS[0]};EMD;"{serial}";KZALA\r\n').encode()
    r = _post(platform, body, "text/csv")
    [rejection] = r.json()["rejections"]
    assert rejection["field"] == "occurred_at"
    assert "not an ISO 8601 time" in rejection["reason"] and "2000" not in rejection["reason"]


def test_an_excel_serial_number_in_json_is_not_an_iso_time(platform: Platform) -> None:
    """The same as a JSON number."""
    r = _post(platform, b'[{"object_id": "%s", "code": "EMD", "occurred_at": 45981.375}]'
              % IDS[0].encode(), "application/json")
    [rejection] = r.json()["rejections"]
    assert "not an ISO 8601 time" in rejection["reason"]


def test_bytes_not_in_the_stated_encoding_are_rejected_alone(platform: Platform) -> None:
    """0x98 is the one byte Windows-1251 leaves undefined: that record alone, its byte named."""
    rows = [f"{IDS[0]};EMD;2026-11-21T09:15:00+05:00;Алматы\r\n".encode("windows-1251"),
            f"{IDS[1]};EMD;2026-11-21T09:15:00+05:00;".encode() + b"\x98\r\n",
            f"{IDS[2]};EMD;2026-11-21T09:15:00+05:00;Алматы\r\n".encode("windows-1251")]
    r = _post(platform, HEADER.encode() + b"".join(rows), "text/csv; charset=windows-1251")
    assert r.status_code == 200, r.text
    assert (r.json()["accepted"], r.json()["rejected"]) == (2, 1)
    [rejection] = r.json()["rejections"]
    assert rejection["position"] == 3 and rejection["field"] == "(record)"
    assert "Windows-1251" in rejection["reason"] and "0x98 at byte 45" in rejection["reason"]


def test_gb18030_bytes_out_of_place_are_rejected_alone(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GB18030 lead byte followed by a space is no character: the CLI lists that line."""
    file = tmp_path / "cn.csv"
    file.write_bytes(b"object_id\tcode\toccurred_at\tlocation\n"
                     + f"{IDS[0]}\tEMC\t2026-11-19T08:00:00+08:00\t霍尔果斯\n".encode("gb18030")
                     + f"{IDS[1]}\tEMC\t2026-11-19T08:00:00+08:00\t".encode() + b"\x81 \n")
    result = _import(platform, file, "--encoding", "gb18030", monkeypatch=monkeypatch)
    assert result.exit_code == 1
    assert "not GB18030: byte 0x81 at byte 45" in result.output, result.output
    assert log_position(uow=platform.uow()) == 1


@pytest.mark.parametrize(("media", "params"), [
    ("text/csv", {"delimiter": "tab"}),
    ('text/csv; delimiter="\t"', {}),
    ("text/csv", {}),  # detected from the header line
])
def test_the_delimiter_is_given_or_detected(platform: Platform, media: str,
                                            params: dict[str, str]) -> None:
    """A tab-separated body whose cells contain commas reads right every way."""
    body = ("\ufeffobject_id\tcode\toccurred_at\tlocation\r\n"
            f"{IDS[0]}\tEMD\t2026-11-21T09:15:00+05:00\tAlmaty\r\n"
            f'{IDS[1]}\tEMD\t"2026-11-21T09:15:00+05:00"\tKZ ALA\r\n').encode()
    r = _post(platform, body, media, params=params)
    assert (r.json()["accepted"], r.json()["rejected"]) == (2, 0), r.text


@pytest.mark.parametrize(("place", "locode"), [("Алматы", "KZALA"), ("Almaty", "KZALA"),
                                               ("阿拉木图", "KZALA"), (" almaty ", "KZALA"),
                                               ("Қорғас", "CNHRS"), ("Moscow", "RUMOW")])
def test_place_names_resolve_to_their_locode(platform: Platform, place: str,
                                             locode: str) -> None:
    """A name of one place, in any of the network's languages or the UN/LOCODE list."""
    body = (HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00+05:00;{place}\r\n").encode()
    assert _post(platform, body, "text/csv").json()["accepted"] == 1
    assert _stored(platform, IDS[0])[0] == locode


def test_an_ambiguous_or_unknown_place_lists_the_candidates(platform: Platform) -> None:
    """Urumqi has an office of exchange, an airport and a rail port: the code must be said."""
    body = (HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00+05:00;Urumqi\r\n"
            f"{IDS[1]};EMD;2026-11-21T09:15:00+05:00;乌鲁木齐\r\n"
            f"{IDS[2]};EMD;2026-11-21T09:15:00+05:00;Atlantis\r\n").encode()
    rejections = _post(platform, body, "text/csv").json()["rejections"]
    assert [r["field"] for r in rejections] == ["location"] * 3
    for r in rejections[:2]:
        assert "3 places: CNULZ, CNURC, CNURM" in r["reason"], r
    assert "not a UN/LOCODE" in rejections[2]["reason"]
    assert "place name" in rejections[2]["reason"]


@pytest.mark.parametrize(("media", "headers", "params", "field"), [
    ("text/csv; charset=latin-9", {}, {}, "charset"),
    ("text/csv", {}, {"delimiter": "|"}, "delimiter"),
    ("text/csv", {"X-Silkpost-Timezone": "Mars/Olympus"}, {}, "X-Silkpost-Timezone"),
    ("text/csv", {"X-Silkpost-Timezone": "../../etc/passwd"}, {}, "X-Silkpost-Timezone"),
])
def test_a_wrong_option_is_a_400_naming_it(platform: Platform, media: str,
                                           headers: dict[str, str], params: dict[str, str],
                                           field: str) -> None:
    """Nothing is stored and the problem names the parameter."""
    r = _post(platform, (HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00;KZALA\r\n").encode(),
              media, headers, params)
    assert r.status_code == 400, r.text
    assert field in r.text
    assert log_position(uow=platform.uow()) == 0


@pytest.mark.parametrize(("options", "field"), [
    (["--encoding", "koi8-r"], "--encoding"), (["--delimiter", "|"], "--delimiter"),
    (["--timezone", "Almaty"], "--timezone"),
])
def test_a_wrong_cli_option_is_one_line(platform: Platform, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, options: list[str],
                                        field: str) -> None:
    """Exit code 2 (a usage error), one line naming the option, no traceback."""
    file = tmp_path / "events.csv"
    file.write_text(HEADER + f"{IDS[0]};EMD;2026-11-21T09:15:00;KZALA\r\n")
    result = _import(platform, file, *options, monkeypatch=monkeypatch)
    assert result.exit_code != 0 and field in result.output
    assert log_position(uow=platform.uow()) == 0


def test_the_limits_still_hold_in_another_encoding() -> None:
    """A Windows-1251 line over the record limit is still skipped and rejected alone."""
    body = (HEADER.encode() + b"x" * (formats.MAX_RECORD_BYTES + 10) + b"\r\n"
            + f"{IDS[0]};EMD;2026-11-21T09:15:00+05:00;Алматы\r\n".encode("windows-1251"))
    records = list(formats.read_bytes(body, "csv", encoding="windows-1251"))
    assert [p for p, _ in records] == [2, 3]
    assert isinstance(records[0][1], formats.Problem)
    assert records[1][1] == {"object_id": IDS[0], "code": "EMD",
                             "occurred_at": "2026-11-21T09:15:00+05:00", "location": "Алматы"}


def test_a_file_of_codes_never_loads_the_place_names() -> None:
    """Records that carry a UN/LOCODE do not pay for the name index; the first name builds
    it, once, and the fast path takes records with a name."""
    from silkpost.network.corridor import default_network_path, load_network
    from silkpost.tracking.places import PlaceNames
    from silkpost.tracking.validation import RecordValidator

    names = PlaceNames(load_network(default_network_path()))
    validator = RecordValidator(places=names)
    at = datetime(2026, 11, 21, 9, 15, tzinfo=ALMATY).isoformat()
    for object_id in IDS:
        record = {"object_id": object_id, "code": "EMD", "occurred_at": at, "location": "KZALA"}
        assert validator.event(record, source="s", received_at=datetime.now(ALMATY))
    assert names._built is None  # no index for a file of codes
    built = None
    for object_id in IDS:
        record = {"object_id": object_id, "code": "EMD", "occurred_at": at, "location": "Алматы"}
        event = validator.event(record, source="s", received_at=datetime.now(ALMATY))
        assert event is not None and event.location == "KZALA"
        built = built or names._built
        assert names._built is built  # built on the first name, once


def test_place_names_come_from_the_platforms_own_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A network file of one's own (SILKPOST_NETWORK_FILE) names its places for the import:
    a name only that file knows resolves to its node's UN/LOCODE; with the packaged network
    the same record is rejected naming the location."""
    from typer.testing import CliRunner

    from silkpost.cli import app
    from silkpost.network.corridor import default_network_path

    own = tmp_path / "own.toml"
    own.write_text(default_network_path().read_text(encoding="utf-8").replace(
        'ru = "Хоргос, станция международного почтового обмена"',
        'ru = "Нурлы Жол, станция международного почтового обмена"'), encoding="utf-8")
    records = tmp_path / "named.ndjson"
    records.write_text(json.dumps({"object_id": "CA320009996CN", "code": "EMC",
                                   "occurred_at": "2026-11-19T08:00:00+08:00",
                                   "location": "Нурлы Жол"}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    monkeypatch.setenv("SILKPOST_ANALYTICS_FILE", ":memory:")
    runner = CliRunner()
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'packaged.db'}")
    refused = runner.invoke(app, ["import", str(records)])
    assert refused.exit_code == 1 and "location" in refused.output
    monkeypatch.setenv("SILKPOST_NETWORK_FILE", str(own))
    monkeypatch.setenv("SILKPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'own.db'}")
    taken = runner.invoke(app, ["import", str(records)])
    assert taken.exit_code == 0, taken.output
    shown = runner.invoke(app, ["track", "CA320009996CN", "--json"])
    assert json.loads(shown.stdout)["timeline"][0]["location"] == "CNHRS"
