"""A partner's files through its profile: imported as sent, exported and read back unchanged."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from silkpost.bootstrap import Platform
from silkpost.domain.codes import ObjectKind
from silkpost.domain.events import TrackingEvent, key_of
from silkpost.domain.partners import PartnerKind
from silkpost.partners.service import profile_of, register_partner, set_profile
from silkpost.tracking import formats
from silkpost.tracking.records import Problem, to_event
from silkpost.tracking.service import ingest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data/samples/kazpost-profile.csv"
PROFILE = ROOT / "data/samples/profiles/kazpost.toml"


def _import(platform: Platform, data: bytes) -> int:
    profile = profile_of("KAZPOST", uow=platform.partner_uow())
    assert profile is not None
    records = formats.profiled(formats.read_bytes(
        data, "csv", delimiter=profile.delimiter, encoding=profile.encoding,
        rename=profile.header), profile)
    result = ingest(records, uow=platform.uow(), clock=platform.clock, source="KAZPOST",
                    zone=ZoneInfo(profile.timezone or "UTC"))
    assert result.rejections == []
    return result.accepted


def test_a_partner_file_round_trips_through_its_profile(any_platform: Platform) -> None:
    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, uow=any_platform.partner_uow(),
                     clock=any_platform.clock, known_nodes=set(), known_services=set())
    set_profile("KAZPOST", PROFILE.read_text("utf-8"), uow=any_platform.partner_uow())
    assert _import(any_platform, SAMPLE.read_bytes()) == 9
    ids = sorted({line.split(b";")[0].decode() for line in SAMPLE.read_bytes().splitlines()[1:]})
    with any_platform.uow() as uow:
        stored = [e for i in ids for e in uow.events.timeline(ObjectKind.ITEM, i)]
    assert {(e.code, e.location, e.office) for e in stored} == {
        ("EMD", "KZALA", "KZALAA"), ("EDC", "KZALA", "KZALAA"), ("EDD", "KZALA", "KZALAA")}
    profile = profile_of("KAZPOST", uow=any_platform.partner_uow())
    assert profile is not None
    theirs = [profile.outbound(formats.event_record(e)) for e in stored]
    header = profile.export_header()
    exported = formats.write_csv(theirs, header, delimiter=";", encoding="windows-1251")
    assert exported.splitlines()[0] == SAMPLE.read_bytes().splitlines()[0]
    assert sorted(exported.splitlines()[1:]) == sorted(SAMPLE.read_bytes().splitlines()[1:])
    read_back = []
    for _, record in formats.profiled(formats.read_bytes(
            exported, "csv", delimiter=";", encoding="windows-1251", rename=profile.header),
            profile):
        assert not isinstance(record, Problem)
        event = to_event(record, default_source="KAZPOST", zone=ZoneInfo("Asia/Almaty"))
        assert isinstance(event, TrackingEvent), event
        read_back.append(event)
    assert sorted(key_of(e) for e in read_back) == sorted(key_of(e) for e in stored)
    assert _import(any_platform, exported) == 0  # the store agrees: every event known
