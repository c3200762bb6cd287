"""The audit log's entry: who did what, when, from where, and how it ended.

Every state-changing call and every failed use of a key is written down, so an operator can
answer "who marked this parcel delivered?" and "who has been trying keys?". Reads are not
(they would drown the log, and the tracking page is read millions of times a day).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from silkpost.domain.times import check_time

MAX_OBJECTS = 100  # object ids kept per entry; the counts say how many there were


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One call worth remembering."""

    at: datetime
    action: str  # the route as declared, e.g. "POST /api/v1/events"
    status: int  # the HTTP status it ended with
    partner: str | None = None  # None: the caller could not be told (a bad key)
    key_id: str | None = None
    client: str | None = None  # the caller's address as the server saw it
    request_id: str | None = None
    objects: Sequence[str] = ()
    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    detail: str = ""

    def __post_init__(self) -> None:
        check_time(self.at, field="at")
        object.__setattr__(self, "objects", tuple(self.objects[:MAX_OBJECTS]))
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))
