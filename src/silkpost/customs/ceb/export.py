"""The CEB export messages of 9610 retail parcels, written from Silkpost's declarations in the
202205 schema: CEB303 (the platform's order), CEB505 (the logistics company's waybill), CEB603
(the inventory list, 清单) and CEB701 (the summary of inventories customs has accepted).

A declaration is refused whole, with every field the messages cannot carry and why (another
regime, a currency or unit without a customs code, an HS code that is not China's 10 digits, a
company without a name), so that no message is written with part of a parcel. Every message is
checked against its XSD and the rules (:mod:`.validate`) before it is handed out.

What a declaration does not hold comes from :class:`ExportSettings`: the BaseTransfer block
(copCode, copName, dxpMode, dxpId), the customs and port codes, the companies' names. The DXP
envelope and the XML signature are not written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from lxml import etree

from silkpost.customs.ceb.codes import customs_code
from silkpost.customs.ceb.schemas import CEB_NS, CHINA_TIME, TIME_FORMAT, Side, Version
from silkpost.customs.ceb.validate import tree_problems
from silkpost.domain.codes import default_regime
from silkpost.domain.customs import Declaration, Direction, Regime
from silkpost.domain.errors import Problem

Kind = Literal["303", "505", "603", "701"]  # written from declarations
KINDS: tuple[Kind, ...] = ("303", "505", "603", "701")
MessageKind = Literal["303", "505", "603", "701", "509"]  # 509: a dispatch's departure
ROOTS: dict[MessageKind, str] = {"303": "CEB303Message", "505": "CEB505Message",
                                 "603": "CEB603Message", "701": "CEB701Message",
                                 "509": "CEB509Message"}
PARCELS_PER_DEPARTURE = 1000  # DepartureList rows in one CEB509 (msgCount/msgSeqNo split)
# The version attribute Silkpost writes (the schemas module reads it back to 202205).
VERSION_ATTRIBUTE = "202205"
PER_MESSAGE = 100  # entities (orders, waybills, inventories, summaries) in one message
_NS = f"{{{CEB_NS}}}"
_MAX_DECIMALS = 5
_CUSTOMS_CODE = re.compile(r"\d{4}")
_ONE_CHAR = re.compile(r"[0-9A-Z]")
# What XML 1.0 cannot carry at all: control characters, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ExportSettingsInvalid(ValueError):
    """Export settings with problems; ``problems`` names each setting and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in self.problems))


@dataclass(frozen=True, slots=True)
class ExportSettings:
    """What the messages need beyond a declaration, checked when made."""

    cop_code: str  # BaseTransfer: the company that transmits (its customs code)
    cop_name: str
    dxp_id: str  # its user number on the China e-port's data exchange platform
    dxp_mode: str = "DXP"
    customs_code: str | None = None  # 4 digits: the customs office declared to (603, 701)
    port_code: str | None = None  # 4 digits: the customs office of exit (603)
    destination_port: str | None = None  # POD, customs' port code (603)
    transport_mode: str = "6"  # trafMode: customs' transport code; 6 is mail
    packaging: str = "2"  # wrapType: customs' packaging code
    statistics_flag: str = "B"  # A simplified or B summary declaration (603)
    agent_code: str | None = None  # the declaring agent; the transmitting company if None
    agent_name: str | None = None
    names: Mapping[str, str] = field(default_factory=dict)  # company code → registered name

    def __post_init__(self) -> None:
        problems = []
        for name, limit in (("cop_code", 18), ("cop_name", 100), ("dxp_id", 30)):
            value = getattr(self, name)
            if not value or len(value) > limit:
                problems.append(Problem(name, f"is required, at most {limit} characters"))
        if len(self.dxp_mode) != 3:
            problems.append(Problem("dxp_mode", f"{self.dxp_mode!r}: 3 characters (DXP)"))
        for name in ("customs_code", "port_code"):
            value = getattr(self, name)
            if value is not None and not _CUSTOMS_CODE.fullmatch(value):
                problems.append(Problem(name, f"{value!r} is not a customs office code: "
                                              "4 digits"))
        pod = self.destination_port
        if pod is not None and not 3 <= len(pod) <= 4:
            problems.append(Problem("destination_port", f"{pod!r}: 3 or 4 characters"))
        for name in ("transport_mode", "packaging"):
            if not _ONE_CHAR.fullmatch(getattr(self, name)):
                problems.append(Problem(name, f"{getattr(self, name)!r}: one customs code "
                                              "character"))
        for code, name in (("cop_name", self.cop_name), *self.names.items()):
            if _NOT_XML.search(name) or len(name) > 100:
                problems.append(Problem(f"names[{code}]" if code != "cop_name" else code,
                                        "a company name is at most 100 characters, none "
                                        "of them control characters"))
        if self.statistics_flag not in ("A", "B"):
            problems.append(Problem("statistics_flag", f"{self.statistics_flag!r}: A or B"))
        if problems:
            raise ExportSettingsInvalid(problems)

    def needs(self, kinds: Iterable[Kind]) -> list[Problem]:
        """What these settings lack for writing ``kinds``."""
        wanted = set(kinds)
        out = []
        if wanted & {"603", "701"} and self.customs_code is None:
            out.append(Problem("customs_code", "is required for CEB603 and CEB701"))
        if "603" in wanted:
            for name in ("port_code", "destination_port"):
                if getattr(self, name) is None:
                    out.append(Problem(name, "is required for CEB603"))
        return out

    def name_of(self, code: str) -> str | None:
        """A company's registered name, by its customs code."""
        return self.cop_name if code == self.cop_code else self.names.get(code)


@dataclass(frozen=True, slots=True)
class Message:
    """One written message: its kind, its guid (also its file's name) and its bytes."""

    kind: MessageKind
    guid: str
    data: bytes
    references: tuple[str, ...]  # the declarations it carries (a departure: its dispatch)

    @property
    def file_name(self) -> str:
        """The file it is written to."""
        return f"{ROOTS[self.kind]}_{self.guid}.xml"


@dataclass(frozen=True, slots=True)
class Refused:
    """A declaration no message carries, and why."""

    reference: str
    problems: tuple[Problem, ...]


@dataclass(slots=True)
class ExportResult:
    """The messages written and the declarations refused."""

    messages: list[Message] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    def count(self, kind: Kind) -> int:
        """How many messages of ``kind`` were written."""
        return sum(1 for m in self.messages if m.kind == kind)


def new_guid() -> str:
    """A message guid as the schema asks: a UUID in upper case."""
    return str(uuid.uuid4()).upper()


# -- what a declaration must hold ---------------------------------------------------------

def declaration_problems(declaration: Declaration, kinds: Iterable[Kind],
                         settings: ExportSettings, bag: str | None = None) -> list[Problem]:
    """Every reason the messages ``kinds`` cannot carry ``declaration``, by its field path."""
    d = declaration
    wanted = set(kinds)
    out: list[Problem] = []
    if d.direction is not Direction.EXPORT:
        out.append(Problem("direction", "CEB export messages carry exports"))
    retail = Regime(default_regime())  # direct-mail retail, from the regimes table
    if d.regime is not retail:
        out.append(Problem("regime", f"Silkpost writes CEB export messages for "
                                     f"{retail.value} retail parcels; {d.regime.value} is not "
                                     "built"))
    if customs_code("currency", d.currency) is None:
        out.append(Problem("currency", f"{d.currency} has no customs currency code in "
                                       "Silkpost's table (customs_codes.csv)"))
    texts = [("reference", d.reference), ("order_no", d.order_no),
             ("waybill_no", d.waybill_no), ("item_id", d.item_id),
             *((f"lines[{n}].description", line.description) for n, line in
               enumerate(d.lines))]
    for where, text in texts:
        if text is not None and _NOT_XML.search(text):
            out.append(Problem(where, "has characters XML cannot carry (control "
                                      "characters)"))
    for n, line in enumerate(d.lines):
        if customs_code("unit", line.unit) is None:
            out.append(Problem(f"lines[{n}].unit", f"{line.unit!r} has no customs unit code "
                                                   "in Silkpost's table (PCE, NAR, KGM)"))
        for name in ("quantity", "unit_price", "total_price", "net_weight_kg"):
            _decimals(getattr(line, name), f"lines[{n}].{name}", out)
        if "603" in wanted and len(line.hs_code) != 10:
            out.append(Problem(f"lines[{n}].hs_code", f"CEB603 carries China's 10-digit "
                                                      f"tariff code; {line.hs_code!r} has "
                                                      f"{len(line.hs_code)} digits"))
    for name in ("gross_weight_kg", "freight"):
        _decimals(getattr(d, name), name, out)
    companies = [("ebc_code", d.ebc_code)]
    if wanted & {"303", "603"}:
        companies.append(("ebp_code", d.ebp_code))
        _limit(d.order_no, "order_no", 60, out, required=True)
    if wanted & {"505", "603"}:
        companies.append(("logistics_code", d.logistics_code))
        _limit(d.waybill_no, "waybill_no", 32, out, required=True)
    for name, code in companies:
        if code is None:
            out.append(Problem(name, "is required for the messages asked"))
        elif len(code) > 18:
            out.append(Problem(name, f"{code!r}: a customs company code has at most 18 "
                                     "characters"))
        elif settings.name_of(code) is None:
            out.append(Problem(name, f"no registered name for company {code} (give it with "
                                     "the companies' names)"))
        elif len(settings.name_of(code) or "") > 100:
            out.append(Problem(name, f"the name of {code} is longer than 100 characters"))
    if "603" in wanted:
        _limit(d.reference, "reference", 30, out, required=True)
        country = d.consignee.country if d.consignee is not None else None
        if country is None:
            out.append(Problem("consignee.country", "is required for CEB603 (country of "
                                                    "arrival)"))
        elif customs_code("country", country) is None:
            out.append(Problem("consignee.country", f"{country} has no customs country code "
                                                    "in Silkpost's table"))
        if bag is not None and len(bag) > 37:
            out.append(Problem("bag", f"{bag!r}: totalPackageNo holds at most 37 characters"))
    if "701" in wanted:
        if d.inventory_no is None:
            out.append(Problem("inventory_no", "is required for CEB701: the inventory number "
                                               "customs gave when it accepted the CEB603"))
        elif len(d.inventory_no) > 20:
            out.append(Problem("inventory_no", "CEB701 carries at most 20 characters"))
    return out


def _decimals(value: Decimal, where: str, out: list[Problem]) -> None:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_DECIMALS:
        out.append(Problem(where, f"{value} has more than {_MAX_DECIMALS} decimals, what "
                                  "CEB messages carry"))


def _limit(value: str | None, where: str, limit: int, out: list[Problem], *,
           required: bool) -> None:
    if value is None:
        if required:
            out.append(Problem(where, "is required for the messages asked"))
    elif len(value) > limit:
        out.append(Problem(where, f"{value!r}: the message holds at most {limit} characters"))


# -- writing ------------------------------------------------------------------------------

class _Writer:
    """Builds one kind's message: the root, its entities, the BaseTransfer block."""

    def __init__(self, kind: MessageKind, settings: ExportSettings, guid: str) -> None:
        self.root = etree.Element(_NS + ROOTS[kind], nsmap={"ceb": CEB_NS})
        self.root.set("guid", guid)
        self.root.set("version", VERSION_ATTRIBUTE)
        self.settings = settings

    @staticmethod
    def add(parent: etree._Element, name: str, value: object) -> None:
        child = etree.SubElement(parent, _NS + name)
        child.text = _text(value)

    def fields(self, parent: etree._Element, values: Iterable[tuple[str, object]]) -> None:
        for name, value in values:
            if value is not None:
                self.add(parent, name, value)

    def finish(self) -> etree._Element:
        s = self.settings
        transfer = etree.SubElement(self.root, _NS + "BaseTransfer")
        self.fields(transfer, (("copCode", s.cop_code), ("copName", s.cop_name),
                               ("dxpMode", s.dxp_mode), ("dxpId", s.dxp_id)))
        return self.root


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize() if value == value.to_integral() else value, "f")
    return str(value)


def _head(guid: str, at: str) -> list[tuple[str, object]]:
    return [("guid", guid), ("appType", "1"), ("appTime", at), ("appStatus", "2")]


def _order(w: _Writer, d: Declaration, guid: str, at: str) -> None:
    s = w.settings
    assert d.ebp_code and d.ebc_code and d.order_no
    order = etree.SubElement(w.root, _NS + "Order")
    head = etree.SubElement(order, _NS + "OrderHead")
    currency = customs_code("currency", d.currency)
    w.fields(head, [*_head(guid, at), ("orderType", "E"), ("orderNo", d.order_no),
                    ("ebpCode", d.ebp_code), ("ebpName", s.name_of(d.ebp_code)),
                    ("ebcCode", d.ebc_code), ("ebcName", s.name_of(d.ebc_code)),
                    ("goodsValue", d.goods_value), ("freight", d.freight),
                    ("currency", currency), ("note", d.reference)])
    for line in d.lines:
        row = etree.SubElement(order, _NS + "OrderList")
        w.fields(row, [("gnum", line.number), ("itemNo", line.hs_code),
                       ("itemName", line.description),
                       ("unit", customs_code("unit", line.unit)), ("currency", currency),
                       ("qty", line.quantity), ("price", line.unit_price),
                       ("totalPrice", line.total_price)])


def _waybill(w: _Writer, d: Declaration, guid: str, at: str) -> None:
    s = w.settings
    assert d.logistics_code and d.waybill_no
    info = "; ".join(line.description for line in d.lines)
    if len(info) > 200:  # a summary the logistics company can see, not the goods' list
        info = info[:199] + "…"
    waybill = etree.SubElement(w.root, _NS + "Logistics")
    w.fields(waybill, [*_head(guid, at), ("logisticsCode", d.logistics_code),
                       ("logisticsName", s.name_of(d.logistics_code)),
                       ("logisticsNo", d.waybill_no), ("freight", d.freight),
                       ("insuredFee", Decimal(0)),
                       ("currency", customs_code("currency", d.currency)),
                       ("grossWeight", d.gross_weight_kg), ("packNo", 1),
                       ("goodsInfo", " ".join(info.split())),
                       ("ebcCode", d.ebc_code),
                       ("ebcName", s.name_of(d.ebc_code) if d.ebc_code else None),
                       ("note", d.reference)])


def _inventory(w: _Writer, d: Declaration, guid: str, at: str, day: str,
               bag: str | None) -> None:
    s = w.settings
    assert d.ebp_code and d.ebc_code and d.logistics_code and d.consignee
    assert d.consignee.country
    agent_code = s.agent_code or s.cop_code
    agent_name = s.agent_name or (s.name_of(agent_code) or s.cop_name)
    currency = customs_code("currency", d.currency)
    country = customs_code("country", d.consignee.country)
    inventory = etree.SubElement(w.root, _NS + "Inventory")
    head = etree.SubElement(inventory, _NS + "InventoryHead")
    w.fields(head, [
        *_head(guid, at), ("customsCode", s.customs_code), ("ebpCode", d.ebp_code),
        ("ebpName", s.name_of(d.ebp_code)), ("orderNo", d.order_no),
        ("logisticsCode", d.logistics_code), ("logisticsName", s.name_of(d.logistics_code)),
        ("logisticsNo", d.waybill_no), ("copNo", d.reference), ("invtNo", d.inventory_no),
        ("ieFlag", "E"), ("portCode", s.port_code), ("ieDate", day),
        ("statisticsFlag", s.statistics_flag), ("agentCode", agent_code),
        ("agentName", agent_name), ("ebcCode", d.ebc_code),
        ("ebcName", s.name_of(d.ebc_code)), ("ownerCode", d.ebc_code),
        ("ownerName", s.name_of(d.ebc_code)), ("tradeMode", d.regime.value),
        ("trafMode", s.transport_mode),
        # The postal bag: totalPackageNo is "the pallet number; for mail, the bag number".
        ("totalPackageNo", bag), ("country", country), ("POD", s.destination_port),
        ("freight", d.freight), ("fCurrency", currency), ("fFlag", "3"),
        ("insuredFee", Decimal(0)), ("iCurrency", currency), ("iFlag", "3"),
        ("wrapType", s.packaging), ("packNo", 1), ("grossWeight", d.gross_weight_kg),
        ("netWeight", d.net_weight_kg), ("note", d.item_id)])
    for line in d.lines:
        row = etree.SubElement(inventory, _NS + "InventoryList")
        w.fields(row, [
            ("gnum", line.number), ("itemNo", line.hs_code), ("itemName", line.description),
            ("gcode", line.hs_code), ("gname", line.description),
            ("gmodel", line.description), ("barCode", "无"), ("country", country),
            ("currency", currency), ("qty", line.quantity),
            # The legal quantity in kilograms: Silkpost holds no table of each tariff
            # code's legal unit, and the net weight is what every line has.
            ("qty1", line.net_weight_kg), ("unit", customs_code("unit", line.unit)),
            ("unit1", customs_code("unit", "KGM")), ("price", line.unit_price),
            ("totalPrice", line.total_price)])


def _summary(w: _Writer, ebc_code: str, inventories: Sequence[str], guid: str, at: str,
             number: str) -> None:
    s = w.settings
    agent_code = s.agent_code or s.cop_code
    agent_name = s.agent_name or (s.name_of(agent_code) or s.cop_name)
    summary = etree.SubElement(w.root, _NS + "SummaryApply")
    head = etree.SubElement(summary, _NS + "SummaryApplyHead")
    w.fields(head, [*_head(guid, at), ("customsCode", s.customs_code), ("copNo", number),
                    ("agentCode", agent_code), ("agentName", agent_name),
                    ("ebcCode", ebc_code), ("ebcName", s.name_of(ebc_code)),
                    ("declAgentCode", agent_code), ("declAgentName", agent_name),
                    ("summaryFlag", "1"), ("itemNameFlag", "1"), ("msgCount", 1),
                    ("msgSeqNo", 1)])
    for invt_no in inventories:
        row = etree.SubElement(summary, _NS + "SummaryApplyList")
        w.add(row, "invtNo", invt_no)


def export_messages(declarations: Iterable[Declaration], *, kinds: Sequence[Kind],
                    settings: ExportSettings, now: datetime,
                    bags: Mapping[str, str] | None = None,
                    guid: Callable[[], str] = new_guid, per_message: int = PER_MESSAGE,
                    checked: bool = True) -> ExportResult:
    """The messages ``kinds`` for ``declarations`` (up to ``per_message`` entities a
    message, 1-100), each checked against its XSD and the rules; refused declarations with
    their problems. ``checked=False`` skips the check: only for measuring what it costs."""
    if not 1 <= per_message <= PER_MESSAGE:
        raise ValueError(f"per_message must be 1-{PER_MESSAGE}, not {per_message}")
    bags = bags or {}
    result = ExportResult()
    accepted: list[Declaration] = []
    for d in declarations:
        problems = declaration_problems(d, kinds, settings, bags.get(d.reference))
        if problems:
            result.refused.append(Refused(d.reference, tuple(problems)))
        else:
            accepted.append(d)
    local = now.astimezone(CHINA_TIME)
    at, day = local.strftime(TIME_FORMAT), local.strftime("%Y%m%d")
    for kind in KINDS:
        if kind not in kinds:
            continue
        batches: list[list[list[Declaration]]]  # messages of entities of declarations
        if kind == "701":
            groups = _by_company(accepted)
            batches = [groups[i:i + per_message] for i in range(0, len(groups), per_message)]
        else:
            batches = [[[d] for d in accepted[i:i + per_message]]
                       for i in range(0, len(accepted), per_message)]
        for n, batch in enumerate(batches, start=1):
            message_guid = guid()
            w = _Writer(kind, settings, message_guid)
            for m, group in enumerate(batch, start=1):
                d = group[0]
                if kind == "303":
                    _order(w, d, guid(), at)
                elif kind == "505":
                    _waybill(w, d, guid(), at)
                elif kind == "603":
                    _inventory(w, d, guid(), at, day, bags.get(d.reference))
                else:
                    _summary(w, d.ebc_code or "", [x.inventory_no or "" for x in group],
                             guid(), at, f"S{at}{n:03d}{m:03d}")
            references = tuple(d.reference for group in batch for d in group)
            root = w.finish()
            found = tree_problems(root, Version.V202205, Side.EXPORT) if checked else ()
            if found:  # not expected: what the checks above let through, refused whole
                result.refused.extend(Refused(r, found) for r in references)
                continue
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            result.messages.append(Message(kind, message_guid, data, references))
    return result


def _by_company(accepted: Sequence[Declaration]) -> list[list[Declaration]]:
    """The declarations of each e-commerce company, in order of first appearance: a summary
    gathers one company's inventories."""
    groups: dict[str, list[Declaration]] = {}
    for d in accepted:
        groups.setdefault(d.ebc_code or "", []).append(d)
    return list(groups.values())


def departure_messages(dispatch_id: str, *, left_at: datetime, mode: str, conveyance: str,
                       service_id: str | None,
                       bags: Sequence[tuple[str, Sequence[str]]], settings: ExportSettings,
                       now: datetime, guid: Callable[[], str] = new_guid,
                       per_message: int = PARCELS_PER_DEPARTURE) -> list[Message]:
    """The CEB509 departure of a dispatch: each parcel (its S10 waybill number) with its mail
    bag (the S9 receptacle id, where ``totalPackageNo`` asks for it), split into messages of
    ``per_message`` parcels numbered by msgCount/msgSeqNo; each checked against the 202205
    XSD and the rules before it is returned. ExportSettingsInvalid names what the message
    cannot carry (a customs office not set, a mode customs has no code for)."""
    problems = []
    if settings.customs_code is None:
        problems.append(Problem("customs_code", "is required for CEB509"))
    traffic = customs_code("transport", mode)
    if traffic is None:
        problems.append(Problem("conveyance_mode", f"{mode!r} has no customs transport code"))
    parcels = [(bag, item) for bag, items in bags for item in items]
    if not parcels:
        problems.append(Problem("dispatch_id", f"dispatch {dispatch_id} carries no parcel"))
    if problems:
        raise ExportSettingsInvalid(problems)
    at = now.astimezone(CHINA_TIME).strftime(TIME_FORMAT)
    left = left_at.astimezone(CHINA_TIME).strftime(TIME_FORMAT)
    chunks = [parcels[i:i + per_message] for i in range(0, len(parcels), per_message)]
    out = []
    for n, chunk in enumerate(chunks, start=1):
        message_guid = guid()
        w = _Writer("509", settings, message_guid)
        departure = etree.SubElement(w.root, _NS + "Departure")
        head = etree.SubElement(departure, _NS + "DepartureHead")
        w.fields(head, [*_head(guid(), at), ("customsCode", settings.customs_code),
                        ("copNo", dispatch_id), ("logisticsCode", settings.cop_code),
                        ("logisticsName", settings.cop_name), ("trafMode", traffic),
                        ("trafName", " ".join(conveyance.split())[:100]),
                        ("voyageNo", service_id[:32] if service_id else None),
                        ("leaveTime", left), ("msgCount", len(chunks)), ("msgSeqNo", n)])
        for gnum, (bag, item) in enumerate(chunk, start=1):
            row = etree.SubElement(departure, _NS + "DepartureList")
            w.fields(row, [("gnum", gnum), ("totalPackageNo", bag), ("logisticsNo", item)])
        root = w.finish()
        found = tree_problems(root, Version.V202205, Side.EXPORT)
        if found:  # not expected: the fields above are the dispatch's own, checked already
            raise ExportSettingsInvalid(list(found))
        out.append(Message("509", message_guid,
                           etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                           (dispatch_id,)))
    return out
