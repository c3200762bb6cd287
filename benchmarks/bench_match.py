"""三单对碰 per second, on one core: import inventories matched against their orders,
payments and waybills, on the path ``silkpost customs match`` takes.

Input: synthetic import sets as platforms, payment companies and logistics companies send
them: 1 to 4 lines of goods, buyers drawn from 20,000 people (GB 11643 numbers with valid check
characters), 5 % of sets with one planted mismatch of six kinds (payment amount, payer name,
consignee telephone, a line's quantity, a missing payment, a wrong check character).

Figures, same sets, same run, median of ``--samples`` interleaved passes:
- matched: the matching use case over the parsed records (indexing by order number, every
  rule of every set), sets per second; goal (issue 19): 100,000 sets in < 10 s on one core;
- the whole command's path: the same sets as CEB311/411/511/621 XML messages (100 records a
  message), read with the safe parser, then matched;
- baseline: building the four records of every set from plain values (what any matching
  starts from), so the ratio says what the rules cost over holding the data.

    python benchmarks/bench_match.py [--sets N] [--samples N] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from stdnum.cn import ric

from silkpost.customs.matching import Collected, collect, match_collected
from silkpost.domain import s10
from silkpost.domain.customs_matching import (
    GoodsLine,
    ImportInventory,
    ImportOrder,
    ImportPayment,
    ImportWaybill,
    Person,
)

GOODS = (("保温杯", "011", "45.50"), ("茶叶", "035", "120.00"), ("面霜", "011", "89.90"),
         ("奶粉", "122", "199.00"), ("维生素", "142", "58.00"))
MISTAKES = ("amount", "payer", "telephone", "qty", "no_payment", "identity")
NAMES = ("李小宝", "王芳", "张伟", "刘洋", "陈静", "杨帆")


def buyers(n: int, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
        body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
        out.append((rng.choice(NAMES), body + ric.calc_check_digit(body + "0")))
    return out


def raw_sets(n: int, *, seed: int = 11) -> list[dict[str, Any]]:
    """Plain values of ``n`` sets, 5 % with a planted mismatch."""
    rng = random.Random(seed)
    people = buyers(20_000, rng)
    out = []
    for i in range(n):
        name, number = people[rng.randrange(len(people))]
        lines = []
        for g in range(1, rng.randint(1, 4) + 1):
            item, unit, price = GOODS[rng.randrange(len(GOODS))]
            qty = rng.randint(1, 3)
            lines.append((g, item, str(qty), unit, price, str(Decimal(price) * qty)))
        goods = sum(Decimal(line[5]) for line in lines)
        freight, tax = Decimal(20), (goods * Decimal("0.091")).quantize(Decimal("0.01"))
        paid = goods + freight + tax
        out.append({"n": i, "order_no": f"ORD{i:09d}", "item": s10.build("CA", i + 1, "CN"),
                    "buyer": name, "id": number, "lines": lines, "goods": str(goods),
                    "freight": str(freight), "tax": str(tax), "paid": str(paid),
                    "payer": name, "payer_id": number, "amount": str(paid),
                    "phone": "13256253633", "waybill_phone": "13256253633",
                    "inventory_lines": lines, "payment": True,
                    "mistake": rng.choice(MISTAKES) if rng.random() < 0.05 else None})
        s = out[-1]
        if s["mistake"] == "amount":
            s["amount"] = str(paid * Decimal("0.8"))
        elif s["mistake"] == "payer":
            s["payer"] = "赵六"
        elif s["mistake"] == "telephone":
            s["waybill_phone"] = "13900000000"
        elif s["mistake"] == "qty":
            g, item, qty, unit, price, _total = lines[0]
            q = int(qty) + 1
            s["inventory_lines"] = [(g, item, str(q), unit, price, str(Decimal(price) * q)),
                                    *lines[1:]]
        elif s["mistake"] == "no_payment":
            s["payment"] = False
        elif s["mistake"] == "identity":
            bad = "0" if number[-1] != "0" else "1"
            s["id"] = s["payer_id"] = number[:-1] + bad
    return out


def records(sets: list[dict[str, Any]]) -> Collected:
    """The four records of every set, built from the plain values (the baseline's work)."""
    out = Collected()
    address = "北京市海淀区中关村软件园"
    for s in sets:
        buyer = Person(s["buyer"], "1", s["id"])
        order_lines = tuple(GoodsLine(g, name, Decimal(q), u, Decimal(p), Decimal(t))
                            for g, name, q, u, p, t in s["lines"])
        inventory_lines = tuple(GoodsLine(g, name, Decimal(q), u, Decimal(p), Decimal(t))
                                for g, name, q, u, p, t in s["inventory_lines"])
        no = s["order_no"]
        out.orders.append(ImportOrder(
            order_no=no, ebp_code="1105910159", buyer=buyer, consignee=s["buyer"],
            telephone=s["phone"], address=address, goods_value=Decimal(s["goods"]),
            freight=Decimal(s["freight"]), discount=Decimal(0), tax_total=Decimal(s["tax"]),
            actural_paid=Decimal(s["paid"]), currency="142", lines=order_lines))
        if s["payment"]:
            out.payments.append(ImportPayment(
                order_no=no, pay_code="1101110323", payer=Person(s["payer"], "1",
                                                                 s["payer_id"]),
                amount_paid=Decimal(s["amount"]), pay_transaction_id=f"P{s['n']}"))
        out.waybills.append(ImportWaybill(
            logistics_no=s["item"], order_no=no, consignee=s["buyer"],
            telephone=s["waybill_phone"], address=address, weight=Decimal("1.2"), pack_no=1,
            freight=Decimal(s["freight"])))
        out.inventories.append(ImportInventory(
            order_no=no, logistics_no=s["item"], ebp_code="1105910159", buyer=buyer,
            address=address, freight=Decimal(s["freight"]), pack_no=1, lines=inventory_lines,
            invt_no=f"37002026I{s['n']:09d}"))
    return out


def _el(name: str, value: Any) -> str:
    return f"<ceb:{name}>{escape(str(value))}</ceb:{name}>"


def _message(kind: str, body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><ceb:{kind}Message guid="G" '
            f'version="1.0" xmlns:ceb="http://www.chinaport.gov.cn/ceb">{body}'
            f"</ceb:{kind}Message>").encode()


def messages(collected: Collected) -> list[tuple[str, bytes]]:
    """The records as CEB311/411/511/621 messages of 100 records each."""
    def lines(tag: str, goods: tuple[GoodsLine, ...], name: str) -> str:
        return "".join(f"<ceb:{tag}>{_el('gnum', g.gnum)}{_el(name, g.item_name)}"
                       f"{_el('unit', g.unit)}{_el('qty', g.qty)}{_el('price', g.price)}"
                       f"{_el('totalPrice', g.total_price)}</ceb:{tag}>" for g in goods)

    def person(prefix: str, p: Person) -> str:
        return (f"{_el(prefix + 'Name', p.name)}{_el(prefix + 'IdType', p.id_type)}"
                f"{_el(prefix + 'IdNumber', p.id_number)}")

    kinds: list[tuple[str, list[str]]] = [
        ("CEB311", [f"<ceb:Order><ceb:OrderHead>{_el('orderNo', o.order_no)}"
                    f"{_el('ebpCode', o.ebp_code)}{_el('goodsValue', o.goods_value)}"
                    f"{_el('freight', o.freight)}{_el('discount', o.discount)}"
                    f"{_el('taxTotal', o.tax_total)}{_el('acturalPaid', o.actural_paid)}"
                    f"{_el('currency', o.currency)}{person('buyer', o.buyer)}"
                    f"{_el('consignee', o.consignee)}{_el('consigneeTelephone', o.telephone)}"
                    f"{_el('consigneeAddress', o.address)}</ceb:OrderHead>"
                    f"{lines('OrderList', o.lines, 'itemName')}</ceb:Order>"
                    for o in collected.orders]),
        ("CEB411", [f"<ceb:Payment><ceb:PaymentHead>{_el('payCode', p.pay_code)}"
                    f"{_el('payTransactionId', p.pay_transaction_id)}"
                    f"{_el('orderNo', p.order_no)}{person('payer', p.payer)}"
                    f"{_el('amountPaid', p.amount_paid)}{_el('currency', p.currency)}"
                    f"</ceb:PaymentHead></ceb:Payment>" for p in collected.payments]),
        ("CEB511", [f"<ceb:Logistics><ceb:LogisticsHead>{_el('logisticsNo', w.logistics_no)}"
                    f"{_el('orderNo', w.order_no)}{_el('freight', w.freight)}"
                    f"{_el('weight', w.weight)}{_el('packNo', w.pack_no)}"
                    f"{_el('consignee', w.consignee)}{_el('consigneeAddress', w.address)}"
                    f"{_el('consigneeTelephone', w.telephone)}</ceb:LogisticsHead>"
                    f"</ceb:Logistics>" for w in collected.waybills]),
        ("CEB621", [f"<ceb:Inventory><ceb:InventoryHead>{_el('orderNo', i.order_no)}"
                    f"{_el('ebpCode', i.ebp_code)}{_el('logisticsNo', i.logistics_no)}"
                    f"{_el('invtNo', i.invt_no)}{person('buyer', i.buyer)}"
                    f"{_el('consigneeAddress', i.address)}{_el('freight', i.freight)}"
                    f"{_el('currency', i.currency)}{_el('packNo', i.pack_no)}"
                    f"</ceb:InventoryHead>{lines('InventoryList', i.lines, 'gname')}"
                    f"</ceb:Inventory>" for i in collected.inventories]),
    ]
    out = []
    for kind, bodies in kinds:
        for start in range(0, len(bodies), 100):
            out.append((f"{kind}-{start}", _message(kind, "".join(bodies[start:start + 100]))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5,000 sets, 3 samples")
    args = parser.parse_args()
    n, samples = (5_000, 3) if args.quick else (args.sets, args.samples)
    sets = raw_sets(n)
    built = records(sets)
    xml = messages(built)
    planted = sum(1 for s in sets if s["mistake"])

    def baseline() -> None:
        assert len(records(sets).inventories) == n

    def matched() -> None:
        outcome = match_collected(built, max_listed=100)
        assert outcome.report.inventories == n and outcome.report.mismatched == planted

    def from_xml() -> None:
        collected = collect(xml)
        assert not collected.problems
        assert match_collected(collected, max_listed=100).report.mismatched == planted

    rounds: tuple[tuple[str, Callable[[], None]], ...] = (
        ("baseline", baseline), ("matched", matched), ("xml", from_xml))
    seconds: dict[str, list[float]] = {name: [] for name, _ in rounds}
    for _ in range(samples):  # interleaved: the machine's noise falls on all three
        for name, fn in rounds:
            t0 = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - t0)
    base, done, whole = (statistics.median(seconds[k]) for k in ("baseline", "matched", "xml"))
    size = sum(len(data) for _, data in xml)
    print(f"{n:,} import sets ({planted:,} with a planted mismatch, all found), "
          f"{samples} interleaved samples")
    print(f"matched (use case over parsed records): {done:.2f} s, {n / done:,.0f} sets/s "
          f"(goal: 100,000 sets < 10 s on one core)")
    print(f"silkpost customs match's path ({len(xml):,} CEB messages, {size / 1e6:,.1f} MB of "
          f"XML read, then matched): {whole:.2f} s, {n / whole:,.0f} sets/s")
    print(f"baseline (building the four records of every set): {base:.2f} s | "
          f"matched / baseline: {done / base:.2f}")


if __name__ == "__main__":
    main()
