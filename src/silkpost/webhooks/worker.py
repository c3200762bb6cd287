"""The dispatcher's loop: rounds of :func:`dispatch_due` until told to stop.

It runs as ``silkpost webhooks run`` (its own process, e.g. one per machine beside the API
servers) and inside ``silkpost serve`` (a thread). Several can run against one PostgreSQL
store: each takes different deliveries.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from silkpost.webhooks.ports import Clock, Sender, WebhookUnitOfWork
from silkpost.webhooks.service import DispatchRound, dispatch_due

IDLE_WAIT_S = 1.0  # between rounds that found nothing due


class Dispatcher:
    """Sends due deliveries round after round; ``stop()`` ends it after the current round."""

    def __init__(self, *, uow: Callable[[], WebhookUnitOfWork], sender: Sender,
                 clock: Clock, workers: int, lease: timedelta) -> None:
        self._uow = uow
        self._sender = sender
        self._clock = clock
        self._workers = workers
        self._lease = lease
        self._stopping = threading.Event()
        self.totals = DispatchRound(0, 0, 0, ())

    def stop(self) -> None:
        """Finish the round under way, then return from :meth:`run`."""
        self._stopping.set()

    def run(self, *, once: bool = False) -> DispatchRound:
        """Dispatch until stopped (or, with ``once``, until nothing is due)."""
        with ThreadPoolExecutor(self._workers, thread_name_prefix="webhook") as pool:
            while not self._stopping.is_set():
                done = dispatch_due(uow=self._uow, sender=self._sender, clock=self._clock,
                                    executor=pool, lease=self._lease,
                                    limit=max(100, self._workers * 32))
                self.totals = DispatchRound(
                    self.totals.attempted + done.attempted,
                    self.totals.delivered + done.delivered,
                    self.totals.failed_for_good + done.failed_for_good,
                    self.totals.disabled + done.disabled,
                    self.totals.fanned_out + done.fanned_out)
                if done.attempted == 0 and done.fanned_out == 0:
                    if once:
                        break
                    self._stopping.wait(IDLE_WAIT_S)
        return self.totals
