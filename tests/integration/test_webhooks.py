"""Webhooks end to end against a real local HTTP receiver: the outbox, signatures, retries,
410, redirects, Retry-After, SSRF, replay — on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from silkpost.bootstrap import Platform
from silkpost.clock import FixedClock
from silkpost.domain.partners import PartnerKind
from silkpost.domain.webhooks import RETRY_DELAYS, DeliveryState, WebhookEventType
from silkpost.errors import InvalidRequest
from silkpost.partners.service import register_partner
from silkpost.webhooks import service
from silkpost.webhooks.http_sender import HttpSender
from tests.conftest import NOW
from tests.webhook_receiver import Receiver, receiving

STATUS = WebhookEventType.ITEM_STATUS_CHANGED
SENDER = HttpSender(allow_private=True, timeout=5)


def _partner(p: Platform, code: str = "KAZPOST") -> None:
    register_partner(code, code.title(), PartnerKind.POST, nodes=("KZALAA",),
                     uow=p.partner_uow(), clock=p.clock, known_nodes=p.known_nodes(),
                     known_services=p.known_services())


def _queue(p: Platform, *messages: service.Message, commit: bool = True) -> int:
    with p.webhook_uow() as uow:
        count = service.queue(messages, outbox=uow.webhooks, at=p.clock.now())
        if commit:
            uow.commit()
    return count


def _message(object_id: str = "RR123456785CN") -> service.Message:
    return service.new_message(STATUS, {"object_id": object_id, "status": "in_transit"},
                               at=NOW, object_id=object_id)


def _dispatch(p: Platform, sender: HttpSender = SENDER) -> service.DispatchRound:
    return service.dispatch_due(uow=p.webhook_uow, sender=sender, clock=p.clock,
                                jitter=lambda: 0.0)


def _subscribe(p: Platform, url: str, **filters: tuple[str, ...]) -> service.NewSubscription:
    return service.subscribe("KAZPOST", url, [STATUS.value], uow=p.webhook_uow(),
                             clock=p.clock, **filters)


def test_a_committed_message_arrives_once_signed(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        new = _subscribe(any_platform, rx.url)
        message = _message()
        assert _queue(any_platform, message) == 1
        assert _dispatch(any_platform).delivered == 1
        assert _dispatch(any_platform).attempted == 0  # nothing is sent twice
    [got] = rx.received
    assert got.msg_id == message.msg_id and got.path == "/hooks/silkpost"
    assert got.timestamp == int(any_platform.clock.now().timestamp())
    assert got.verifies(new.secret, now=got.timestamp)
    assert got.payload == {"type": "item.status_changed",
                           "timestamp": any_platform.clock.now().isoformat(),
                           "data": {"object_id": "RR123456785CN", "status": "in_transit"}}


def test_a_rolled_back_change_sends_nothing(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        _subscribe(any_platform, rx.url)
        _queue(any_platform, _message(), commit=False)
        assert _dispatch(any_platform).attempted == 0
    assert rx.received == []


def test_filters_pick_the_messages(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        _subscribe(any_platform, rx.url, object_ids=("RR000000000CN",))
        assert _queue(any_platform, _message("RR123456785CN")) == 0
        assert _queue(any_platform, _message("RR000000000CN")) == 1


def test_a_receiver_down_then_up_gets_every_message_once(any_platform: Platform) -> None:
    clock = any_platform.clock
    assert isinstance(clock, FixedClock)
    _partner(any_platform)
    with receiving() as probe:
        port = probe.port  # a port that was free; nobody listens on it after the block
    rx = Receiver(port)
    new = _subscribe(any_platform, rx.url)
    messages = [_message(f"RR{n:08d}0CN") for n in range(20)]
    _queue(any_platform, *messages)
    first = _dispatch(any_platform)
    assert (first.attempted, first.delivered) == (20, 0)
    clock.moment += RETRY_DELAYS[0]
    assert _dispatch(any_platform).delivered == 0  # still down
    with receiving(port, rx), ThreadPoolExecutor(4) as pool:
        clock.moment += RETRY_DELAYS[1]
        up = service.dispatch_due(uow=any_platform.webhook_uow, sender=SENDER,
                                  clock=clock, executor=pool, jitter=lambda: 0.0)
        assert up.delivered == 20
        clock.moment += RETRY_DELAYS[-1]
        assert _dispatch(any_platform).attempted == 0
    assert sorted(rx.ids()) == sorted(m.msg_id for m in messages)
    assert all(r.verifies(new.secret, now=r.timestamp) for r in rx.received)
    log = service.delivery_log(new.subscription.subscription_id, uow=any_platform.webhook_uow())
    assert {(x.state, x.attempts) for x in log} == {(DeliveryState.DELIVERED, 3)}


def test_410_disables_the_subscription(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        rx.answers.append((410, {}))
        new = _subscribe(any_platform, rx.url)
        _queue(any_platform, _message())
        assert _dispatch(any_platform).disabled == (new.subscription.subscription_id,)
        assert _queue(any_platform, _message()) == 0  # nothing more is queued for it
    [sub] = service.subscriptions(uow=any_platform.webhook_uow())
    assert sub.disabled_at is not None and "410" in sub.disabled_reason


def test_a_disabled_endpoint_is_announced_to_the_partners_other_endpoints(
        any_platform: Platform) -> None:
    """The partner hears that an endpoint stopped getting messages, and why, at an endpoint
    subscribed to ``webhook.disabled``; another partner hears nothing of it."""
    p = any_platform
    _partner(p)
    _partner(p, "CHINAPOST")
    with receiving() as gone, receiving() as ops, receiving() as other:
        gone.answers.append((410, {}))
        new = _subscribe(p, gone.url)
        service.subscribe("KAZPOST", ops.url, ["webhook.disabled"], uow=p.webhook_uow(),
                          clock=p.clock)
        service.subscribe("CHINAPOST", other.url, ["webhook.disabled"], uow=p.webhook_uow(),
                          clock=p.clock)
        _queue(p, _message())
        assert _dispatch(p).disabled == (new.subscription.subscription_id,)
        assert _dispatch(p).delivered == 1
        [notice] = ops.received
        assert notice.payload["type"] == "webhook.disabled"
        assert notice.payload["data"]["subscription_id"] == new.subscription.subscription_id
        assert "410" in notice.payload["data"]["reason"]
        assert other.received == []


def test_a_redirect_is_not_followed_and_retry_after_is_honoured(
    any_platform: Platform
) -> None:
    clock = any_platform.clock
    assert isinstance(clock, FixedClock)
    _partner(any_platform)
    with receiving() as rx:
        rx.answers += [(302, {"location": "http://169.254.169.254/"}),
                       (503, {"retry-after": "600"})]
        new = _subscribe(any_platform, rx.url)
        _queue(any_platform, _message())
        _dispatch(any_platform)
        clock.moment += RETRY_DELAYS[0]
        _dispatch(any_platform)
        [x] = service.delivery_log(new.subscription.subscription_id,
                                   uow=any_platform.webhook_uow())
        assert (x.last_status, x.next_at - clock.now()) == (503, timedelta(seconds=600))
        clock.moment += timedelta(seconds=599)
        assert _dispatch(any_platform).attempted == 0
        clock.moment += timedelta(seconds=1)
        assert _dispatch(any_platform).delivered == 1
    assert [r.path for r in rx.received] == ["/hooks/silkpost"] * 3


def test_private_targets_are_refused_unless_allowed(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        new = _subscribe(any_platform, rx.url)
        _queue(any_platform, _message())
        _dispatch(any_platform, HttpSender(allow_private=False))
    assert rx.received == []
    [x] = service.delivery_log(new.subscription.subscription_id, uow=any_platform.webhook_uow())
    assert "private address 127.0.0.1" in x.last_error


def test_replay_sends_the_same_ids_again(any_platform: Platform) -> None:
    _partner(any_platform)
    with receiving() as rx:
        new = _subscribe(any_platform, rx.url)
        _queue(any_platform, _message(), _message("RR000000000CN"))
        _dispatch(any_platform)
        since = any_platform.clock.now() - timedelta(hours=1)
        assert service.replay(new.subscription.subscription_id, since=since,
                              uow=any_platform.webhook_uow(), clock=any_platform.clock) == 2
        assert _dispatch(any_platform).delivered == 2
    first, second = rx.ids()[:2], rx.ids()[2:]
    assert sorted(first) == sorted(second)


@pytest.mark.parametrize(("url", "field"), [
    ("ftp://partner.example/hook", "url"), ("https://user:pw@partner.example/", "url"),
    ("https:///nohost", "url"),
])
def test_bad_subscriptions_name_the_field(any_platform: Platform, url: str, field: str
                                          ) -> None:
    _partner(any_platform)
    with pytest.raises(InvalidRequest) as caught:
        _subscribe(any_platform, url)
    assert caught.value.field == field
    with pytest.raises(InvalidRequest) as caught:
        service.subscribe("KAZPOST", "https://partner.example/", ["item.teleported"],
                          uow=any_platform.webhook_uow(), clock=any_platform.clock)
    assert caught.value.field == "types"


def test_publishing_a_notice_tells_the_subscribers(any_platform: Platform) -> None:
    from silkpost.domain.notices import Severity
    from silkpost.notices.service import NoticeDraft, create_notice, publish_notice

    _partner(any_platform)
    with receiving() as rx:
        new = service.subscribe("KAZPOST", rx.url, ["notice.published"], nodes=("KZALAA",),
                                uow=any_platform.webhook_uow(), clock=any_platform.clock)
        draft = NoticeDraft(title={"en": "Khorgos closed"}, severity=Severity.DISRUPTION,
                            body={}, nodes=("CNHRS-XS",), services=(),
                            valid_from=any_platform.clock.now(), valid_until=None)
        elsewhere = create_notice(draft, uow=any_platform.notice_uow(), clock=any_platform.clock,
                                  publish=True, known_nodes=any_platform.known_nodes(),
                                  known_services=any_platform.known_services())
        here = create_notice(replace(draft, nodes=("KZALAA",)), uow=any_platform.notice_uow(),
                             clock=any_platform.clock, known_nodes=any_platform.known_nodes(),
                             known_services=any_platform.known_services())
        assert _dispatch(any_platform).attempted == 0  # a draft, and a notice elsewhere
        publish_notice(here.notice.notice_id, uow=any_platform.notice_uow(),
                       clock=any_platform.clock)
        publish_notice(here.notice.notice_id, uow=any_platform.notice_uow(),
                       clock=any_platform.clock)  # again: nothing new is published
        assert _dispatch(any_platform).delivered == 1
    [got] = rx.received
    assert got.verifies(new.secret, now=got.timestamp)
    assert got.payload["type"] == "notice.published"
    assert got.payload["data"]["id"] == here.notice.notice_id != elsewhere.notice.notice_id
