"""Acceptance security at Urumqi (CNURCA) on the fake, SQLite and PostgreSQL: the controls
as events with operator and outcome, holds for security in the office's hold area, the
decisions, and the export dispatch gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain.acceptance import AcceptanceCheck, Decision, Outcome
from silkpost.domain.blacklist import Blacklist, BlacklistEntry, shipper
from silkpost.domain.codes import ObjectKind
from silkpost.domain.office import HoldReason
from silkpost.errors import InvalidRequest
from silkpost.office import acceptance, outbound
from silkpost.office import service as office
from silkpost.office.errors import OfficeConflict
from tests.integration.test_office_outbound import OFFICE, SOURCE, _bag, _codes, _items, _kw
from tests.unit.customs.test_declarations import RESIDENT

CLEAR = Outcome.CLEAR
SENDER = shipper("resident_id", RESIDENT)


def _checks(ids: list[str], **changes: Any) -> list[AcceptanceCheck]:
    kw: dict[str, Any] = {"sender": SENDER, "content": CLEAR, "xray": CLEAR}
    kw.update(changes)
    return [AcceptanceCheck(i, **kw) for i in ids]


def _record(p: Platform, checks: list[AcceptanceCheck], **kw: Any
            ) -> list[acceptance.Accepted]:
    return acceptance.record_checks(OFFICE, checks, operator="Aizhan #17", source=SOURCE,
                                    **_kw(p), **kw)


def _payloads(p: Platform, item: str) -> dict[str, dict[str, Any]]:
    with p.uow() as uow:
        return {e.code: dict(e.payload or {})
                for e in uow.events.timeline(ObjectKind.ITEM, item)}


def test_clear_controls_are_events_with_operator_and_outcome(any_platform: Platform) -> None:
    p = any_platform
    [item] = _items(p, 1, 1)
    [answer] = _record(p, _checks([item]))
    assert not answer.held
    found = _payloads(p, item)
    assert found["SKI"] == {"operator": "Aizhan #17", "identity": "resident_id"}
    assert found["SKC"] == found["SKX"] == {"operator": "Aizhan #17", "outcome": "clear"}
    assert "SKH" not in found
    with p.office_uow() as uow:
        [record] = uow.acceptance.records([item]).values()
    assert record.complete and record.sender == f"resident_id:{RESIDENT}"
    assert record.content_operator == record.xray_operator == "Aizhan #17"


def test_a_suspect_xray_holds_the_item_for_security_until_released(any_platform: Platform
                                                                   ) -> None:
    p = any_platform
    ids = _items(p, 1, 2)
    answers = _record(p, _checks(ids[:1], xray=Outcome.SUSPECT, note="dense block") +
                      _checks(ids[1:]))
    assert [a.held for a in answers] == [True, False]
    assert answers[0].reasons == ("X-ray found something to look at",)
    held = office.held_items(OFFICE, reason=HoldReason.SECURITY, **_kw(p))
    assert [h.item.item_id for h in held] == ids[:1]
    assert "dense block" in _payloads(p, ids[0])["SKH"]["reason"]
    with pytest.raises(OfficeConflict, match=ids[1]):  # not held: nothing decided
        acceptance.decide(OFFICE, ids, Decision.RELEASED, operator="chief Wang",
                          source=SOURCE, **_kw(p))
    assert "SKR" not in _payloads(p, ids[0])
    acceptance.decide(OFFICE, ids[:1], "released", operator="chief Wang", source=SOURCE,
                      **_kw(p))
    assert _payloads(p, ids[0])["SKR"] == {"operator": "chief Wang"}
    with p.office_uow() as uow:
        assert uow.office.item(OFFICE, ids[0]).state == "sorted"  # type: ignore[union-attr]


def test_a_blacklisted_sender_is_held_and_may_be_returned(any_platform: Platform) -> None:
    p = any_platform
    [item] = _items(p, 1, 1)
    barred = Blacklist([BlacklistEntry(SENDER, "fireworks in toys", "case 7", "Li",
                                       p.clock.now())], at=p.clock.now())
    [answer] = _record(p, _checks([item]), blacklist=barred)
    assert answer.held and "fireworks in toys" in answer.reasons[0]
    assert isinstance(p.clock, FixedClock)
    p.clock.moment += timedelta(hours=2)  # the decision comes after a closer look
    acceptance.decide(OFFICE, [item], Decision.RETURNED, operator="chief Wang",
                      note="sender barred", source=SOURCE, **_kw(p))
    codes = _codes(p, ObjectKind.ITEM, item)
    assert codes.index("SKH") < codes.index("SKT")
    with p.uow() as uow:
        tracked = uow.events.tracked(ObjectKind.ITEM, item)
    assert tracked is not None and tracked.status == "returned"
    with p.office_uow() as uow:
        assert uow.office.item(OFFICE, item).state == "returned"  # type: ignore[union-attr]


@pytest.mark.parametrize(("checks", "operator", "field"), [
    (lambda ids: _checks(ids), " ", "operator"),
    (lambda ids: _checks(["CA000000001CN"]), "op", "item_id"),
    (lambda ids: _checks([ids[0], ids[0]]), "op", "checks"),
    (lambda ids: _checks(ids, note="x" * 501), "op", "note"),
])
def test_a_wrong_batch_is_refused_naming_the_field_and_nothing_is_written(
        any_platform: Platform, checks: Any, operator: str, field: str) -> None:
    p = any_platform
    ids = _items(p, 1, 1)
    with pytest.raises(InvalidRequest) as caught:
        acceptance.record_checks(OFFICE, checks(ids), operator=operator, source=SOURCE,
                                 **_kw(p))
    assert caught.value.field == field
    assert not {"SKI", "SKC", "SKX"} & set(_codes(p, ObjectKind.ITEM, ids[0]))
    with p.office_uow() as uow:
        assert uow.acceptance.records(ids) == {}


def test_a_check_with_no_control_is_refused() -> None:
    with pytest.raises(ValueError, match="no control"):
        AcceptanceCheck("CA000000014CN")


def test_the_gate_refuses_a_dispatch_with_unchecked_items_naming_them(any_platform: Platform
                                                                      ) -> None:
    p = any_platform
    ids = _items(p, 1, 4)
    _record(p, _checks(ids[:2]))
    _record(p, _checks(ids[2:3], xray=None))  # content checked, X-ray still to come
    bag = outbound.start_bag(OFFICE, "KZALAA", **_kw(p))
    outbound.put_items_in_bag(OFFICE, bag.bag_id, ids, source=SOURCE, **_kw(p))
    gate = {"gate_offices": {OFFICE}}
    with pytest.raises(OfficeConflict) as caught:
        outbound.close_bag(OFFICE, bag.bag_id, weight_kg=3.0, last=True, source=SOURCE,
                           **_kw(p), **gate)
    assert f"2 items ({ids[2]}, {ids[3]})" in caught.value.detail
    assert "content check or X-ray" in caught.value.detail and caught.value.field == "bag"
    _record(p, _checks(ids[2:3], sender=None, content=None))  # the X-ray done later
    _record(p, _checks(ids[3:]))
    closed = outbound.close_bag(OFFICE, bag.bag_id, weight_kg=3.0, source=SOURCE, **_kw(p),
                                **gate)
    bill = outbound.close_dispatch(OFFICE, closed.dispatch.dispatch_id, source=SOURCE,
                                   **_kw(p), **gate)
    assert bill.dispatch_id == closed.dispatch.dispatch_id


def test_the_gate_at_closing_a_dispatch_names_items_bagged_before_it(any_platform: Platform
                                                                     ) -> None:
    """Bags closed while the gate was off: the dispatch itself is checked when it closes."""
    p = any_platform
    ids = _items(p, 1, 2)
    _record(p, _checks(ids[:1]))
    closed = _bag(p, ids, weight=2.0)
    dispatch = closed.dispatch.dispatch_id
    with pytest.raises(OfficeConflict, match=f"1 item \\({ids[1]}\\)") as caught:
        outbound.close_dispatch(OFFICE, dispatch, source=SOURCE, gate_offices={OFFICE},
                                **_kw(p))
    assert caught.value.field == "dispatch_id"


def test_without_the_gate_setting_a_dispatch_closes_as_before(any_platform: Platform) -> None:
    p = any_platform
    ids = _items(p, 1, 2)
    closed = _bag(p, ids, weight=2.0, last=True)
    bill = outbound.close_dispatch(OFFICE, closed.dispatch.dispatch_id, source=SOURCE,
                                   gate_offices={"CNKHGA"}, **_kw(p))
    assert bill.dispatch_id == closed.dispatch.dispatch_id


def test_an_item_checked_after_its_arrival_stays_at_the_office(any_platform: Platform
                                                               ) -> None:
    """The controls are recorded at an office of exchange: an item checked an hour after it
    was scanned in there still shows at the office of exchange, not back at "accepted"; the
    release after a security hold likewise."""
    p = any_platform
    ids = _items(p, 1, 2)
    assert isinstance(p.clock, FixedClock)
    p.clock.moment += timedelta(hours=1)
    _record(p, _checks(ids[:1]) + _checks(ids[1:], content=Outcome.SUSPECT))
    p.clock.moment += timedelta(hours=1)
    acceptance.decide(OFFICE, ids[1:], Decision.RELEASED, operator="chief Wang",
                      source=SOURCE, **_kw(p))
    with p.uow() as uow:
        statuses = [uow.events.tracked(ObjectKind.ITEM, i) for i in ids]
    assert [s.status if s else None for s in statuses] == ["at_office_of_exchange"] * 2
    assert "SKR" in _codes(p, ObjectKind.ITEM, ids[1])
