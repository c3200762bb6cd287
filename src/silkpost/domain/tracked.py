"""The read-model record of a tracked object: what a list of items or a status screen shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from silkpost.domain.codes import ObjectKind, Status


@dataclass(frozen=True, slots=True)
class TrackedObject:
    """An object's current standing as kept by the store, without its full timeline."""

    object_kind: ObjectKind
    object_id: str
    status: Status
    last_code: str
    last_at: datetime
    last_location: str | None
    last_office: str | None
    first_at: datetime
    destination: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many objects stand in one status at one place, and how many of them are stuck."""

    status: Status
    office: str | None
    total: int
    stuck: int
