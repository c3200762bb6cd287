"""Request and response shapes of acceptance security's API: the controls of items at an
office, the decisions on those held, and the shipper blacklist."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from silkpost.domain.blacklist import BlacklistEntry

MAX_CHECKS = 10_000  # a truckload's items in one batch, one transaction
ITEM = Field(min_length=1, max_length=64, description="item id (S10)",
             examples=["CA000000014CN"])
OPERATOR = Field(min_length=1, max_length=64, description="who did it (name or badge)",
                 examples=["Aizhan #17"])
KIND = Field(description="resident_id (GB 11643), passport, or company (customs code)",
             examples=["resident_id"])
NUMBER = Field(min_length=1, max_length=32, description="the identity number or company code",
               examples=["11010519491231002X"])


class ShipperIn(BaseModel):
    """Who a sender is."""

    kind: Literal["resident_id", "passport", "company"] = KIND
    number: str = NUMBER


class CheckIn(BaseModel):
    """The controls done on one item (those not done left out)."""

    item_id: str = ITEM
    sender: ShipperIn | None = None
    content: Literal["clear", "suspect"] | None = None
    xray: Literal["clear", "suspect"] | None = None
    note: str = Field("", max_length=500)


class ChecksIn(BaseModel):
    """A batch of items' controls by one operator."""

    operator: str = OPERATOR
    checks: list[CheckIn] = Field(min_length=1, max_length=MAX_CHECKS)
    at: AwareDatetime | None = Field(None, description="when; none: now")


class AcceptedOut(BaseModel):
    """What one item's controls came to."""

    item_id: str
    held: bool
    reasons: list[str]


class DecisionIn(BaseModel):
    """A decision on items held by acceptance security."""

    decision: Literal["released", "returned"]
    operator: str = OPERATOR
    item_ids: list[str] = Field(min_length=1, max_length=MAX_CHECKS)
    note: str = Field("", max_length=500)


class DecidedOut(BaseModel):
    """The items decided on."""

    decision: str
    item_ids: list[str]


class BlacklistIn(BaseModel):
    """A shipper to bar."""

    kind: Literal["resident_id", "passport", "company"] = KIND
    number: str = NUMBER
    reason: str = Field(min_length=1, max_length=250)
    source: str = Field(min_length=1, max_length=250, description="on whose word: a case, a "
                        "notice, an authority")
    added_by: str = Field(min_length=1, max_length=250)
    expires_at: AwareDatetime | None = Field(None, description="none: until removed")


class LiftIn(BaseModel):
    """A shipper's bar to lift."""

    kind: Literal["resident_id", "passport", "company"] = KIND
    number: str = NUMBER
    reason: str = Field(min_length=1, max_length=250)
    removed_by: str = Field(min_length=1, max_length=250)


class BlacklistEntryOut(BaseModel):
    """An entry of the blacklist, with its removal once lifted."""

    entry: int
    kind: str
    number: str
    reason: str
    source: str
    added_by: str
    added_at: datetime
    expires_at: datetime | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None
    removal_reason: str | None = None

    @classmethod
    def of(cls, number: int, e: BlacklistEntry) -> BlacklistEntryOut:
        """An entry as the API shows it."""
        return cls(entry=number, kind=e.who.kind.value, number=e.who.number, reason=e.reason,
                   source=e.source, added_by=e.added_by, added_at=e.added_at,
                   expires_at=e.expires_at, removed_at=e.removed_at, removed_by=e.removed_by,
                   removal_reason=e.removal_reason)


class LiftedOut(BaseModel):
    """The entries lifted."""

    entries: list[int]
