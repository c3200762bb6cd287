"""Declaration records for the declarations store, service, API and CLI tests: a valid retail
export (9610) under any reference, and a registered customs broker."""

from __future__ import annotations

from typing import Any

from silkpost.bootstrap import Platform
from silkpost.domain.partners import PartnerKind
from silkpost.partners.service import register_partner
from tests.unit.customs.test_declarations import RESIDENT

ITEM = "CA000000014CN"  # a valid S10 id


def record(reference: str = "D-0001", **changes: Any) -> dict[str, Any]:
    """A valid 9610 declaration under ``reference`` (``changes`` replace its fields)."""
    found: dict[str, Any] = {
        "reference": reference, "regime": "9610", "currency": "USD",
        "gross_weight_kg": "1.2", "freight": "3.50", "item_id": ITEM,
        "order_no": "ORD-77", "waybill_no": ITEM, "ebp_code": "3301964J31",
        "ebc_code": "3301968E2U", "logistics_code": "1100110001",
        "sender": {"name": "张伟", "identity": {"kind": "resident_id", "number": RESIDENT}},
        "consignee": {"name": "Aigerim S.", "country": "KZ", "address": "Almaty"},
        "lines": [
            {"description": "phone case", "hs_code": "3926.90", "quantity": 2, "unit": "PCE",
             "unit_price": "4.25", "total_price": "8.50", "net_weight_kg": "0.2",
             "origin_country": "CN"},
        ],
    }
    found.update(changes)
    return found


def register_broker(platform: Platform, code: str,
                    kind: PartnerKind = PartnerKind.CUSTOMS_BROKER) -> str:
    """Register a partner of ``kind`` (a customs broker unless told) and return its code."""
    register_partner(code, code.title(), kind, uow=platform.partner_uow(), clock=platform.clock,
                     known_nodes=platform.known_nodes(), known_services=platform.known_services())
    return code
