"""The dispatcher as its own process (``silkpost webhooks run``), killed with SIGKILL while a
delivery it has taken is on the wire: after a restart the message is delivered, with the
same webhook-id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from silkpost.bootstrap import bootstrap
from silkpost.domain.partners import PartnerKind
from silkpost.domain.webhooks import DeliveryState, WebhookEventType
from silkpost.partners.service import register_partner
from silkpost.settings import Settings
from silkpost.webhooks import service
from tests.webhook_receiver import receiving

DEADLINE_S = 60.0


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "silkpost.cli", "webhooks", "run"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _until(condition: object, what: str) -> None:
    """Wait for ``condition()`` (a real event in another process), failing after a deadline."""
    end = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > end:
            pytest.fail(f"no {what} within {DEADLINE_S:g} s")
        time.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_dispatcher_leaves_nothing_undelivered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'silkpost.db'}"
    env = {**os.environ, "SILKPOST_DATABASE_URL": url, "SILKPOST_ANALYTICS_FILE": ":memory:",
           "SILKPOST_WEBHOOKS_ALLOW_PRIVATE": "1", "SILKPOST_WEBHOOKS_LEASE_SECONDS": "1"}
    platform = bootstrap(Settings(database_url=url, analytics_file=":memory:"))
    register_partner("KAZPOST", "Kazpost", PartnerKind.POST, uow=platform.partner_uow(),
                     clock=platform.clock, known_nodes=set(), known_services=set())
    with receiving() as rx:
        new = service.subscribe("KAZPOST", rx.url, ["item.delivered"],
                                uow=platform.webhook_uow(), clock=platform.clock)
        message = service.new_message(WebhookEventType.ITEM_DELIVERED, {"object_id": "X1"},
                                      at=platform.clock.now())
        with platform.webhook_uow() as uow:
            service.queue([message], outbox=uow.webhooks, at=platform.clock.now())
            uow.commit()
        rx.holding.set()  # the receiver hangs: the worker is mid-send when it is killed
        first = _worker(env)
        try:
            _until(rx.arrived.is_set, "first attempt")
            first.send_signal(signal.SIGKILL)
            assert first.wait(10) == -signal.SIGKILL
        finally:
            first.kill()
        rx.holding.clear()
        rx.released.set()
        [taken] = service.delivery_log(new.subscription.subscription_id,
                                       uow=platform.webhook_uow())
        assert taken.state is DeliveryState.PENDING and taken.attempts == 0
        second = _worker(env)
        try:
            _until(lambda: service.delivery_log(
                new.subscription.subscription_id, uow=platform.webhook_uow()
            )[0].state is DeliveryState.DELIVERED, "delivery after the restart")
            second.send_signal(signal.SIGTERM)
            assert second.wait(10) == 0
        finally:
            second.kill()
    assert set(rx.ids()) == {message.msg_id} and len(rx.ids()) == 2
    platform.dispose()
