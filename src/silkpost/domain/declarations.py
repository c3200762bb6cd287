"""Declarations as the platform keeps them: what a broker declared, under its reference, and
where customs has got with it.

A stored declaration holds the declaration as a *record* (:func:`record_of`): the JSON object
:func:`~silkpost.domain.customs.read_declaration` reads back into the same declaration. So
what is stored is what was checked, in one spelling (codes upper-cased, dots out of HS codes,
amounts as decimal strings), and "the same declaration sent again" is a comparison of two
records, whatever whitespace or letter case the broker's file had.

The status starts at ``received`` and follows customs' receipts (:func:`status_after`), so
the receipts' outcomes and the statuses cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from silkpost.domain.customs import Declaration, DeclarationLine, Party
from silkpost.domain.customs_receipts import Outcome
from silkpost.domain.errors import InvalidValue
from silkpost.domain.times import check_time


class DeclarationStatus(StrEnum):
    """Where a declaration is: received by the platform, then what customs' receipts say."""

    RECEIVED = "received"  # stored here, not yet answered by customs
    DECLARED = "declared"  # customs took it (its receipts' steps on the way)
    HELD = "held"  # held for inspection
    REJECTED = "rejected"  # refused (退单)
    RELEASED = "released"
    RETURNED = "returned"


_AFTER: dict[Outcome, DeclarationStatus] = {
    Outcome.DECLARED: DeclarationStatus.DECLARED, Outcome.HELD: DeclarationStatus.HELD,
    Outcome.REJECTED: DeclarationStatus.REJECTED, Outcome.RELEASED: DeclarationStatus.RELEASED,
    Outcome.RETURNED: DeclarationStatus.RETURNED,
}


class CustomsReference(StrEnum):
    """A number customs' receipts carry that a stored declaration may hold too: a receipt
    names its declaration by any of them, never by the broker's reference."""

    ORDER = "order_no"
    WAYBILL = "waybill_no"
    INVENTORY = "inventory_no"
    ITEM = "item_id"  # the S10 item, which a post's waybill number often is


def status_after(outcome: Outcome) -> DeclarationStatus | None:
    """The status a receipt's outcome puts a declaration in; None for a processing error,
    which says nothing about the declaration (the broker sends the message again)."""
    return _AFTER.get(outcome)


def _amount(value: Decimal) -> str:
    return format(value, "f")


def _party(party: Party | None) -> dict[str, Any] | None:
    if party is None:
        return None
    found: dict[str, Any] = {"name": party.name}
    if party.identity is not None:
        found["identity"] = {"kind": party.identity.kind.value,
                             "number": party.identity.number}
    for name in ("country", "address", "phone"):
        value = getattr(party, name)
        if value is not None:
            found[name] = value
    return found


def _line(line: DeclarationLine) -> dict[str, Any]:
    return {"description": line.description, "hs_code": line.hs_code,
            "quantity": _amount(line.quantity), "unit": line.unit,
            "unit_price": _amount(line.unit_price), "total_price": _amount(line.total_price),
            "net_weight_kg": _amount(line.net_weight_kg), "origin_country": line.origin_country}


_OPTIONAL = ("item_id", "order_no", "waybill_no", "inventory_no", "ebp_code", "ebc_code",
             "logistics_code", "warehouse_code", "ems_no", "area_code")


def record_of(declaration: Declaration) -> dict[str, Any]:
    """The JSON object of a declaration, which ``read_declaration`` reads back into an equal
    one (absent fields left out, amounts as decimal strings: JSON numbers would lose cents)."""
    d = declaration
    record: dict[str, Any] = {
        "reference": d.reference, "regime": d.regime.value, "direction": d.direction.value,
        "category": d.category.value, "currency": d.currency,
        "gross_weight_kg": _amount(d.gross_weight_kg), "freight": _amount(d.freight),
    }
    for name in _OPTIONAL:
        value = getattr(d, name)
        if value is not None:
            record[name] = value
    for name in ("sender", "consignee", "buyer"):
        party = _party(getattr(d, name))
        if party is not None:
            record[name] = party
    record["lines"] = [_line(line) for line in d.lines]
    return record


@dataclass(frozen=True, slots=True)
class StoredDeclaration:
    """A broker's declaration as stored: the key (broker, reference), the facts lists filter
    on, the record, its status and times (checked on construction)."""

    broker: str
    reference: str
    regime: str
    direction: str
    item_id: str | None
    record: Mapping[str, Any]
    status: DeclarationStatus
    received_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", DeclarationStatus(self.status))
        check_time(self.received_at, field="received_at")
        check_time(self.updated_at, field="updated_at")
        if self.updated_at < self.received_at:
            raise InvalidValue("a declaration is not updated before it is received",
                               field="updated_at")

    @classmethod
    def received(cls, declaration: Declaration, *, broker: str,
                 at: datetime) -> StoredDeclaration:
        """A declaration just received from ``broker`` at ``at``."""
        return cls(broker=broker, reference=declaration.reference,
                   regime=declaration.regime.value, direction=declaration.direction.value,
                   item_id=declaration.item_id, record=record_of(declaration),
                   status=DeclarationStatus.RECEIVED, received_at=at, updated_at=at)
