"""Inbound profiles: checked on reading, and what goes out through one comes back the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.errors import InvalidValue
from silkpost.domain.profiles import parse_profile

ROOT = Path(__file__).resolve().parents[3]
KAZPOST = parse_profile((ROOT / "data/samples/profiles/kazpost.toml").read_text("utf-8"))


@pytest.mark.parametrize(("text", "field"), [
    ("format = 'xlsx'", "format"),
    ("timezone = 'Almaty'", "timezone"),
    ("colour = 'red'", "colour"),
    ("[columns]\n'ШПИ' = 'tracking_number'", "columns"),
    ("[codes]\n'ПРИЁМ' = 'EMA'\n'ПРИЕМ' = 'EMA'", "codes"),
    ("codes = 'EMA'", "codes"),
    ("[places]\n'Алматы' = 7", "places"),
    ("time_format = 7", "time_format"),
    ("format = 'csv", "profile"),
])
def test_a_wrong_profile_names_the_key(text: str, field: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_profile(text)
    assert caught.value.field == field


def test_the_sample_profile_reads_a_kazpost_row() -> None:
    row = {"ШПИ": "CA320004013CN", "Операция": "ВЫПУСК_ТАМОЖНЯ",
           "Дата операции": "21.11.2026 14:40", "Место": "Алматы МПО", "Индекс ОПС": "050000"}
    renamed = dict(zip(KAZPOST.header(list(row)), row.values(), strict=True))
    assert KAZPOST.inbound(renamed) == {
        "object_id": "CA320004013CN", "code": "EDC", "occurred_at": "2026-11-21T14:40:00",
        "location": "KZALA", "office": "KZALAA"}


def test_values_the_tables_do_not_name_pass_through_for_the_ingest_to_judge() -> None:
    record = {"object_id": "X", "code": "НЕИЗВЕСТНО", "occurred_at": "вчера",
              "location": "Караганда"}
    assert KAZPOST.inbound(dict(record)) == record


_codes = st.sampled_from([*sorted(KAZPOST.codes.values()), "EXX"])
# Kazakhstan has kept no summer time since 2005: every local minute names one moment. (Before,
# a local time without its offset could not name the hour the clocks went back.)
_moments = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2099, 1, 1),
                        timezones=st.just(UTC)).map(
    lambda t: t.replace(second=0, microsecond=0).astimezone(ZoneInfo("Asia/Almaty")))


@given(_codes, _moments, st.sampled_from(["KZALA", "KZAST", "CNURC"]),
       st.sampled_from(["KZALAA", "KZASTA", "CNURCA"]))
def test_out_through_the_profile_and_back_is_the_same_record(
    code: str, moment: datetime, location: str, office: str
) -> None:
    ours = {"object_id": "CA320004013CN", "code": code, "occurred_at": moment.isoformat(),
            "location": location, "office": office}
    theirs = KAZPOST.outbound(ours)
    assert set(theirs) == {"ШПИ", "Операция", "Дата операции", "Место", "Индекс ОПС"}
    back = KAZPOST.inbound(dict(zip(KAZPOST.header(list(theirs)), theirs.values(),
                                    strict=True)))
    # Back as the partner wrote it: a local time without its offset, read in the
    # profile's zone by the ingest.
    assert datetime.fromisoformat(back.pop("occurred_at")).replace(
        tzinfo=ZoneInfo("Asia/Almaty")) == moment
    assert back == {k: v for k, v in ours.items() if k != "occurred_at"}


def test_an_export_writes_local_times_in_the_profile_zone() -> None:
    utc = datetime(2026, 11, 21, 9, 40, tzinfo=UTC)
    row = KAZPOST.outbound({"occurred_at": utc.isoformat()})
    assert row["Дата операции"] == (utc + timedelta(hours=5)).strftime("%d.%m.%Y %H:%M")
