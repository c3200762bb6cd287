"""A partner's files through its profile: imported as sent, exported and read back unchanged."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from silkpost.bootstrap import Platform
from silkpost.domain.codes import ObjectKind
from silkpost.domain.errors import Problem
from silkpost.domain.events import TrackingEvent, key_of
from silkpost.domain.partners import PartnerKind
from silkpost.partners.service import profile_of, register_partner, set_profile
from silkpost.tracking import formats
from silkpost.tracking.records import to_event
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


def test_a_partner_posts_its_file_as_its_system_writes_it(any_platform: Platform) -> None:
    """POST /api/v1/events by a partner with a profile: the sample as Kazpost's system saves
    it (Windows-1251, ';', Russian columns, its codes, dd.mm.yyyy local times) is stored,
    with no charset, delimiter or zone said in the request."""
    from fastapi.testclient import TestClient

    from silkpost.api.app import create_app
    from silkpost.domain.partners import Role
    from silkpost.partners.service import issue_key

    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, nodes=("KZALAA",),
                     uow=any_platform.partner_uow(), clock=any_platform.clock,
                     known_nodes=any_platform.known_nodes(), known_services=set())
    key = issue_key("KAZPOST", Role.PARTNER, uow=any_platform.partner_uow(),
                    clock=any_platform.clock).text
    auth = {"Authorization": f"Bearer {key}", "content-type": "text/csv"}
    with TestClient(create_app(any_platform)) as client:
        before = client.post("/api/v1/events", content=SAMPLE.read_bytes(), headers=auth)
        assert before.status_code == 400  # without its profile the file is not ours to read
        set_profile("KAZPOST", PROFILE.read_text("utf-8"), uow=any_platform.partner_uow())
        answer = client.post("/api/v1/events", content=SAMPLE.read_bytes(), headers=auth)
        assert answer.status_code == 200, answer.text
        assert (answer.json()["accepted"], answer.json()["rejected"]) == (9, 0)
        item = client.get("/api/v1/items/CA320004013CN", headers=auth).json()
    assert [(e["code"], e["office"], e["source"]) for e in item["timeline"]] == [
        ("EMD", "KZALAA", "KAZPOST"), ("EDC", "KZALAA", "KAZPOST"), ("EDD", "KZALAA", "KAZPOST")]
    assert item["timeline"][0]["occurred_at"] == "2026-11-21T09:15:00+05:00"
