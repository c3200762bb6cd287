"""The simulator's offices of exchange: the office's own service functions, on the run's records.

Silkpost runs the Chinese offices of exchange; the simulator puts its parcels through them
with the same functions the scanner screen, the API and the CLI call (scan and sort, present,
hold and release, fill and close bags, close and hand over dispatches). Two things differ from
a real office, both because the simulated world runs ahead of the hub's store:

- the events the functions record join the run's stream into the hub (validated by the
  same ``record_in`` as a real office's, stored by the hub's appender with the rest);
- what they ask of an item (its destination) is what the hub will know once the run's
  posting scans are stored, which the simulator tells this log as it posts them.

The office's working records (sort decisions, bags, dispatches, counters) live where the
composition root says; for a run, in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Self

from silkpost.domain.codes import ObjectKind, Status
from silkpost.domain.events import TrackingEvent
from silkpost.domain.tracked import TrackedObject
from silkpost.office.acceptance_ports import AcceptanceRepository
from silkpost.office.ports import OfficeRepository, OfficeUnitOfWork
from silkpost.partners.ports import PartnerRepository
from silkpost.webhooks.ports import WebhookRepository


class SimulatedLog:
    """The tracking log as the simulated offices see it (see the module's docstring)."""

    def __init__(self) -> None:
        self.destinations: dict[str, tuple[str, datetime]] = {}
        self._pending: list[TrackingEvent] = []
        self._ready: list[TrackingEvent] = []

    def posted(self, item_id: str, destination: str, at: datetime) -> None:
        """The simulator posted an item to ``destination``: the hub will know it so."""
        self.destinations[item_id] = (destination, at)

    def append(self, events: Sequence[TrackingEvent]) -> int:
        """Keep the events until the office's transaction commits."""
        self._pending.extend(events)
        return len(events)

    def tracked(self, kind: ObjectKind, object_id: str) -> TrackedObject | None:
        """An item as the hub will know it: posted, with its destination."""
        posted = self.destinations.get(object_id) if kind is ObjectKind.ITEM else None
        if posted is None:
            return None
        destination, at = posted
        return TrackedObject(kind, object_id, Status.ACCEPTED, "EMA", at, None, None, at,
                             destination, at)

    def commit(self) -> None:
        """The transaction's events are ready for the hub."""
        self._ready.extend(self._pending)
        self._pending = []

    def rollback(self) -> None:
        """The transaction's events are gone with it."""
        self._pending = []

    def take(self) -> list[TrackingEvent]:
        """The committed events not handed to the hub yet."""
        ready, self._ready = self._ready, []
        return ready


class SimulatedOfficeWork:
    """An office unit of work of the simulation: the records' transaction, and the log."""

    def __init__(self, records: OfficeUnitOfWork, log: SimulatedLog) -> None:
        self.records = records
        self.log = log

    @property
    def office(self) -> OfficeRepository:
        """The office's records inside this transaction."""
        return self.records.office

    @property
    def events(self) -> SimulatedLog:
        """The run's log."""
        return self.log

    @property
    def webhooks(self) -> WebhookRepository:
        """The records' webhook outbox."""
        return self.records.webhooks

    @property
    def partners(self) -> PartnerRepository:
        """The records' partners."""
        return self.records.partners

    @property
    def acceptance(self) -> AcceptanceRepository:
        """The records' acceptance security records."""
        return self.records.acceptance

    def __enter__(self) -> Self:
        self.records.__enter__()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.log.rollback()
        self.records.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        """Commit the records, then release the events to the hub's stream."""
        self.records.commit()
        self.log.commit()

    def rollback(self) -> None:
        """Forget the records' changes and the events."""
        self.records.rollback()
        self.log.rollback()
