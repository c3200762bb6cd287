"""Import sets for the matching tests: an order, its payment, its waybill and its inventory
that agree, as domain records and as the CEB311/411/511/621 messages that carry them."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from silkpost.domain.customs_matching import (
    GoodsLine,
    ImportInventory,
    ImportOrder,
    ImportPayment,
    ImportWaybill,
    Person,
)

BUYER = Person("李小宝", "1", "11010519491231002X")  # GB 11643's own example number
ITEM = "CA000000014CN"  # a valid S10 id: the postal waybill number


def import_set(n: int = 1, *, logistics_no: str = ITEM
               ) -> tuple[ImportOrder, ImportPayment, ImportWaybill, ImportInventory]:
    """Four records of order ``ORD-{n}`` that match."""
    order_no = f"ORD-{n}"
    lines = (GoodsLine(1, "保温杯", Decimal(2), "011", Decimal("45.50"), Decimal("91.00")),
             GoodsLine(2, "茶叶", Decimal(1), "035", Decimal("120"), Decimal("120")))
    order = ImportOrder(
        order_no=order_no, ebp_code="1105910159", buyer=BUYER, consignee="李小宝",
        telephone="13256253633", address="北京市海淀区中关村软件园", goods_value=Decimal(211),
        freight=Decimal(20), discount=Decimal(5), tax_total=Decimal("19.20"),
        actural_paid=Decimal("245.20"), currency="142", lines=lines,
        pay_transaction_id=f"P{n:08d}")
    payment = ImportPayment(order_no=order_no, pay_code="1101110323", payer=BUYER,
                            amount_paid=Decimal("245.20"), pay_transaction_id=f"P{n:08d}")
    waybill = ImportWaybill(logistics_no=logistics_no, order_no=order_no, consignee="李小宝",
                            telephone="13256253633", address="北京市海淀区中关村软件园",
                            weight=Decimal("1.4"), pack_no=1, freight=Decimal(20))
    inventory = ImportInventory(
        order_no=order_no, logistics_no=logistics_no, ebp_code="1105910159", buyer=BUYER,
        address="北京市海淀区中关村软件园", freight=Decimal(20), pack_no=1,
        lines=tuple(replace(line) for line in lines), invt_no=f"37002026I{n:09d}",
        cop_no=f"COP{n}")
    return order, payment, waybill, inventory


def _el(name: str, value: Any) -> str:
    return f"<ceb:{name}>{escape(str(value))}</ceb:{name}>" if value is not None else ""


def _message(kind: str, body: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:{kind}Message '
            f'guid="4CDE1CFD-EDED-46B1-946C-B8022E42FC94" version="1.0" '
            f'xmlns:ceb="http://www.chinaport.gov.cn/ceb">{body}<ceb:BaseTransfer>'
            f"<ceb:copCode>1101180326</ceb:copCode><ceb:copName>物流企业</ceb:copName>"
            f"<ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPLGS0000000001</ceb:dxpId>"
            f"</ceb:BaseTransfer></ceb:{kind}Message>")


def _lines(tag: str, lines: tuple[GoodsLine, ...], name: str) -> str:
    return "".join(
        f"<ceb:{tag}>{_el('gnum', g.gnum)}{_el('itemNo', g.item_no)}{_el(name, g.item_name)}"
        f"{_el('gmodel', '1 件')}{_el('unit', g.unit)}{_el('qty', g.qty)}"
        f"{_el('price', g.price)}{_el('totalPrice', g.total_price)}{_el('currency', '142')}"
        f"{_el('country', '116')}</ceb:{tag}>" for g in lines)


def order_xml(*orders: ImportOrder) -> str:
    """A CEB311 message of ``orders``."""
    return _message("CEB311", "".join(
        f"<ceb:Order><ceb:OrderHead>{_el('guid', 'G')}{_el('orderNo', o.order_no)}"
        f"{_el('ebpCode', o.ebp_code)}{_el('goodsValue', o.goods_value)}"
        f"{_el('freight', o.freight)}{_el('discount', o.discount)}"
        f"{_el('taxTotal', o.tax_total)}{_el('acturalPaid', o.actural_paid)}"
        f"{_el('currency', o.currency)}{_el('buyerName', o.buyer.name)}"
        f"{_el('buyerIdType', o.buyer.id_type)}{_el('buyerIdNumber', o.buyer.id_number)}"
        f"{_el('payTransactionId', o.pay_transaction_id)}{_el('consignee', o.consignee)}"
        f"{_el('consigneeTelephone', o.telephone)}{_el('consigneeAddress', o.address)}"
        f"</ceb:OrderHead>{_lines('OrderList', o.lines, 'itemName')}</ceb:Order>"
        for o in orders))


def payment_xml(*payments: ImportPayment) -> str:
    """A CEB411 message of ``payments``."""
    return _message("CEB411", "".join(
        f"<ceb:Payment><ceb:PaymentHead>{_el('payCode', p.pay_code)}"
        f"{_el('payTransactionId', p.pay_transaction_id)}{_el('orderNo', p.order_no)}"
        f"{_el('payerIdType', p.payer.id_type)}{_el('payerIdNumber', p.payer.id_number)}"
        f"{_el('payerName', p.payer.name)}{_el('amountPaid', p.amount_paid)}"
        f"{_el('currency', p.currency)}</ceb:PaymentHead></ceb:Payment>" for p in payments))


def waybill_xml(*waybills: ImportWaybill) -> str:
    """A CEB511 message of ``waybills``."""
    return _message("CEB511", "".join(
        f"<ceb:Logistics><ceb:LogisticsHead>{_el('logisticsNo', w.logistics_no)}"
        f"{_el('orderNo', w.order_no)}{_el('freight', w.freight)}{_el('weight', w.weight)}"
        f"{_el('packNo', w.pack_no)}{_el('consignee', w.consignee)}"
        f"{_el('consigneeAddress', w.address)}{_el('consigneeTelephone', w.telephone)}"
        f"</ceb:LogisticsHead></ceb:Logistics>" for w in waybills))


def inventory_xml(*inventories: ImportInventory) -> str:
    """A CEB621 message of ``inventories``."""
    return _message("CEB621", "".join(
        f"<ceb:Inventory><ceb:InventoryHead>{_el('orderNo', i.order_no)}"
        f"{_el('ebpCode', i.ebp_code)}{_el('logisticsNo', i.logistics_no)}"
        f"{_el('copNo', i.cop_no)}{_el('invtNo', i.invt_no)}"
        f"{_el('buyerIdType', i.buyer.id_type)}{_el('buyerIdNumber', i.buyer.id_number)}"
        f"{_el('buyerName', i.buyer.name)}{_el('consigneeAddress', i.address)}"
        f"{_el('freight', i.freight)}{_el('currency', i.currency)}{_el('packNo', i.pack_no)}"
        f"</ceb:InventoryHead>{_lines('InventoryList', i.lines, 'gname')}</ceb:Inventory>"
        for i in inventories))


def receipt_xml(kind: str, *entries: dict[str, Any]) -> str:
    """A receipt message (CEB622…) of entries given as element → value."""
    element = {"CEB304": "OrderReturn", "CEB312": "OrderReturn", "CEB412": "PaymentReturn",
               "CEB506": "LogisticsReturn", "CEB512": "LogisticsReturn",
               "CEB604": "InventoryReturn", "CEB622": "InventoryReturn",
               "CEB702": "SummaryReturn"}[kind]
    body = "".join(f"<ceb:{element}>{''.join(_el(k, v) for k, v in e.items())}</ceb:{element}>"
                   for e in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><ceb:{kind}Message guid="G" version="1.0" '
            f'xmlns:ceb="http://www.chinaport.gov.cn/ceb">{body}</ceb:{kind}Message>')


def as_object(record: ImportOrder | ImportPayment | ImportWaybill | ImportInventory
              ) -> dict[str, Any]:
    """A record as one NDJSON line holds it: ``kind``, the CEB element names, ``lines``."""
    def goods(lines: tuple[GoodsLine, ...], name: str) -> list[dict[str, Any]]:
        return [{"gnum": g.gnum, name: g.item_name, "qty": str(g.qty), "unit": g.unit,
                 "price": str(g.price), "totalPrice": str(g.total_price)} for g in lines]

    def person(prefix: str, p: Person) -> dict[str, str]:
        return {f"{prefix}Name": p.name, f"{prefix}IdType": p.id_type,
                f"{prefix}IdNumber": p.id_number}

    if isinstance(record, ImportOrder):
        return {"kind": "order", "orderNo": record.order_no, "ebpCode": record.ebp_code,
                "goodsValue": str(record.goods_value), "freight": str(record.freight),
                "discount": str(record.discount), "taxTotal": str(record.tax_total),
                "acturalPaid": str(record.actural_paid), "currency": record.currency,
                **person("buyer", record.buyer), "payTransactionId": record.pay_transaction_id,
                "consignee": record.consignee, "consigneeTelephone": record.telephone,
                "consigneeAddress": record.address,
                "lines": goods(record.lines, "itemName")}
    if isinstance(record, ImportPayment):
        return {"kind": "payment", "orderNo": record.order_no, "payCode": record.pay_code,
                "payTransactionId": record.pay_transaction_id, **person("payer", record.payer),
                "amountPaid": str(record.amount_paid), "currency": record.currency}
    if isinstance(record, ImportWaybill):
        return {"kind": "waybill", "logisticsNo": record.logistics_no,
                "orderNo": record.order_no, "freight": str(record.freight),
                "weight": str(record.weight), "packNo": record.pack_no,
                "consignee": record.consignee, "consigneeTelephone": record.telephone,
                "consigneeAddress": record.address}
    return {"kind": "inventory", "orderNo": record.order_no, "ebpCode": record.ebp_code,
            "logisticsNo": record.logistics_no, "copNo": record.cop_no,
            "invtNo": record.invt_no, **person("buyer", record.buyer),
            "consigneeAddress": record.address, "freight": str(record.freight),
            "currency": record.currency, "packNo": record.pack_no,
            "lines": goods(record.lines, "gname")}
