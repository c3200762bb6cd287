"""Item messages from ingest (issue 17, point 6): ``item.status_changed`` and
``item.delivered`` are kept in the transaction that appends the events, fanned out after
commit only to partners who see the item, once per change; on the fake, SQLite and
PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain.partners import PartnerKind
from silkpost.domain.webhooks import Delivery, WebhookEventType
from silkpost.partners.service import register_partner
from silkpost.tracking.service import ingest
from silkpost.webhooks import service
from silkpost.webhooks.http_sender import HttpSender
from tests.factories import event, numbered
from tests.webhook_receiver import receiving

ITEM = "CA000000014CN"
OTHER = "CA000000028CN"
TYPES = ["item.status_changed", "item.delivered"]


def _partners(p: Platform) -> dict[str, str]:
    """China Post at Dongguan, Kazpost at Almaty, each subscribed to item messages."""
    subs = {}
    for code, node in (("CHINAPOST", "CNDGGA"), ("KAZPOST", "KZALAA")):
        register_partner(code, code.title(), PartnerKind.POST, nodes=(node,),
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())
        subs[code] = service.subscribe(code, "https://hooks.example.net/silkpost", TYPES,
                                       uow=p.webhook_uow(),
                                       clock=p.clock).subscription.subscription_id
    return subs


def _ingest(p: Platform, *records: dict[str, Any]) -> None:
    result = ingest(numbered(list(records)), uow=p.uow(), clock=p.clock, source="test")
    assert result.rejected == 0, result.rejections


def _queued(p: Platform, sub: str) -> list[Delivery]:
    """The subscription's deliveries, oldest first, once the kept messages are fanned out."""
    while service.fan_out(uow=p.webhook_uow(), clock=p.clock):
        pass
    return service.delivery_log(sub, uow=p.webhook_uow())[::-1]


def _data(x: Delivery) -> tuple[str, str, str | None]:
    body = json.loads(x.body)
    return body["type"], body["data"]["status"], body["data"].get("previous_status")


def test_status_changes_reach_the_partners_who_see_the_item(any_platform: Platform) -> None:
    p = any_platform
    subs = _partners(p)
    _ingest(p, event(ITEM, "EMA", "2026-11-20T10:00:00+08:00", office="CNDGGA",
                     source="CHINAPOST"))
    assert [_data(x) for x in _queued(p, subs["CHINAPOST"])] == [
        ("item.status_changed", "accepted", None)]
    assert _queued(p, subs["KAZPOST"]) == []  # not Kazpost's item yet

    # Arrival at Almaty: Kazpost sees it by this event, China Post by its earlier one.
    _ingest(p, event(ITEM, "EMD", "2026-11-23T09:00:00+05:00", office="KZALAA",
                     source="KAZPOST"))
    for code in subs:  # once it sees the item, a partner sees its whole history
        assert _data(_queued(p, subs[code])[-1]) == (
            "item.status_changed", "at_destination", "accepted")

    # A scan that leaves the status as it was is no change; delivery is two messages.
    _ingest(p, event(ITEM, "EMD", "2026-11-23T09:30:00+05:00", office="KZALAA",
                     source="KAZPOST"),
            event(ITEM, "EMI", "2026-11-23T15:00:00+05:00", office="KZALAA", source="KAZPOST"))
    last_two = [_data(x) for x in _queued(p, subs["KAZPOST"])[-2:]]
    assert last_two == [("item.status_changed", "delivered", "at_destination"),
                        ("item.delivered", "delivered", None)]
    assert len(_queued(p, subs["KAZPOST"])) == 3
    assert len(_queued(p, subs["CHINAPOST"])) == 4

    # The same file again: stored once, nothing changes, nothing is queued.
    _ingest(p, event(ITEM, "EMI", "2026-11-23T15:00:00+05:00", office="KZALAA",
                     source="KAZPOST"))
    assert len(_queued(p, subs["KAZPOST"])) == 3


def test_an_item_no_subscriber_sees_queues_nothing(any_platform: Platform) -> None:
    p = any_platform
    subs = _partners(p)
    _ingest(p, event(OTHER, "EMA", office="CNURCA", source="SOMEONE"),
            event(OTHER, "EMB", "2026-11-22T10:00:00+06:00", office="CNURCA",
                  source="SOMEONE"))
    assert all(_queued(p, s) == [] for s in subs.values())


def test_filters_narrow_the_item_messages(any_platform: Platform) -> None:
    p = any_platform
    subs = _partners(p)
    only = service.subscribe("KAZPOST", "https://hooks.example.net/one", ["item.delivered"],
                             object_ids=(OTHER,), uow=p.webhook_uow(), clock=p.clock)
    for item in (ITEM, OTHER):
        _ingest(p, event(item, "EMI", "2026-11-23T15:00:00+05:00", office="KZALAA",
                         source="KAZPOST"))
    delivered = _queued(p, only.subscription.subscription_id)
    assert [(x.event_type, _data(x)[1]) for x in delivered] == [
        (WebhookEventType.ITEM_DELIVERED, "delivered")]
    assert len(_queued(p, subs["KAZPOST"])) == 4  # both items, two messages each


def test_a_rolled_back_batch_queues_nothing(platform: Platform) -> None:
    """The messages ride in the batch's transaction: undone with it."""
    from silkpost.store.events import prepare, write
    from silkpost.tracking.records import to_event

    subs = _partners(platform)
    raw = to_event(event(ITEM, "EMA", office="CNDGGA", source="CHINAPOST"),
                   default_source="test")
    assert not isinstance(raw, list)
    rows, summaries = prepare([raw._replace(received_at=platform.clock.now())])
    engine = platform.engine
    with engine.connect() as conn:
        conn.begin()
        assert write(conn, rows, summaries) == 1
        conn.rollback()
    assert _queued(platform, subs["CHINAPOST"]) == []
    with platform.uow() as uow:
        assert uow.events.count_events() == 0


def test_item_messages_arrive_signed(sqlite_platform: Platform) -> None:
    p = sqlite_platform
    _partners(p)
    with receiving() as rx:
        new = service.subscribe("KAZPOST", rx.url, ["item.delivered"], uow=p.webhook_uow(),
                                clock=p.clock)
        _ingest(p, event(ITEM, "EMI", "2026-11-23T15:00:00+05:00", office="KZALAA",
                         source="KAZPOST"))
        done = service.dispatch_due(uow=p.webhook_uow, sender=HttpSender(allow_private=True),
                                    clock=p.clock, jitter=lambda: 0.0)
    assert done.delivered == 1
    [got] = rx.received
    assert got.verifies(new.secret, now=got.timestamp)
    assert got.payload["type"] == "item.delivered"
    assert got.payload["data"]["object_id"] == ITEM
    assert got.payload["data"]["office"] == "KZALAA"


def test_message_ids_come_from_the_change() -> None:
    """One change, one id: found twice (a retried batch), it is queued once."""
    from silkpost.webhooks.items import message_id

    a = message_id(WebhookEventType.ITEM_DELIVERED, ITEM, 1024)
    assert a == message_id(WebhookEventType.ITEM_DELIVERED, ITEM, 1024)
    assert a != message_id(WebhookEventType.ITEM_DELIVERED, ITEM, 2048)
    assert a != message_id(WebhookEventType.ITEM_STATUS_CHANGED, ITEM, 1024)


def test_queueing_counts_only_new_deliveries(any_platform: Platform) -> None:
    """The outbox says how many deliveries were new: a message queued again counts nothing."""
    from datetime import UTC, datetime

    p = any_platform
    _partners(p)
    at = datetime(2026, 11, 20, tzinfo=UTC)
    message = service.new_message(WebhookEventType.ITEM_DELIVERED, {"object_id": ITEM},
                                  at=at, object_id=ITEM, msg_id="msg_fixed")
    other = service.new_message(WebhookEventType.ITEM_DELIVERED, {"object_id": OTHER},
                                at=at, object_id=OTHER, msg_id="msg_other")
    with p.webhook_uow() as uow:
        assert service.queue([message], outbox=uow.webhooks, at=at) == 2  # two subscribers
        assert service.queue([message, other], outbox=uow.webhooks, at=at) == 2
        uow.commit()


def test_an_item_that_becomes_stuck_is_announced_once(any_platform: Platform,
                                                       clock: FixedClock) -> None:
    """``item.stuck`` comes from time passing: each dispatcher round looks for the items that
    passed their status's threshold since its last look, and the partners who see them hear
    of it once per standing (accepted: 48 h, departed: 120 h, by the status table)."""
    p = any_platform
    start = clock.moment
    subs = {}
    for code, node in (("CHINAPOST", "CNDGGA"), ("KAZPOST", "KZALAA")):
        register_partner(code, code.title(), PartnerKind.POST, nodes=(node,),
                         uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                         known_services=p.known_services())
        subs[code] = service.subscribe(code, "https://hooks.example.net/silkpost",
                                       ["item.stuck"], uow=p.webhook_uow(),
                                       clock=p.clock).subscription.subscription_id
    at = (start - timedelta(hours=1)).isoformat()
    _ingest(p, event(ITEM, "EMA", at, office="CNDGGA", source="CHINAPOST"),
            event(OTHER, "EMA", at, office="CNURCA", source="CNURC"))

    def round_at(hours: float) -> int:
        clock.moment = start + timedelta(hours=hours)
        return service.watch_stuck(uow=p.webhook_uow(), clock=p.clock)

    assert round_at(0) == 0
    assert round_at(46.5) == 0  # 47.5 h since acceptance: not yet
    assert round_at(47.5) == 2  # both passed 48 h; only China Post sees one of them
    stuck = _queued(p, subs["CHINAPOST"])
    assert [(x.event_type.value, json.loads(x.body)["data"]["object_id"]) for x in stuck] == [
        ("item.stuck", ITEM)]
    assert json.loads(stuck[0].body)["data"]["status"] == "accepted"
    assert _queued(p, subs["KAZPOST"]) == []
    assert round_at(47.5) == 0 and round_at(60) == 0  # still stuck: nothing new

    # It is loaded (departed), then nothing for too long: a new standing, a new message.
    _ingest(p, event(ITEM, "SLD", (start + timedelta(hours=61)).isoformat(), office="CNDGGA",
                     source="CHINAPOST"))
    assert round_at(61 + 119) == 0
    assert round_at(61 + 121) == 1
    again = _queued(p, subs["CHINAPOST"])
    assert [json.loads(x.body)["data"]["status"] for x in again] == ["accepted", "departed"]
    assert again[0].msg_id != again[1].msg_id


def test_a_message_kept_twice_is_queued_once(any_platform: Platform) -> None:
    """The kept messages have no unique index (ingest would pay for it); the deliveries do."""
    p = any_platform
    subs = _partners(p)
    _ingest(p, event(ITEM, "EMA", office="CNDGGA", source="CHINAPOST"))
    [first] = _queued(p, subs["CHINAPOST"])
    again = service.new_message(WebhookEventType.ITEM_STATUS_CHANGED, {"object_id": ITEM},
                                at=p.clock.now(), object_id=ITEM, msg_id=first.msg_id)
    with p.webhook_uow() as uow:
        assert uow.webhooks.add_messages([again, again]) == 2
        uow.commit()
    assert [x.msg_id for x in _queued(p, subs["CHINAPOST"])] == [first.msg_id]
