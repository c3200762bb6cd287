"""China customs' departure message (CEB509) of a dispatch handed over at an office: each
parcel with its mail bag, checked against the 202205 XSD; through the service and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from silkpost.bootstrap import Platform, bootstrap
from silkpost.clock import FixedClock
from silkpost.customs.ceb.export import ExportSettingsInvalid, departure_messages
from silkpost.customs.ceb.schemas import CEB_NS, Side, Version
from silkpost.customs.ceb.validate import tree_problems
from silkpost.domain.office import Conveyance
from silkpost.office import outbound
from silkpost.office.errors import OfficeConflict
from silkpost.settings import Settings
from tests.conftest import NOW
from tests.integration.test_office_outbound import OFFICE, SOURCE, _bag, _items, _kw
from tests.unit.customs.test_ceb_export import SETTINGS

NS = {"c": CEB_NS}


def _left(p: Platform) -> tuple[str, list[str], list[str]]:
    """A dispatch of two bags (three and two parcels) closed and handed to a truck: its id,
    its parcels, its bags."""
    ids = _items(p, 1, 5)
    first = _bag(p, ids[:3], weight=4.0)
    second = _bag(p, ids[3:], weight=3.1, last=True)
    dispatch = first.dispatch.dispatch_id
    outbound.close_dispatch(OFFICE, dispatch, source=SOURCE, **_kw(p))
    outbound.hand_over(OFFICE, dispatch, Conveyance("truck", "XJ A1234", "T-URC-HRS"),
                       source=SOURCE, **_kw(p))
    bags = [first.bag.receptacle_id or "", second.bag.receptacle_id or ""]
    return dispatch, ids, bags


def test_a_departure_lists_each_parcel_with_its_bag_and_passes_the_xsd(
        any_platform: Platform) -> None:
    p = any_platform
    dispatch, ids, bags = _left(p)
    left = outbound.departure_of(OFFICE, dispatch, network=p.network, uow=p.office_uow())
    assert [b for b, _ in left.bags] == bags and left.conveyance == "XJ A1234"
    messages = departure_messages(
        left.dispatch_id, left_at=left.left_at, mode=left.conveyance_mode,
        conveyance=left.conveyance, service_id=left.service_id, bags=left.bags,
        settings=SETTINGS, now=NOW, per_message=3)
    assert [m.kind for m in messages] == ["509", "509"]  # five parcels, three a message
    rows = []
    for n, message in enumerate(messages, start=1):
        root = etree.fromstring(message.data)
        assert tree_problems(root, Version.V202205, Side.EXPORT) == ()
        head = root.find("c:Departure/c:DepartureHead", NS)
        assert head is not None
        assert head.findtext("c:trafMode", namespaces=NS) == "4"  # road
        assert head.findtext("c:copNo", namespaces=NS) == dispatch
        assert head.findtext("c:voyageNo", namespaces=NS) == "T-URC-HRS"
        assert (head.findtext("c:msgCount", namespaces=NS),
                head.findtext("c:msgSeqNo", namespaces=NS)) == ("2", str(n))
        rows += [(r.findtext("c:logisticsNo", namespaces=NS),
                  r.findtext("c:totalPackageNo", namespaces=NS))
                 for r in root.iterfind("c:Departure/c:DepartureList", NS)]
    assert rows == [(i, bags[0]) for i in ids[:3]] + [(i, bags[1]) for i in ids[3:]]


def test_a_dispatch_that_has_not_left_has_no_departure(any_platform: Platform) -> None:
    p = any_platform
    ids = _items(p, 1, 2)
    closed = _bag(p, ids, weight=2.0, last=True)
    with pytest.raises(OfficeConflict, match="has not left"):
        outbound.departure_of(OFFICE, closed.dispatch.dispatch_id, network=p.network,
                              uow=p.office_uow())


def test_what_the_message_cannot_carry_is_named() -> None:
    from dataclasses import replace

    with pytest.raises(ExportSettingsInvalid) as caught:
        departure_messages("CNURCAKZALAACN60001", left_at=NOW, mode="boat", conveyance="x",
                           service_id=None, bags=[], settings=replace(SETTINGS,
                                                                      customs_code=None),
                           now=NOW)
    assert {p.field for p in caught.value.problems} == {"customs_code", "conveyance_mode",
                                                        "dispatch_id"}


def test_silkpost_customs_departure_writes_the_message(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    from silkpost.cli import app

    url = f"sqlite:///{tmp_path / 'office.db'}"
    platform = bootstrap(Settings(database_url=url), clock=FixedClock(NOW))
    dispatch, _, bags = _left(platform)
    platform.dispose()
    monkeypatch.setenv("SILKPOST_DATABASE_URL", url)
    base = ["customs", "departure", OFFICE, dispatch, "--cop-code", "1100110001",
            "--cop-name", "Silk Post", "--dxp-id", "DXPENT0000012345", "--customs-code",
            "6527"]
    result = CliRunner().invoke(app, [*base, "--to", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert (report["bags"], report["parcels"], len(report["files"])) == (2, 5, 1)
    written = (tmp_path / "out" / report["files"][0]).read_bytes()
    assert set(bags) <= {r.text for r in etree.fromstring(written).iter(
        f"{{{CEB_NS}}}totalPackageNo")}
    unknown = CliRunner().invoke(app, [*base[:3], dispatch[:-4] + "9999", *base[4:],
                                       "--to", str(tmp_path / "out")])
    assert unknown.exit_code == 3 and "Traceback" not in unknown.output
    assert [f.name for f in (tmp_path / "out").iterdir()] == report["files"]
