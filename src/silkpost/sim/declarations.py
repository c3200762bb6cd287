"""The simulated parcels' customs declarations, checked by the customs service's own check.

Every simulated parcel is declared once, under its regime: a pre-declared one when it is
posted, the others when they reach the port (which then takes its declaration hours, see
:meth:`silkpost.network.corridor.Node.clearance_hours`). The declarations carry what the
parcel is (value, weight, a battery) with goods drawn from a small catalogue, a real-name
sender with a valid resident id and the fields each channel requires, so a run exercises the
same checks, screening and counts as ``silkpost customs check`` on a broker's file.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from silkpost.customs.service import check
from silkpost.domain.customs import REQUIRED, Regime
from silkpost.sim.demand import Parcel

# Description, HS code, unit: what e-commerce parcels on the corridor hold (the goods mix is
# this simulator's assumption). A parcel with a battery declares a power bank.
_GOODS = (("phone case", "392690", "PCE"), ("USB cable", "8544420000", "PCE"),
          ("T-shirt", "610910", "PCE"), ("toy car", "950300", "PCE"),
          ("kitchen scale", "842310", "PCE"), ("tea", "090230", "KGM"))
_BATTERY = ("power bank 10000mAh", "850760", "PCE")
_CENT = Decimal("0.01")
_GRAM = Decimal("0.001")
# Channel fields: the platform, company and logistics codes of the simulated shippers, and
# the warehouse and bonded-zone fields, given where the regime requires them (REQUIRED).
_CODES = {"ebp_code": "3301964J31", "ebc_code": "3301968E2U", "logistics_code": "1100110001"}
_CHANNEL = {"warehouse_code": "KZALA01", "ems_no": "T2900W000001", "area_code": "2900000001"}


def resident_ids(n: int, rng: random.Random) -> list[str]:
    """``n`` GB 11643 numbers with their check characters (senders of the run)."""
    out = []
    for _ in range(n):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"  # a region stdnum knows
        out.append(body + ric.calc_check_digit(body + "0"))
    return out


@dataclass(slots=True)
class Declarations:
    """Counts of a run's declarations: per regime, when (posted or at the port), refused."""

    by_regime: Counter[str] = field(default_factory=Counter)
    predeclared: int = 0
    at_port: int = 0
    refused: int = 0
    refused_fields: Counter[str] = field(default_factory=Counter)


class SimulatedCustoms:
    """Declares the run's parcels through :func:`silkpost.customs.service.check`."""

    def __init__(self, seed: int, counts: Declarations | None = None, senders: int = 500
                 ) -> None:
        self._rng = random.Random(seed)
        self._senders = resident_ids(senders, self._rng)
        self.counts = Declarations() if counts is None else counts

    def declare(self, parcels: Iterable[Parcel], countries: Mapping[str, str], *,
                at_port: bool) -> None:
        """Declare ``parcels`` (``countries``: destination node → country)."""
        records = [(i, self.record(p, countries[p.destination]))
                   for i, p in enumerate(parcels)]
        if not records:
            return
        report = check(records, max_listed=0)
        counts = self.counts
        for _, record in records:
            counts.by_regime[record["regime"]] += 1
        if at_port:
            counts.at_port += len(records)
        else:
            counts.predeclared += len(records)
        counts.refused += report.refused_count
        counts.refused_fields.update(report.by_field)

    def record(self, parcel: Parcel, country: str) -> dict[str, Any]:
        """The declaration of one parcel, as a broker's file would hold it."""
        rng = self._rng
        name, hs, unit = _BATTERY if parcel.battery else _GOODS[rng.randrange(len(_GOODS))]
        value = max(Decimal(str(parcel.declared_value_usd)), _CENT).quantize(_CENT)
        gross = max(Decimal(str(parcel.weight_kg)), _GRAM).quantize(_GRAM)
        net = (gross * Decimal("0.9")).quantize(_GRAM)
        record: dict[str, Any] = {
            "reference": parcel.item_id, "regime": parcel.regime, "currency": "USD",
            "gross_weight_kg": str(gross), "item_id": parcel.item_id,
            "order_no": f"O{parcel.item_id[2:11]}", "waybill_no": parcel.item_id,
            "sender": {"name": "张伟", "identity": {
                "kind": "resident_id",
                "number": self._senders[rng.randrange(len(self._senders))]}},
            "consignee": {"name": "Consignee", "country": country, "address": parcel.destination},
            "lines": [{"description": name, "hs_code": hs, "quantity": 1, "unit": unit,
                       "unit_price": str(value), "total_price": str(value),
                       "net_weight_kg": str(net if net > 0 else gross),
                       "origin_country": "CN"}],
            **_CODES,
        }
        needs = REQUIRED[Regime(parcel.regime)]
        record.update((name, value) for name, value in _CHANNEL.items() if name in needs)
        return record


__all__ = ["Declarations", "SimulatedCustoms", "resident_ids"]
