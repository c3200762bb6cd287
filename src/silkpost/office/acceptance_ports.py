"""The port of acceptance security's records at an office: what each item's controls found,
read by the export dispatch gate for thousands of items at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AcceptanceRecord:
    """An item's controls as recorded (a read model of its SKI, SKC and SKX events)."""

    item_id: str
    office: str
    sender: str | None = None  # the shipper's key (kind:number): the identity recorded
    content_at: datetime | None = None
    content_operator: str | None = None
    content_outcome: str | None = None
    xray_at: datetime | None = None
    xray_operator: str | None = None
    xray_outcome: str | None = None

    @property
    def complete(self) -> bool:
        """Whether both the content check and the X-ray are recorded."""
        return self.content_at is not None and self.xray_at is not None


class AcceptanceRepository(Protocol):
    """Items' acceptance records."""

    def records(self, item_ids: Sequence[str]) -> dict[str, AcceptanceRecord]:
        """The records of those items that have one."""
        ...

    def put_records(self, records: Sequence[AcceptanceRecord]) -> None:
        """Keep records, replacing those of the same items."""
        ...

    def unchecked(self, item_ids: Sequence[str]) -> list[str]:
        """Those of ``item_ids`` whose content check or X-ray is not recorded, in order."""
        ...
