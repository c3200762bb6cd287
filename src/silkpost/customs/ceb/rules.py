"""What a CEB message's schema documents but cannot check, checked on a parsed message.

The XSD fixes lengths and types; its documentation text adds rules that China customs applies
on receipt: a guid is a 36-character upper-case UUID, appTime is ``YYYYMMDDhhmmss``, a line's
totalPrice is qty × price, a resident's id number passes GB 11643, an inventory number has its
layout, bonded fields belong to the bonded regime only, and an import parcel is one package
paid in yuan whose acturalPaid adds up. The business rules among these are the domain's
(:mod:`silkpost.domain.customs`), called here on the message's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation

from lxml import etree

from silkpost.customs.ceb.paths import local, path_of
from silkpost.customs.ceb.schemas import CEB_NS, TIME_FORMAT, Side
from silkpost.domain.codes import customs_regimes
from silkpost.domain.customs import (
    BONDED,
    Direction,
    IdKind,
    Regime,
    identity_problem,
    inventory_number_problem,
    line_total_problem,
    paid_problem,
)
from silkpost.domain.errors import Problem

_NS = f"{{{CEB_NS}}}"
_GUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
_TIMES = frozenset({"appTime", "startTime", "endTime"})
# Fields holding one of customs' JGS-20 codes, which are three digits.
_CODED = frozenset({"currency", "fCurrency", "iCurrency", "country", "unit", "unit1", "unit2"})
# The message fields of the bonded regime (account book, zone enterprise, its record number):
# the declaration's ems_no and area_code, as the XSD documents them (保税模式必填).
_BONDED_FIELDS = frozenset({"emsNo", "areaCode", "areaName", "iacCode", "iacName",
                            "itemRecordNo"})
_CNY = "142"


def rule_problems(root: etree._Element, side: Side) -> list[Problem]:
    """Every rule the message breaks, each with its element's path and the reason."""
    return list(_problems(root, side))


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _sibling(element: etree._Element, name: str) -> etree._Element | None:
    parent = element.getparent()
    return None if parent is None else parent.find(_NS + name)


def _number(element: etree._Element | None) -> Decimal | None:
    try:
        value = Decimal(_text(element))
    except InvalidOperation:
        return None  # the schema's decimal type reports it
    return value if value.is_finite() else None


def _guid_problem(value: str) -> str | None:
    if _GUID.fullmatch(value):
        return None
    if _GUID.fullmatch(value.upper()):
        return f"{value!r} has lower-case letters: a guid is an upper-case UUID"
    return f"{value!r} is not a UUID (36 characters, upper case)"


def _time_problem(value: str) -> str | None:
    try:
        if len(value) == 14 and value.isdigit():
            datetime.strptime(value, TIME_FORMAT)
            return None
    except ValueError:
        return f"{value!r} is not a real time (YYYYMMDDhhmmss)"
    return f"{value!r} is not a time written YYYYMMDDhhmmss"


def _problems(root: etree._Element, side: Side) -> Iterator[Problem]:
    direction = Direction.EXPORT if side is Side.EXPORT else Direction.IMPORT
    guid = root.get("guid")
    if guid is not None and (why := _guid_problem(guid)) is not None:
        yield Problem(f"{path_of(root)}/@guid", why)
    for element in root.iter(_NS + "*"):
        name = local(element.tag)
        value = _text(element)
        if name == "guid":
            why = _guid_problem(value)
        elif name in _TIMES:
            why = _time_problem(value) if value or name == "appTime" else None
        elif name == "totalPrice":
            yield from _line_total(element)
            continue
        elif name == "invtNo":
            why = inventory_number_problem(value, direction) if value else None
        elif name.endswith("IdType"):
            yield from _identity(element, name[:-len("IdType")], side)
            continue
        elif name == "tradeMode":
            yield from _bonded(element, value)
            continue
        elif name in _CODED and value:
            why = None if len(value) == 3 and value.isdigit() else (
                f"{value!r} is not a customs code: 3 digits (JGS-20)")
            if why is None and side is Side.IMPORT and name == "currency" and value != _CNY:
                why = f"{value!r}: an import is paid in yuan, currency 142"
        elif side is Side.IMPORT and name == "packNo":
            why = None if value == "1" else f"{value!r}: an import parcel is one package, 1"
        elif side is Side.IMPORT and name == "acturalPaid":
            yield from _paid(element)
            continue
        else:
            continue
        if why is not None:
            yield Problem(path_of(element), why)


def _line_total(total: etree._Element) -> Iterator[Problem]:
    qty, price = _sibling(total, "qty"), _sibling(total, "price")
    if qty is None or price is None:
        return  # a total of something else (a summary), not a line's
    amounts = [_number(e) for e in (qty, price, total)]
    if None in amounts:
        return
    quantity, unit_price, value = amounts
    assert quantity is not None and unit_price is not None and value is not None
    why = line_total_problem(quantity, unit_price, value)
    if why is not None:
        yield Problem(path_of(total), why)


def _identity(kind: etree._Element, prefix: str, side: Side) -> Iterator[Problem]:
    value = _text(kind)
    number = _sibling(kind, f"{prefix}IdNumber")
    parent = kind.getparent()
    refund = parent is not None and local(parent.tag).startswith("InvtRefund")
    if side is Side.IMPORT and value != "1" and not refund:
        yield Problem(path_of(kind), f"{value!r}: an import's {prefix} is identified by a "
                                     "resident identity card, 1")
    if value == "1" and number is not None and _text(number):
        why = identity_problem(IdKind.RESIDENT_ID, _text(number))
        if why is not None:
            yield Problem(path_of(number), why)


def _bonded(trade_mode: etree._Element, value: str) -> Iterator[Problem]:
    if value not in customs_regimes() or Regime(value) in BONDED:
        return  # the bonded regime, or one the regimes table does not know
    head = trade_mode.getparent()
    entity = head.getparent() if head is not None else None
    if entity is None:
        return
    bonded = ", ".join(sorted(r.value for r in BONDED))
    for element in entity.iter(_NS + "*"):
        if local(element.tag) in _BONDED_FIELDS and _text(element):
            yield Problem(path_of(element), f"belongs to bonded regime {bonded} only, not "
                                            f"{value}")


def _paid(paid: etree._Element) -> Iterator[Problem]:
    parts = {name: _number(_sibling(paid, name)) for name in (
        "goodsValue", "freight", "taxTotal", "discount")}
    value = _number(paid)
    if value is None or any(v is None for v in parts.values()):
        return
    why = paid_problem(goods_value=parts["goodsValue"] or Decimal(0),
                       freight=parts["freight"] or Decimal(0),
                       tax_total=parts["taxTotal"] or Decimal(0),
                       discount=parts["discount"] or Decimal(0), paid=value)
    if why is not None:
        yield Problem(path_of(paid), why)
