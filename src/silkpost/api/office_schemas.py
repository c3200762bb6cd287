"""Request and response shapes of the exchange offices' API (its OpenAPI contract).

Ids, weights, reasons and times are checked by the domain, not here, so that a bad one is a
400 naming its field with the domain's own reason (a wrong S9 check character, a naive time);
the limits here only bound what a request can make the server read.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, JsonValue

from silkpost.domain.office import (
    MAX_ITEMS,
    MAX_RECEPTACLES,
    AdvisedReceptacle,
    Finding,
    FindingKind,
    HoldReason,
    PreAdvice,
    ReceiptOutcome,
)
from silkpost.office.ports import AdvisedDispatch, ItemAtOffice, Receipt
from silkpost.office.service import (
    HeldItem,
    ItemScan,
    OpenedReceptacle,
    ReceiptAnswer,
    VerificationNote,
)

MAX_ID = 64  # the longest object id the tracking log stores
MAX_TEXT = 1000  # seals and notes: the domain's limits are shorter, and say so by name
_AT = ("when it happened, ISO 8601 with its UTC offset (an offline scanner sends its own "
       "scan time); default: now")
_REASONS = [r.value for r in HoldReason]
_REASON_ENUM: list[JsonValue] = [r.value for r in HoldReason]  # documented, checked by the domain

ItemId = Annotated[str, Field(max_length=MAX_ID, examples=["CA000000014CN"])]


# --- pre-advices ---------------------------------------------------------------------------


class AdvisedReceptacleIn(BaseModel):
    """One bag of a pre-advice: its S9 label and the items in it."""

    receptacle_id: str = Field(max_length=MAX_ID, description="S9 receptacle id (29 characters)",
                               examples=["CNDGGACNURCADCC60007001010120"])
    weight_kg: float | None = Field(None, description="declared weight; default: the label's")
    items: list[ItemId] = Field(default_factory=list, max_length=MAX_ITEMS,
                                description="the items in the bag (S10 ids or carriers' numbers)")

    def receptacle(self) -> AdvisedReceptacle:
        """The domain's receptacle (checked: raises the domain's error naming the field)."""
        return AdvisedReceptacle(self.receptacle_id, tuple(self.items), self.weight_kg)


class PreAdviceIn(BaseModel):
    """A dispatch announced to the office it goes to (as UPU PREDES): at most 999 receptacles
    and 100,000 items."""

    dispatch_id: str = Field(max_length=MAX_ID, description="UPU S8 dispatch id (20 characters)",
                             examples=["CNDGGACNURCADCC60007"])
    year: int = Field(description="the dispatch's year (its last digit is in the dispatch id)",
                      examples=[2026])
    receptacles: list[AdvisedReceptacleIn] = Field(max_length=MAX_RECEPTACLES)

    def advice(self) -> PreAdvice:
        """The domain's pre-advice (checked: raises the domain's error naming the field)."""
        return PreAdvice.of(self.dispatch_id, year=self.year,
                            receptacles=[r.receptacle() for r in self.receptacles])


class AdvisedReceptacleOut(BaseModel):
    """One bag as announced: its label, declared weight and how many items it holds."""

    receptacle_id: str
    weight_kg: float
    items: int


class PreAdviceOut(BaseModel):
    """A pre-advice as stored: what the dispatch id says, its size, who sent it and when."""

    dispatch_id: str
    year: int
    origin: str
    destination: str
    category: str
    subclass: str
    serial: int
    receptacle_count: int
    item_count: int
    sender: str
    advised_at: datetime
    receptacles: list[AdvisedReceptacleOut]

    @classmethod
    def of(cls, stored: AdvisedDispatch) -> PreAdviceOut:
        """From the stored pre-advice."""
        a = stored.advice
        return cls(
            dispatch_id=a.dispatch_id, year=a.year, origin=a.origin, destination=a.destination,
            category=a.category, subclass=a.subclass, serial=a.serial,
            receptacle_count=len(a.receptacles), item_count=a.item_count, sender=stored.sender,
            advised_at=stored.advised_at,
            receptacles=[AdvisedReceptacleOut(receptacle_id=r.receptacle_id,
                                              weight_kg=r.weight_kg or 0.0, items=len(r.items))
                         for r in a.receptacles],
        )


# --- receptacles ---------------------------------------------------------------------------


class ReceiveIn(BaseModel):
    """A bag's label scanned on arrival, with what the scale and the seal say."""

    receptacle_id: str = Field(max_length=MAX_ID, description="S9 receptacle id as scanned",
                               examples=["CNDGGACNURCADCC60007001010120"])
    weighed_kg: float | None = Field(None, description="the bag on the office's scale")
    seal: str | None = Field(None, max_length=MAX_TEXT, description="seal number (1 to 32)")
    at: datetime | None = Field(None, description=_AT)


class ReceiptOut(BaseModel):
    """What scanning a bag's label came to: one outcome per scan (``wrong_office``,
    ``duplicate`` ... are outcomes, not errors)."""

    outcome: ReceiptOutcome
    receptacle_id: str
    dispatch_id: str
    office: str
    received_at: datetime | None = Field(description="when first received here (none: not "
                                         "received here)")
    declared_kg: float
    weighed_kg: float | None
    difference_kg: float | None = Field(description="weighed minus declared")
    seal: str | None
    advised_items: int
    weight_note: str | None = Field(description="the verification note's line on the weight")

    @classmethod
    def of(cls, a: ReceiptAnswer) -> ReceiptOut:
        """From the service's answer."""
        return cls(outcome=a.outcome, receptacle_id=a.receptacle_id, dispatch_id=a.dispatch_id,
                   office=a.office, received_at=a.received_at, declared_kg=a.declared_kg,
                   weighed_kg=a.weighed_kg, difference_kg=a.difference_kg, seal=a.seal,
                   advised_items=a.advised_items, weight_note=a.weight_note)


class AtIn(BaseModel):
    """When an action happened."""

    at: datetime | None = Field(None, description=_AT)


class OpenedOut(BaseModel):
    """A bag opened: the items its pre-advice lists, those scanned out, those still expected."""

    receptacle_id: str
    opened_at: datetime
    advised: list[str]
    scanned: list[str]
    still_expected: list[str]

    @classmethod
    def of(cls, o: OpenedReceptacle) -> OpenedOut:
        """From the service's answer."""
        return cls(receptacle_id=o.receptacle_id, opened_at=o.opened_at,
                   advised=list(o.advised), scanned=list(o.scanned),
                   still_expected=o.still_expected)


class FindingOut(BaseModel):
    """One irregularity of a verification note (CN 43)."""

    dispatch_id: str
    kind: FindingKind
    receptacle_id: str | None
    item_id: str | None
    detail: str
    found_at: datetime

    @classmethod
    def of(cls, f: Finding) -> FindingOut:
        """From the domain's finding."""
        return cls(dispatch_id=f.dispatch_id, kind=f.kind, receptacle_id=f.receptacle_id,
                   item_id=f.item_id, detail=f.detail, found_at=f.found_at)


class FinishedOut(BaseModel):
    """A bag's verification closed: its findings (missing, surplus, damaged, weight)."""

    receptacle_id: str
    findings: list[FindingOut]


# --- items ---------------------------------------------------------------------------------


class ItemScanIn(BaseModel):
    """An item scanned at the office, out of the bag being opened when given."""

    item_id: ItemId
    receptacle_id: str | None = Field(None, max_length=MAX_ID,
                                      description="S9 id of the bag it came out of")
    damaged: bool = False
    goods: list[str] = Field(default_factory=list, max_length=8,
                             description="goods the worker sees it carries, as the network's "
                                         "goods flags (battery: its route may not fly)")
    at: datetime | None = Field(None, description=_AT)


class HoldIn(BaseModel):
    """Keep an item at the office."""

    reason: str = Field(max_length=MAX_ID, description=f"one of {', '.join(_REASONS)}",
                        json_schema_extra={"enum": _REASON_ENUM})
    note: str = Field("", max_length=MAX_TEXT, description="up to 500 characters")
    at: datetime | None = Field(None, description=_AT)


class NoteIn(BaseModel):
    """An action with an optional note."""

    note: str = Field("", max_length=MAX_TEXT, description="up to 500 characters")
    at: datetime | None = Field(None, description=_AT)


class SortOut(BaseModel):
    """Where a sorted item goes: its destination, the service it leaves by and the next node."""

    destination: str | None
    service_id: str | None
    next_node: str | None


class ItemOut(BaseModel):
    """An item's work at an office: sorted (where to), held (why, since when), returned."""

    item_id: str
    office: str
    state: str = Field(description="sorted, held, returned or unrouted")
    receptacle_id: str | None
    sort: SortOut | None = Field(description="the sort decision (none when not sorted)")
    hold_reason: HoldReason | None
    held_at: datetime | None
    note: str
    scanned_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, i: ItemAtOffice) -> dict[str, object]:
        """The fields from the service's item."""
        sort = (SortOut(destination=i.destination, service_id=i.service_id,
                        next_node=i.next_node) if i.next_node is not None else None)
        return {"item_id": i.item_id, "office": i.office, "state": i.state,
                "receptacle_id": i.receptacle_id, "sort": sort, "hold_reason": i.hold_reason,
                "held_at": i.held_at, "note": i.note, "scanned_at": i.scanned_at,
                "updated_at": i.updated_at}

    @classmethod
    def of(cls, i: ItemAtOffice) -> ItemOut:
        """From the service's item."""
        return cls.model_validate(cls.fields_of(i))


class ItemScanOut(ItemOut):
    """The answer to an item's scan: where it goes, or why it stays."""

    outcome: Literal["sorted", "held", "unrouted", "already_scanned", "returned"]
    surplus: bool = Field(description="not listed in the bag it came out of")
    damaged: bool
    reason: str = Field(description="why it is held or has no route")

    @classmethod
    def of_scan(cls, s: ItemScan) -> ItemScanOut:
        """From the service's scan."""
        return cls.model_validate({**cls.fields_of(s.item), "outcome": s.outcome,
                                   "surplus": s.surplus, "damaged": s.damaged,
                                   "reason": s.reason})


class HeldItemOut(ItemOut):
    """An item in the hold area and how long it has been there."""

    age_hours: float

    @classmethod
    def of_held(cls, h: HeldItem) -> HeldItemOut:
        """From the service's held item."""
        return cls.model_validate({**cls.fields_of(h.item), "age_hours": round(h.age_hours, 2)})


class HeldListOut(BaseModel):
    """Items held at an office, longest held first."""

    office: str
    items: list[HeldItemOut]


# --- the verification note -----------------------------------------------------------------


class ReceivedOut(BaseModel):
    """A receptacle of the dispatch as received."""

    receptacle_id: str
    office: str
    outcome: ReceiptOutcome
    received_at: datetime
    declared_kg: float
    weighed_kg: float | None
    difference_kg: float | None
    seal: str | None
    opened_at: datetime | None
    verified_at: datetime | None

    @classmethod
    def of(cls, r: Receipt) -> ReceivedOut:
        """From the stored receipt."""
        return cls(receptacle_id=r.receptacle_id, office=r.office, outcome=r.outcome,
                   received_at=r.received_at, declared_kg=r.declared_kg,
                   weighed_kg=r.weighed_kg,
                   difference_kg=None if r.weighed_kg is None
                   else round(r.weighed_kg - r.declared_kg, 3),
                   seal=r.seal, opened_at=r.opened_at, verified_at=r.verified_at)


class VerificationNoteOut(BaseModel):
    """A dispatch as received (the content of a UPU CN 43): what arrived, what is missing and
    every irregularity found; ``in_order`` when there is none."""

    dispatch_id: str
    origin: str
    destination: str
    advised_by: str | None = Field(description="the partner that sent the pre-advice")
    in_order: bool
    received: list[ReceivedOut]
    missing: list[str] = Field(description="announced receptacles not received (yet)")
    findings: list[FindingOut]

    @classmethod
    def of(cls, n: VerificationNote) -> VerificationNoteOut:
        """From the service's note."""
        return cls(dispatch_id=n.dispatch_id, origin=n.origin, destination=n.destination,
                   advised_by=n.advised_by, in_order=n.in_order,
                   received=[ReceivedOut.of(r) for r in n.received], missing=list(n.missing),
                   findings=[FindingOut.of(f) for f in n.findings])


CSV_COLUMNS = ("dispatch", "kind", "receptacle", "item", "detail", "found_at")


def findings_csv(note: VerificationNote) -> str:
    """The note's findings as CSV (a header row, then one row per finding, as found)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in note.findings:
        writer.writerow((f.dispatch_id, f.kind.value, f.receptacle_id or "", f.item_id or "",
                         f.detail, f.found_at.isoformat()))
    return out.getvalue()
