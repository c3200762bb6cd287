"""The ports the notice services need, as Protocols: the notice repository and its unit of work.

The clock is the platform's one Clock port (re-exported here so the service imports its ports
from one place).

The SQL store and the in-memory fake both satisfy them by shape. The tracking unit of work is
left as it is: a store that keeps notices offers both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from silkpost.domain.notices import Notice, NoticeState
from silkpost.tracking.ports import Clock
from silkpost.transaction import Transaction
from silkpost.webhooks.ports import WebhookRepository

__all__ = ["Clock", "NoticeQuery", "NoticeRepository", "NoticeUnitOfWork"]


@dataclass(frozen=True, slots=True)
class NoticeQuery:
    """Filters for listing notices, newest first.

    ``state`` is the state at ``at``. ``nodes`` and ``services`` keep the notices that concern
    any of them (network-wide notices concern everything); both empty means no such filter.
    ``published_only`` drops drafts and withdrawn notices whatever the moment (the feed).
    """

    at: datetime
    state: NoticeState | None = None
    nodes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    published_only: bool = False
    limit: int = 100


class NoticeRepository(Protocol):
    """Notices by id; a notice is never deleted, only withdrawn."""

    def add(self, notice: Notice) -> None:
        """Store a new notice (its id must be new)."""
        ...

    def get(self, notice_id: str) -> Notice | None:
        """The notice with this id."""
        ...

    def update(self, notice: Notice) -> None:
        """Store the new times of a notice already stored."""
        ...

    def list(self, query: NoticeQuery) -> list[Notice]:
        """Notices matching the query, most recently created first."""
        ...

    def count_created_in(self, year: int) -> int:
        """How many notices have ids of ``year`` (ids are never freed, so the next is +1)."""
        ...


class NoticeUnitOfWork(Transaction, Protocol):
    """One transaction over notices: rolled back on leaving unless committed."""

    @property
    def notices(self) -> NoticeRepository:
        """The notices inside this transaction."""
        ...

    @property
    def webhooks(self) -> WebhookRepository:
        """The webhook outbox, which hears of a publication in the same transaction."""
        ...
