"""Customs declarations checked per second, on one core, on the path ``silkpost customs check``
takes.

Input: synthetic declarations as a broker's system sends them: the regime mix of the shipped
scenarios (9610 70 %, 9710 10 %, 9810 15 %, 1210 5 %), 1 to 4 lines of goods, senders drawn
from 20,000 distinct people (GB 11643 numbers with valid check characters, some passports),
and 5 % of records with a mistake of one of six kinds (HS chapter, line total, currency,
identity check character, net over gross, a field the channel needs missing).

Lines of goods: the five kinds below with a model number each (so no two descriptions need
be alike), and 1 line in 12 a kind screening hits (a power bank, medicine, a knife, a rifle
scope... in en, zh, ru), as a corridor's mix could have them.

Figures, same records, same run, median of ``--samples`` passes:
- checked: the customs service's ``check`` over the parsed records (every field, every line,
  the channel's rules, the identity checks, and screening against the rules table),
  declarations per second;
- validation only: ``read_declaration`` over the same records (check without screening):
  screening's cost is the ratio of the two;
- the whole command's path: an NDJSON file read, parsed and checked;
- baseline: parsing the same NDJSON lines with orjson only (the floor any check starts from).
Goal (issue 19): validation and screening >= 50,000 declarations per second on one core.

    python benchmarks/bench_customs.py [--records N] [--samples N] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from stdnum.cn import ric

from silkpost.customs.files import read_declarations
from silkpost.customs.service import check
from silkpost.domain import s10
from silkpost.domain.customs import DeclarationInvalid, read_declaration

REGIMES = (("9610", 0.70), ("9710", 0.10), ("9810", 0.15), ("1210", 0.05))
GOODS = (("phone case", "392690", "PCE", "4.25", "0.05"), ("USB cable", "8544420000", "PCE",
         "1.99", "0.04"), ("T-shirt", "610910", "PCE", "6.80", "0.18"),
         ("toy car", "950300", "PCE", "3.10", "0.22"), ("tea", "090230", "KGM", "12.00",
                                                        "0.50"))
SCREENED = (("Power bank 20000mAh", "850760", "PCE", "9.90", "0.40"),
            ("锂电池 18650", "850650", "PCE", "2.10", "0.05"),
            ("лекарства от простуды", "300490", "PCE", "3.00", "0.10"),
            ("kitchen knife", "821191", "PCE", "7.50", "0.30"),
            ("riflescope cover", "900590", "PCE", "5.00", "0.10"),
            ("antique vase", "970500", "PCE", "40.00", "1.00"))
MISTAKES = ("hs", "total", "currency", "identity", "weight", "missing")


def people(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """Senders: GB 11643 numbers with their check characters (9 in 10), passports."""
    out = []
    for i in range(n):
        if i % 10 == 9:
            out.append({"kind": "passport", "number": f"E{rng.randrange(10**7, 10**8)}"})
            continue
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
        body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
        out.append({"kind": "resident_id",
                    "number": body + ric.calc_check_digit(body + "0")})
    return out


def declarations(n: int, *, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    senders = people(20_000, rng)
    regimes = [r for r, _ in REGIMES]
    weights = [w for _, w in REGIMES]
    out = []
    for i in range(n):
        regime = rng.choices(regimes, weights)[0]
        lines = []
        for g in range(rng.randint(1, 4)):
            name, hs, unit, price, kg = (SCREENED[rng.randrange(len(SCREENED))]
                                         if rng.random() < 1 / 12 else
                                         GOODS[rng.randrange(len(GOODS))])
            name = f"{name} {rng.choice('ABCDEFGHKM')}{rng.randrange(10_000)}"
            qty = rng.randint(1, 5)
            total = f"{(int(price.replace('.', '')) * qty) / 100:.2f}"
            lines.append({"description": name, "hs_code": hs, "quantity": qty, "unit": unit,
                          "unit_price": price, "total_price": total,
                          "net_weight_kg": kg, "origin_country": "CN", "n": g})
        item = s10.build("CA", i + 1, "CN")
        record: dict[str, Any] = {
            "reference": f"D{i:08d}", "regime": regime, "currency": "USD",
            "gross_weight_kg": "2.5", "freight": "3.00", "item_id": item,
            "order_no": f"ORD{i:09d}", "waybill_no": item, "ebp_code": "3301964J31",
            "ebc_code": "3301968E2U", "logistics_code": "1100110001",
            "sender": {"name": "张伟", "identity": senders[rng.randrange(len(senders))]},
            "consignee": {"name": "Aigerim S.", "country": "KZ", "address": "Almaty"},
            "lines": [{k: v for k, v in line.items() if k != "n"} for line in lines],
        }
        if regime == "9810":
            record["warehouse_code"] = "KZALA01"
        if regime == "1210":
            record.update(ems_no="T2900W000001", area_code="2900000001")
        if rng.random() < 0.05:
            spoil(record, rng.choice(MISTAKES))
        out.append(record)
    return out


def spoil(record: dict[str, Any], how: str) -> None:
    line = record["lines"][0]
    if how == "hs":
        line["hs_code"] = "770100"
    elif how == "total":
        line["total_price"] = "999.99"
    elif how == "currency":
        record["currency"] = "USX"
    elif how == "identity":
        record["sender"] = {"name": "王芳", "identity": {"kind": "resident_id",
                                                       "number": "110105194912310021"}}
    elif how == "weight":
        record["gross_weight_kg"] = "0.01"
    else:
        record.pop("waybill_no")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="10,000 records, 3 samples")
    args = parser.parse_args()
    n, samples = (10_000, 3) if args.quick else (args.records, args.samples)
    records = declarations(n)
    lines = [orjson.dumps(r) for r in records]
    items = list(enumerate(records, start=1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "declarations.ndjson"
        path.write_bytes(b"\n".join(lines) + b"\n")

        def parse_only() -> None:
            for line in lines:
                orjson.loads(line)

        def checked() -> None:
            report = check(items)
            assert report.checked == n and 0 < report.refused_count < n * 0.1

        def validated() -> None:
            for _, record in items:
                with contextlib.suppress(DeclarationInvalid):
                    read_declaration(record)

        def whole_file() -> None:
            report = check(read_declarations([path.read_bytes()], "ndjson"))
            assert report.checked == n

        rounds = (("baseline", parse_only), ("validated", validated), ("checked", checked),
                  ("file", whole_file))
        rates: dict[str, list[float]] = {name: [] for name, _ in rounds}
        for _ in range(samples):  # interleaved: the machine's noise falls on all three
            for name, fn in rounds:
                t0 = time.perf_counter()
                fn()
                rates[name].append(n / (time.perf_counter() - t0))
    base, valid, done, file = (statistics.median(rates[k])
                               for k in ("baseline", "validated", "checked", "file"))
    report = check(items)
    print(f"{n:,} declarations ({report.refused_count:,} refused, {report.flagged_count:,} "
          f"flagged by screening), {samples} interleaved samples")
    print(f"checked = validated and screened (service over parsed records): {done:,.0f}/s "
          f"(min {min(rates['checked']):,.0f}, max {max(rates['checked']):,.0f}; "
          f"goal >= 50,000)")
    print(f"validation only (read_declaration): {valid:,.0f}/s | checked / validation only: "
          f"{done / valid:.3f}")
    print(f"silkpost customs check's path (NDJSON file read, parsed, checked): {file:,.0f}/s")
    print(f"baseline (orjson parse only): {base:,.0f}/s | checked / baseline: {done / base:.3f}")


if __name__ == "__main__":
    main()
