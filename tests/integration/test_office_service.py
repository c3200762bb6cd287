"""The exchange office's use cases on the in-memory fake, SQLite and PostgreSQL: the day's
work at Urumqi (CNURCA) from a pre-advice to the verification note, each action's event on
the item's timeline, and a repeated scan changing nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from silkpost.bootstrap import Platform
from silkpost.domain import s10
from silkpost.domain.codes import ObjectKind
from silkpost.domain.office import AdvisedReceptacle, FindingKind, HoldReason, PreAdvice
from silkpost.domain.partners import PartnerKind
from silkpost.errors import InvalidRequest
from silkpost.network.service import plan
from silkpost.office import service as office
from silkpost.office.errors import (
    DispatchNotFound,
    OfficeConflict,
    ReceptacleNotReceived,
    UnknownOffice,
)
from silkpost.office.ports import ItemState
from silkpost.partners.service import register_partner
from silkpost.tracking.service import ingest
from silkpost.webhooks import service as webhooks
from tests.factories import event, numbered

OFFICE = "CNURCA"
DISPATCH = "CNDGGACNURCADCC60007"  # Dongguan warehouse -> Urumqi, priority by surface
SOURCE = "CNPOST/urumqi"


def label(serial: int, tenths: int = 120) -> str:
    return f"{DISPATCH}{serial:03d}01{tenths:04d}"


ITEMS = tuple(s10.build("CA", n, "CN") for n in range(101, 106))


def _posted(p: Platform, *ids: str, destination: str = "KZALAA") -> None:
    result = ingest(numbered([
        event(i, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
              payload={"destination": destination}) for i in ids]),
        uow=p.uow(), clock=p.clock, source="CAINIAO")
    assert result.rejected == 0, result.rejections


def _advice() -> PreAdvice:
    return PreAdvice.of(DISPATCH, year=2026, receptacles=[
        AdvisedReceptacle(label(1), ITEMS[:3]), AdvisedReceptacle(label(2), ITEMS[3:], 8.0)])


def _kw(p: Platform) -> dict[str, Any]:
    return {"network": p.network, "uow": p.office_uow(), "clock": p.clock}


def _codes(p: Platform, kind: ObjectKind, object_id: str) -> list[str]:
    with p.uow() as uow:
        return [e.code for e in uow.events.timeline(kind, object_id)]


def test_the_days_work_from_pre_advice_to_verification_note(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, *ITEMS, "CA000000204CN")
    advised, new = office.advise(_advice(), sender="CNPOST", **_kw(p))
    assert new and advised.advice.item_count == 5
    again, new = office.advise(_advice(), sender="CNPOST", **_kw(p))
    assert not new and again.advised_at == advised.advised_at
    assert _codes(p, ObjectKind.DISPATCH, DISPATCH) == ["SYA"]  # taken, once

    answer = office.receive(OFFICE, label(1, 135), weighed_kg=13.5, seal="S-0001",
                            source=SOURCE, **_kw(p))
    assert answer.outcome == "announced" and answer.advised_items == 3
    assert answer.declared_kg == 12.0  # the pre-advice's label weight, not the scanned one
    assert answer.difference_kg == 1.5 and answer.weight_note is not None
    assert _codes(p, ObjectKind.RECEPTACLE, label(1, 135)) == ["EMB"]  # inland: outward

    scan = office.scan_item(OFFICE, ITEMS[0], receptacle=label(1, 135), source=SOURCE,
                            **_kw(p))
    assert scan.outcome == "sorted" and not scan.surplus
    assert scan.item.destination == "KZALAA" and scan.item.service_id
    first_service = next(s for s in p.network.services if s.id == scan.item.service_id)
    assert first_service.origin == OFFICE and scan.item.next_node == first_service.destination
    assert _codes(p, ObjectKind.ITEM, ITEMS[0])[-2:] == ["EMB", "SIS"]
    assert _codes(p, ObjectKind.RECEPTACLE, label(1, 135)) == ["EMB", "SBO"]  # opened

    surplus = office.scan_item(OFFICE, "CA000000204CN", receptacle=label(1, 135),
                               damaged=True, source=SOURCE, **_kw(p))
    assert surplus.surplus and surplus.damaged
    assert "SXD" in _codes(p, ObjectKind.ITEM, "CA000000204CN")

    findings = office.finish_receptacle(OFFICE, label(1, 135), source=SOURCE, **_kw(p))
    kinds = sorted((f.kind.value, f.item_id or "") for f in findings)
    assert kinds == sorted([("weight", ""), ("surplus_item", "CA000000204CN"),
                            ("damaged", "CA000000204CN"), ("missing_item", ITEMS[1]),
                            ("missing_item", ITEMS[2])])
    assert _codes(p, ObjectKind.RECEPTACLE, label(1, 135)) == ["EMB", "SBO", "SYC"]
    office.finish_receptacle(OFFICE, label(1, 135), source=SOURCE, **_kw(p))  # again
    assert _codes(p, ObjectKind.RECEPTACLE, label(1, 135)).count("SYC") == 1

    note = office.verification_note(DISPATCH, uow=p.office_uow(), clock=p.clock)
    assert note.missing == (label(2),) and not note.in_order
    assert not any(f.kind is FindingKind.MISSING_RECEPTACLE for f in note.findings)
    closed = office.close_verification_note(DISPATCH, source=SOURCE, **_kw(p))
    assert [f.receptacle_id for f in closed.findings
            if f.kind is FindingKind.MISSING_RECEPTACLE] == [label(2)]
    twice = office.close_verification_note(DISPATCH, source=SOURCE, **_kw(p))
    assert len(twice.findings) == len(closed.findings)  # each finding once
    with p.uow() as uow:
        sent = [e for e in uow.events.timeline(ObjectKind.DISPATCH, DISPATCH)
                if e.code == "SYD"]
    # sent (twice at one instant here: one event), from the office it came to
    assert [(e.office, e.payload) for e in sent] == [
        (OFFICE, {"findings": len(closed.findings), "missing": 1})]


def test_every_receipt_outcome(any_platform: Platform) -> None:
    p = any_platform
    office.advise(_advice(), sender="CNPOST", **_kw(p))
    outcome = [office.receive(OFFICE, lab, source=SOURCE, **_kw(p)).outcome for lab in (
        label(1), label(1), label(1, 999), label(3),
        "CNDGGAKZALAACCC60007001010120")]
    assert outcome == ["announced", "already_received", "duplicate", "unannounced",
                       "wrong_office"]
    note = office.verification_note(DISPATCH, uow=p.office_uow(), clock=p.clock)
    assert {f.kind for f in note.findings} == {FindingKind.DUPLICATE_RECEPTACLE,
                                               FindingKind.SURPLUS_RECEPTACLE}
    assert [r.receptacle_id for r in note.received] == [label(1), label(3)]
    with pytest.raises(DispatchNotFound):
        office.verification_note("CNDGGAKZALAACCC60007", uow=p.office_uow(), clock=p.clock)


def test_a_pre_advice_changes_only_until_its_bags_arrive(any_platform: Platform) -> None:
    p = any_platform
    office.advise(_advice(), sender="CNPOST", **_kw(p))
    fewer = PreAdvice.of(DISPATCH, year=2026, receptacles=[AdvisedReceptacle(label(1), ITEMS)])
    _, changed = office.advise(fewer, sender="CNPOST", **_kw(p))
    assert changed
    stored = office.pre_advice(DISPATCH, uow=p.office_uow())
    assert stored.advice == fewer
    office.receive(OFFICE, label(1), source=SOURCE, **_kw(p))
    with pytest.raises(OfficeConflict):
        office.advise(_advice(), sender="CNPOST", **_kw(p))


def test_a_repeated_item_scan_changes_nothing(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, ITEMS[0])
    first = office.scan_item(OFFICE, ITEMS[0], source=SOURCE, **_kw(p))
    events = _codes(p, ObjectKind.ITEM, ITEMS[0])
    later = p.clock.now() + timedelta(minutes=5)
    again = office.scan_item(OFFICE, ITEMS[0], at=later, source=SOURCE, **_kw(p))
    assert again.outcome == "already_scanned" and again.item == first.item
    assert _codes(p, ObjectKind.ITEM, ITEMS[0]) == events


def test_an_offline_scan_keeps_its_own_time(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, ITEMS[0])
    scanned = p.clock.now() - timedelta(hours=3)
    office.scan_item(OFFICE, ITEMS[0], at=scanned, source=SOURCE, **_kw(p))
    with p.uow() as uow:
        sis = [e for e in uow.events.timeline(ObjectKind.ITEM, ITEMS[0]) if e.code == "SIS"]
    assert [e.occurred_at for e in sis] == [scanned]


def test_items_without_a_route_say_why(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, ITEMS[0], destination="ZZZZZZ")
    no_dest = office.scan_item(OFFICE, ITEMS[1], source=SOURCE, **_kw(p))
    assert no_dest.outcome == "unrouted" and "no destination" in no_dest.reason
    elsewhere = office.scan_item(OFFICE, ITEMS[0], source=SOURCE, **_kw(p))
    assert elsewhere.outcome == "unrouted" and "ZZZZZZ" in elsewhere.reason
    assert "SIS" not in _codes(p, ObjectKind.ITEM, ITEMS[0])


def test_customs_selection_sends_an_item_to_the_hold_area(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, ITEMS[0])
    result = ingest(numbered([event(ITEMS[0], "SCI", "2026-11-24T08:00:00+08:00",
                                    office=OFFICE)]),
                    uow=p.uow(), clock=p.clock, source="customs")
    assert result.accepted == 1
    scan = office.scan_item(OFFICE, ITEMS[0], source=SOURCE, **_kw(p))
    assert scan.outcome == "held" and scan.item.hold_reason is HoldReason.CUSTOMS
    held = office.held_items(OFFICE, reason="customs", **_kw(p))
    assert [h.item.item_id for h in held] == [ITEMS[0]]


def test_hold_release_and_return_are_events_on_the_timeline(any_platform: Platform) -> None:
    p = any_platform
    _posted(p, *ITEMS[:3])
    now = p.clock.now()
    for item in ITEMS[:3]:
        office.scan_item(OFFICE, item, at=now - timedelta(hours=3), source=SOURCE, **_kw(p))
    office.present(OFFICE, ITEMS[0], at=now - timedelta(hours=2.5), source=SOURCE, **_kw(p))
    office.hold(OFFICE, ITEMS[0], "security", note="X-ray image unclear",
                at=now - timedelta(hours=2), source=SOURCE, **_kw(p))
    office.hold(OFFICE, ITEMS[1], HoldReason.ADDRESS, source=SOURCE, **_kw(p))
    held = office.held_items(OFFICE, **_kw(p))
    assert [h.item.item_id for h in held] == [ITEMS[0], ITEMS[1]]  # longest held first
    assert held[0].age_hours == pytest.approx(2.0)
    assert [h.item.item_id for h in office.held_items(OFFICE, reason="address", **_kw(p))] \
        == [ITEMS[1]]

    released = office.release(OFFICE, ITEMS[0], source=SOURCE, **_kw(p))
    assert released.outcome == "sorted" and released.item.state == ItemState.SORTED
    # Scanned and sorted, presented, held, released and sorted again, in that order.
    assert _codes(p, ObjectKind.ITEM, ITEMS[0]) == ["EMA", "EMB", "SIS", "EXA", "EXB", "EXC",
                                                    "SIS"]
    returned = office.return_to_sender(OFFICE, ITEMS[2], note="refused by customs",
                                       source=SOURCE, **_kw(p))
    assert returned.state == ItemState.RETURNED
    assert _codes(p, ObjectKind.ITEM, ITEMS[2])[-1] == "SRT"
    # Held straight off the truck (never scanned here): its arrival is on the timeline too.
    office.hold(OFFICE, ITEMS[3], "address", source=SOURCE, **_kw(p))
    assert _codes(p, ObjectKind.ITEM, ITEMS[3]) == ["EMB", "EXD"]
    with pytest.raises(OfficeConflict):
        office.release(OFFICE, ITEMS[2], source=SOURCE, **_kw(p))
    with pytest.raises(OfficeConflict):
        office.hold(OFFICE, ITEMS[2], "customs", source=SOURCE, **_kw(p))


def test_mistakes_are_named(any_platform: Platform) -> None:
    p = any_platform
    with pytest.raises(UnknownOffice) as unknown:
        office.receive("CNDGGA", label(1), source=SOURCE, **_kw(p))  # a warehouse
    assert "CNURCA" in unknown.value.detail
    with pytest.raises(InvalidRequest) as bad:
        office.receive(OFFICE, label(1)[:-1], source=SOURCE, **_kw(p))
    assert bad.value.field == "receptacle_id"
    with pytest.raises(InvalidRequest) as reason:
        office.hold(OFFICE, ITEMS[0], "weather", source=SOURCE, **_kw(p))
    assert reason.value.field == "reason"
    with pytest.raises(ReceptacleNotReceived):
        office.open_receptacle(OFFICE, label(1), source=SOURCE, **_kw(p))
    with pytest.raises(ReceptacleNotReceived):
        office.scan_item(OFFICE, ITEMS[0], receptacle=label(1), source=SOURCE, **_kw(p))
    # Nothing half-written: the refused scan left no event.
    assert _codes(p, ObjectKind.ITEM, ITEMS[0]) == []


def test_the_sender_hears_of_each_receipt_and_of_the_note(any_platform: Platform) -> None:
    p = any_platform
    subs = {}
    for code, node in (("CNPOST", "CNDGGA"), ("KAZPOST", "KZALAA")):
        register_partner(code, code.title(), PartnerKind.POST, nodes=(node,),
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())
        subs[code] = webhooks.subscribe(
            code, "https://hooks.example.net/silkpost", ["dispatch.received",
                                                         "dispatch.verified"],
            uow=p.webhook_uow(), clock=p.clock).subscription.subscription_id
    office.advise(_advice(), sender="CNPOST", **_kw(p))
    office.receive(OFFICE, label(1), weighed_kg=12.0, source=SOURCE, **_kw(p))
    office.receive(OFFICE, label(1), source=SOURCE, **_kw(p))  # again: no second message
    office.close_verification_note(DISPATCH, source=SOURCE, **_kw(p))
    got = [json.loads(d.body) for d in
           webhooks.delivery_log(subs["CNPOST"], uow=p.webhook_uow())[::-1]]
    assert [m["type"] for m in got] == ["dispatch.received", "dispatch.verified"]
    assert got[0]["data"]["arrived"] == [label(1)]
    assert got[0]["data"]["missing"] == [label(2)]
    assert got[1]["data"]["missing"] == [label(2)] and not got[1]["data"]["in_order"]
    # Kazpost sent no pre-advice of this dispatch: it hears nothing of it.
    assert webhooks.delivery_log(subs["KAZPOST"], uow=p.webhook_uow()) == []


def test_two_scanners_at_the_same_moment_store_one_scan(platform: Platform) -> None:
    """Six workers scan the same bag, then the same three items out of it, at once (a
    resent scan racing the first, two stations): one receipt, one arrival, one sort each;
    on SQLite and on PostgreSQL."""
    import threading

    p = platform
    _posted(p, *ITEMS[:3])
    office.advise(_advice(), sender="CNPOST", **_kw(p))
    start = threading.Barrier(6)
    errors: list[BaseException] = []
    answers: list[str] = []

    def work() -> None:
        try:
            start.wait()
            answers.append(office.receive(OFFICE, label(1), source=SOURCE, **_kw(p)).outcome)
            for item in ITEMS[:3]:
                answers.append(office.scan_item(OFFICE, item, receptacle=label(1),
                                                source=SOURCE, **_kw(p)).outcome)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(answers).count("announced") == 1 and answers.count("already_received") == 5
    assert answers.count("sorted") == 3 and answers.count("already_scanned") == 15
    assert _codes(p, ObjectKind.RECEPTACLE, label(1)) == ["EMB", "SBO"]
    for item in ITEMS[:3]:
        assert _codes(p, ObjectKind.ITEM, item) == ["EMA", "EMB", "SIS"]


def test_a_battery_is_never_sorted_to_a_flight(any_platform: Platform) -> None:
    """Two items for Almaty scanned at a moment when the earliest way there flies: the one
    the worker marks as carrying a battery is sorted to a route that does not; a flag the
    network does not know is refused, naming the field."""
    p = any_platform
    network = p.network
    _posted(p, ITEMS[0], ITEMS[1])
    now = p.clock.now()
    when = next(now - timedelta(hours=h) for h in range(1, 169)
                if plan(network, OFFICE, "KZALAA", now - timedelta(hours=h)).legs[0]
                .service.destination == "CNURC-AIR")
    plain = office.scan_item(OFFICE, ITEMS[0], at=when, source=SOURCE, **_kw(p))
    battery = office.scan_item(OFFICE, ITEMS[1], goods=["Battery"], at=when, source=SOURCE,
                               **_kw(p))
    assert plain.outcome == battery.outcome == "sorted"
    assert plain.item.next_node == "CNURC-AIR"
    grounded = plan(network, OFFICE, "KZALAA", when, goods=("battery",))
    assert battery.item.service_id == grounded.legs[0].service.id
    assert "air" not in {leg.service.mode for leg in grounded.legs}
    with pytest.raises(InvalidRequest) as bad:
        office.scan_item(OFFICE, ITEMS[2], goods=["plutonium"], source=SOURCE, **_kw(p))
    assert bad.value.field == "goods" and "battery" in str(bad.value)
