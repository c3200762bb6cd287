"""China customs CEB export messages written and checked per second, on one core, on the path
``silkpost customs export`` takes.

Input: synthetic 9610 retail declarations (read and valid before timing), 1 to 4 lines of goods
with 10-digit tariff codes, bags for half of them. Each declaration makes one CEB303 order, one
CEB505 waybill and one CEB603 inventory, one parcel per message as a platform declares in real
time (``--per-message`` to pack up to 100).

Figures, same declarations, same run, median of ``--samples`` interleaved passes:
- written and checked: the messages built, serialised, and checked against the 202205 XSD and
  the rules beyond it (what export does before handing a message out), messages per second;
- baseline: the same messages built and serialised without the check;
- validate: ``customs validate``'s path over the written bytes (parse, XSD, rules).
Goal (issue 19): >= 2,000 messages per second written and XSD-validated on one core.

    python benchmarks/bench_ceb.py [--declarations N] [--samples N] [--per-message N] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from silkpost.customs.ceb.export import ExportSettings, Kind, export_messages
from silkpost.customs.ceb.validate import validate_message
from silkpost.domain import s10
from silkpost.domain.customs import Declaration, read_declaration

GOODS = (("phone case", "3926909000", "PCE", "4.25", "0.05"),
         ("USB cable", "8544421900", "PCE", "1.99", "0.04"),
         ("T-shirt", "6109100022", "PCE", "6.80", "0.18"),
         ("toy car", "9503008900", "PCE", "3.10", "0.22"),
         ("tea", "0902301000", "KGM", "12.00", "0.50"))
KINDS: tuple[Kind, ...] = ("303", "505", "603")
SETTINGS = ExportSettings(
    cop_code="1100110001", cop_name="丝路邮政物流有限公司", dxp_id="DXPENT0000012345",
    customs_code="6527", port_code="6527", destination_port="ALA",
    names={"3301964J31": "义乌小商品跨境平台", "3301968E2U": "义乌某电商企业"})
NOW = datetime(2026, 12, 5, 4, 30, tzinfo=UTC)


def declarations(n: int, *, seed: int = 11) -> tuple[list[Declaration], dict[str, str]]:
    """Valid 9610 export declarations and the bags of half of them."""
    rng = random.Random(seed)
    out, bags = [], {}
    for i in range(n):
        lines = []
        for _ in range(rng.randint(1, 4)):
            name, hs, unit, price, kg = GOODS[rng.randrange(len(GOODS))]
            qty = rng.randint(1, 5)
            lines.append({"description": name, "hs_code": hs, "quantity": qty, "unit": unit,
                          "unit_price": price, "total_price": str(Decimal(price) * qty),
                          "net_weight_kg": kg, "origin_country": "CN"})
        item = s10.build("CA", i + 1, "CN")
        record: dict[str, Any] = {
            "reference": f"D{i:08d}", "regime": "9610", "currency": "USD",
            "gross_weight_kg": "2.5", "freight": "3.00", "item_id": item,
            "order_no": f"ORD{i:09d}", "waybill_no": item, "ebp_code": "3301964J31",
            "ebc_code": "3301968E2U", "logistics_code": "1100110001",
            "inventory_no": f"65272026E{i:09d}",
            "sender": {"name": "张伟", "identity": {"kind": "resident_id",
                                                  "number": "11010519491231002X"}},
            "consignee": {"name": "Aigerim S.", "country": "KZ", "address": "Almaty"},
            "lines": lines}
        out.append(read_declaration(record))
        if i % 2 == 0:
            bags[record["reference"]] = "CNURCAKZALAAAUN61001001110012"
    return out, bags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--declarations", type=int, default=5_000)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--per-message", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="600 declarations, 3 samples")
    args = parser.parse_args()
    n, samples = (600, 3) if args.quick else (args.declarations, args.samples)
    ds, bags = declarations(n)

    def write(checked: bool) -> list[bytes]:
        result = export_messages(ds, kinds=KINDS, settings=SETTINGS, now=NOW, bags=bags,
                                 per_message=args.per_message, checked=checked)
        assert not result.refused, result.refused[:1]
        return [m.data for m in result.messages]

    written = write(True)
    count = len(written)

    def check_written() -> None:
        assert all(validate_message(data).ok for data in written)

    rounds = (("baseline", lambda: write(False)), ("checked", lambda: write(True)),
              ("validate", check_written))
    rates: dict[str, list[float]] = {name: [] for name, _ in rounds}
    for _ in range(samples):  # interleaved: the machine's noise falls on all three
        for name, fn in rounds:
            t0 = time.perf_counter()
            fn()
            rates[name].append(count / (time.perf_counter() - t0))
    base, done, read = (statistics.median(rates[k]) for k in ("baseline", "checked",
                                                               "validate"))
    size = sum(len(d) for d in written) / count
    print(f"{n:,} declarations -> {count:,} messages (CEB303/505/603, {args.per_message} "
          f"parcel(s) a message, {size:,.0f} bytes on average), {samples} interleaved samples")
    entries = len(ds) * len(KINDS) / count  # orders, waybills, inventories per message
    print(f"written and checked (XSD 202205 + rules): {done:,.0f} messages/s (min "
          f"{min(rates['checked']):,.0f}, max {max(rates['checked']):,.0f}; "
          f"{done * entries:,.0f} parcel entries/s; goal >= 2,000 messages/s)")
    print(f"baseline (built and serialised, not checked): {base:,.0f} messages/s | "
          f"checked / baseline: {done / base:.3f}")
    print(f"customs validate's path over the written bytes: {read:,.0f} messages/s")


if __name__ == "__main__":
    main()
