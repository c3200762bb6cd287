"""Customs declarations of cross-border e-commerce parcels: the item's content (a UPU CN 23's
data) and the channel it is declared in (China customs' e-commerce regimes, from the regimes table).

A declaration is checked as a whole when it is read (:func:`read_declaration`): every problem
is named by its field path (``lines[2].hs_code``) and reason, so a broker fixing a file sees
all of a record's mistakes at once, not one per attempt. A :class:`Declaration` that exists is
a valid one. What a channel requires is written once, in the regimes table.

Money is :class:`~decimal.Decimal` in the declaration's currency; a line's total must equal
quantity × unit price to the cent (the rule China customs' messages state for totalPrice).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Any

import pycountry
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from silkpost.domain import s10
from silkpost.domain.codes import customs_regimes
from silkpost.domain.countries import iso3166_alpha2
from silkpost.domain.errors import Problem

# China customs' cross-border e-commerce supervision codes, from the regimes table (9610
# retail parcels, 9710 B2B direct, 9810 to an overseas warehouse, 1210 bonded).
Regime = StrEnum("Regime", [(f"R{code}", code) for code in customs_regimes()])  # type: ignore[misc]


class Direction(StrEnum):
    """Whether the goods leave China or enter it."""

    EXPORT = "export"
    IMPORT = "import"


class Category(StrEnum):
    """The CN 23 category of an item's content."""

    GIFT = "gift"
    DOCUMENTS = "documents"
    COMMERCIAL_SAMPLE = "commercial_sample"
    RETURNED_GOODS = "returned_goods"
    SALE_OF_GOODS = "sale_of_goods"
    OTHER = "other"


class IdKind(StrEnum):
    """How a person is identified: China's resident identity card (GB 11643, checked), or a
    passport (its number taken as written: no public check exists)."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"


class DeclarationInvalid(ValueError):
    """A declaration with problems; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{first.field}: {first.reason}{more}")

    @property
    def field(self) -> str:
        """The first problem's field (what an HTTP problem names)."""
        return self.problems[0].field


@dataclass(frozen=True, slots=True)
class Identity:
    """A person's identity document."""

    kind: IdKind
    number: str


@dataclass(frozen=True, slots=True)
class Party:
    """A person or company of a declaration: the sender, the buyer, the consignee."""

    name: str
    identity: Identity | None = None
    country: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class DeclarationLine:
    """One kind of goods in the item (a CN 23 line; a line of customs' order and inventory)."""

    number: int
    description: str
    hs_code: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    total_price: Decimal
    net_weight_kg: Decimal
    origin_country: str

    def __post_init__(self) -> None:
        # The line's own rules, checked here once for every line however it is built (the
        # reader checks the fields it parses and leaves these to construction): an HS code,
        # positive amounts, total = quantity × price. Every problem at once.
        problems = []
        why = hs_problem(self.hs_code)
        if why is not None:
            problems.append(("hs_code", why))
        problems += [(name, "must be more than 0") for name in _LINE_AMOUNTS
                     if not getattr(self, name) > 0]
        if not problems:
            why = line_total_problem(self.quantity, self.unit_price, self.total_price)
            if why is not None:
                problems.append(("total_price", why))
        if problems:
            where = f"lines[{self.number - 1}]"
            raise DeclarationInvalid([Problem(f"{where}.{name}", why) for name, why in problems])

    @property
    def chapter(self) -> int:
        """The HS chapter (its first two digits), what screening rules name."""
        return int(self.hs_code[:2])


@dataclass(frozen=True, slots=True)
class Declaration:
    """One parcel's declaration in one channel (see the module's docstring)."""

    reference: str
    regime: Regime
    direction: Direction
    category: Category
    currency: str
    lines: tuple[DeclarationLine, ...]
    gross_weight_kg: Decimal
    freight: Decimal = Decimal(0)
    item_id: str | None = None
    order_no: str | None = None
    waybill_no: str | None = None
    inventory_no: str | None = None
    ebp_code: str | None = None  # the e-commerce platform's customs code
    ebc_code: str | None = None  # the e-commerce company's
    logistics_code: str | None = None  # the logistics company's
    warehouse_code: str | None = None  # 9810: the overseas warehouse
    ems_no: str | None = None  # 1210: the bonded account book
    area_code: str | None = None  # 1210: the enterprise inside the zone
    sender: Party | None = None
    consignee: Party | None = None
    buyer: Party | None = None

    def __post_init__(self) -> None:
        # What makes a declaration whole, checked here once however it is built (the reader
        # words these itself only when other fields already failed): its lines, its weights,
        # what its channel requires and allows.
        problems = []
        if not 0 < len(self.lines) <= MAX_LINES:
            problems.append(Problem("lines", f"1 to {MAX_LINES} lines of goods, not "
                                             f"{len(self.lines)}"))
        elif self.net_weight_kg > self.gross_weight_kg:
            problems.append(Problem("gross_weight_kg", f"{self.gross_weight_kg} kg is less "
                                    f"than the lines' net weight, {self.net_weight_kg} kg"))
        problems += [Problem(name, f"is required under regime {self.regime.value}")
                     for name in REQUIRED[self.regime] if getattr(self, name) is None]
        if self.regime not in BONDED:
            problems += [Problem(name, f"belongs to bonded regime 1210 only, not "
                                       f"{self.regime.value}")
                         for name in BONDED_ONLY if getattr(self, name) is not None]
        if problems:
            raise DeclarationInvalid(problems)

    @property
    def goods_value(self) -> Decimal:
        """The sum of the lines' totals."""
        return sum((line.total_price for line in self.lines), Decimal(0))

    @property
    def net_weight_kg(self) -> Decimal:
        """The sum of the lines' net weights."""
        return sum((line.net_weight_kg for line in self.lines), Decimal(0))


# What each channel needs beyond the item's content, and which one is bonded: the regimes
# table's columns (one rule, one place). Bonded-only fields are refused elsewhere.
REQUIRED: dict[Regime, tuple[str, ...]] = {
    Regime(code): facts.requires for code, facts in customs_regimes().items()}
BONDED = frozenset(Regime(code) for code, facts in customs_regimes().items() if facts.bonded)
BONDED_ONLY = ("ems_no", "area_code")
MAX_LINES = 100
CENT = Decimal("0.01")
_LINE_AMOUNTS = ("quantity", "unit_price", "total_price", "net_weight_kg")

_HS = re.compile(r"\d{6}(?:\d{2}){0,2}")
_CODE = re.compile(r"[0-9A-Z]{1,32}")
_REFERENCE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,63}")
_PASSPORT = re.compile(r"[0-9A-Z]{5,20}")
# Inventory number: 4-digit customs area, 4-digit year, I or E, a 9-11 digit serial.
_INVENTORY = re.compile(r"\d{4}(\d{4})([IE])\d{9,11}")
_TEXT_MAX = 250
_REGIMES = tuple(sorted(customs_regimes()))
_DIRECTIONS = tuple(d.value for d in Direction)
_CATEGORIES = tuple(c.value for c in Category)
_ID_KINDS = tuple(k.value for k in IdKind)


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a customs code of a company or platform (1-32 capital letters and
    digits, as the declaration's ``ebc_code`` and the others are read), or None."""
    return None if _CODE.fullmatch(code) else f"{code!r} is not a code: 1-32 letters and digits"


def hs_problem(code: str) -> str | None:
    """Why ``code`` is not an HS code (6, 8 or 10 digits, chapter 01-97 but 77), or None."""
    if not _HS.fullmatch(code):
        return f"{code!r} is not an HS code: 6, 8 or 10 digits"
    chapter = int(code[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        return f"chapter {code[:2]} of {code!r} is not an HS chapter (01-97, 77 reserved)"
    return None


@lru_cache(maxsize=1 << 16)
def identity_problem(kind: IdKind, number: str) -> str | None:
    """Why ``number`` is not a valid identity of ``kind``, or None (remembered: a shipper's
    id comes back with each of its parcels, and the GB 11643 check costs ~30 µs)."""
    if kind is IdKind.RESIDENT_ID:
        try:
            ric.validate(number)
        except ValidationError as exc:
            return f"{number!r} is not a resident identity number (GB 11643): {exc}"
        return None
    if not _PASSPORT.fullmatch(number):
        return f"{number!r} is not a passport number: 5-20 letters and digits"
    return None


def line_total_problem(quantity: Decimal, unit_price: Decimal, total: Decimal, *,
                       currency: str | None = None) -> str | None:
    """Why ``total`` is not quantity × unit price to the cent (the rule China customs'
    messages state for totalPrice), or None."""
    expected = (quantity * unit_price).quantize(CENT)
    if abs(total - expected) > CENT:
        money = f"{expected} {currency}" if currency else f"{expected}"
        return f"{total} is not quantity × unit price ({quantity} × {unit_price} = {money})"
    return None


def inventory_number_problem(number: str, direction: Direction | None) -> str | None:
    """Why ``number`` is not a customs inventory number (4-digit customs area, 4-digit year,
    I or E, a 9-11 digit serial) of ``direction`` (not compared when None), or None."""
    matched = _INVENTORY.fullmatch(number)
    if matched is None:
        return (f"{number!r} is not an inventory number: customs area (4 digits), year (4), "
                "I or E, a 9-11 digit serial")
    wanted = "E" if direction is Direction.EXPORT else "I"
    if direction is not None and matched.group(2) != wanted:
        return f"{number!r} is marked {matched.group(2)}, this is an {direction}"
    return None


def paid_problem(*, goods_value: Decimal, freight: Decimal, tax_total: Decimal,
                 discount: Decimal, paid: Decimal, tolerance: Decimal = Decimal(0)
                 ) -> str | None:
    """Why ``paid`` is not goods value + freight + tax − discount to the cent (what an import
    order states it paid, equal to the payment's amount), or None. ``tolerance`` is the share
    by which it may differ instead (三单对碰's, customs_matching.MatchRules)."""
    expected = (goods_value + freight + tax_total - discount).quantize(CENT)
    if abs(paid - expected) > max(CENT, abs(expected) * tolerance):
        over = f", over the {(tolerance * 100).normalize():f} % tolerance" if tolerance else ""
        return (f"{paid} is not goods value + freight + tax − discount ({goods_value} + "
                f"{freight} + {tax_total} − {discount} = {expected}){over}")
    return None


def read_declaration(record: Mapping[str, Any]) -> Declaration:
    """The declaration a record (a JSON object, a CSV row set) describes, or
    DeclarationInvalid listing every problem with its field path."""
    return _Reader(record).declaration()


class _Reader:
    """Reads one record, noting every problem instead of stopping at the first."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

    # -- values ---------------------------------------------------------------------------
    def text(self, source: Mapping[str, Any], name: str, where: str, *,
             required: bool = True, limit: int = _TEXT_MAX) -> str | None:
        value = source.get(name)
        if type(value) is str:  # the usual case, in one test
            value = value.strip()
            if value and len(value) <= limit:
                return value
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(where, "is required")
            return None
        if not isinstance(value, str):
            self.problem(where, f"must be text, not {type(value).__name__}")
            return None
        value = value.strip()
        if len(value) > limit:
            self.problem(where, f"has {len(value)} characters, at most {limit}")
            return None
        return value

    def code(self, source: Mapping[str, Any], name: str, where: str, *,
             required: bool = False, pattern: re.Pattern[str] = _CODE,
             what: str = "1-32 letters and digits") -> str | None:
        value = self.text(source, name, where, required=required, limit=64)
        if value is None:
            return None
        value = value.upper() if pattern is _CODE else value
        if not pattern.fullmatch(value):
            self.problem(where, f"{value!r} is not a code: {what}")
            return None
        return value

    def amount(self, source: Mapping[str, Any], name: str, where: str, *,
               positive: bool = True, required: bool = True) -> Decimal | None:
        value = source.get(name)
        if value is None or value == "":
            if required:
                self.problem(where, "is required")
            return None
        kind = type(value)
        if kind is bool or not isinstance(value, (int, float, str, Decimal)):
            self.problem(where, f"must be a number, not {type(value).__name__}")
            return None
        try:  # Decimal reads a string with spaces around; a float by its shortest repr
            number = Decimal(value) if kind is str or kind is int else Decimal(str(value))
        except InvalidOperation:
            self.problem(where, f"{value!r} is not a number")
            return None
        if not number.is_finite():
            self.problem(where, f"{value!r} is not a finite number")
            return None
        if number < 0 or (positive and number == 0):
            self.problem(where, f"must be {'more than' if positive else 'at least'} 0, "
                                f"not {number}")
            return None
        if number > Decimal("1e12"):
            self.problem(where, f"{number} is beyond any parcel's")
            return None
        return number

    def choice(self, source: Mapping[str, Any], name: str, where: str,
               kind: Callable[[str], Any], names: Sequence[str],
               default: Any = None) -> Any:
        value = source.get(name)
        if value is None or value == "":
            if default is None:
                self.problem(where, f"is required: one of {', '.join(names)}")
            return default
        try:
            return kind(str(value).strip().lower() if name != "regime" else str(value).strip())
        except ValueError:
            self.problem(where, f"one of {', '.join(names)}, not {value!r}")
            return default

    def country(self, source: Mapping[str, Any], name: str, where: str, *,
                required: bool) -> str | None:
        value = self.text(source, name, where, required=required, limit=8)
        if value is None:
            return None
        value = value.upper()
        if value not in iso3166_alpha2():
            self.problem(where, f"{value!r} is not an ISO 3166 country code")
            return None
        return value

    # -- parts ------------------------------------------------------------------------------
    def party(self, name: str, *, identity: bool) -> Party | None:
        raw = self.record.get(name)
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.problem(name, f"must be an object, not {type(raw).__name__}")
            return None
        who = self.text(raw, "name", f"{name}.name")
        found = None
        raw_id = raw.get("identity")
        if raw_id is not None:
            if not isinstance(raw_id, Mapping):
                self.problem(f"{name}.identity", "must be an object with kind and number")
            else:
                kind = self.choice(raw_id, "kind", f"{name}.identity.kind", IdKind, _ID_KINDS)
                number = self.text(raw_id, "number", f"{name}.identity.number", limit=32)
                if kind is not None and number is not None:
                    number = number.upper().replace(" ", "")
                    why = identity_problem(kind, number)
                    if why is not None:
                        self.problem(f"{name}.identity.number", why)
                    else:
                        found = Identity(kind, number)
        elif identity:
            self.problem(f"{name}.identity", "is required: real-name acceptance")
        country = self.country(raw, "country", f"{name}.country", required=False)
        address = self.text(raw, "address", f"{name}.address", required=False)
        phone = self.text(raw, "phone", f"{name}.phone", required=False, limit=32)
        if who is None:
            return None
        return Party(who, found, country, address, phone)

    def line(self, raw: Any, n: int, currency: str | None) -> DeclarationLine | None:
        where = f"lines[{n}]"
        if not isinstance(raw, Mapping):
            self.problem(where, f"must be an object, not {type(raw).__name__}")
            return None
        before = len(self.problems)
        description = self.text(raw, "description", f"{where}.description")
        hs_code = self.text(raw, "hs_code", f"{where}.hs_code", limit=16)
        if hs_code is not None:
            hs_code = hs_code.replace(".", "")
        quantity = self.amount(raw, "quantity", f"{where}.quantity")
        unit = self.text(raw, "unit", f"{where}.unit", limit=8)
        price = self.amount(raw, "unit_price", f"{where}.unit_price")
        total = self.amount(raw, "total_price", f"{where}.total_price")
        weight = self.amount(raw, "net_weight_kg", f"{where}.net_weight_kg")
        origin = self.country(raw, "origin_country", f"{where}.origin_country", required=True)
        if len(self.problems) > before:  # no line to build: word its other rules here
            why = None if hs_code is None else hs_problem(hs_code)
            if why is not None:
                self.problem(f"{where}.hs_code", why)
            if quantity is not None and price is not None and total is not None:
                why = line_total_problem(quantity, price, total, currency=currency)
                if why is not None:
                    self.problem(f"{where}.total_price", why)
            return None
        assert description and hs_code and quantity and unit and price and total and weight
        assert origin
        try:  # construction checks the HS code and the total
            return DeclarationLine(n + 1, description, hs_code, quantity, unit, price, total,
                                   weight, origin)
        except DeclarationInvalid as exc:
            for problem in exc.problems:
                if problem.field.endswith(".total_price"):  # the message names the currency
                    why = line_total_problem(quantity, price, total, currency=currency)
                    problem = Problem(problem.field, why or problem.reason)
                self.problems.append(problem)
            return None

    def declaration(self) -> Declaration:
        record = self.record
        reference = self.code(record, "reference", "reference", required=True,
                              pattern=_REFERENCE, what="1-64 letters, digits and . _ / -")
        regime = self.choice(record, "regime", "regime", Regime, _REGIMES)
        direction = self.choice(record, "direction", "direction", Direction, _DIRECTIONS,
                                default=Direction.EXPORT)
        category = self.choice(record, "category", "category", Category, _CATEGORIES,
                               default=Category.SALE_OF_GOODS)
        currency = self.text(record, "currency", "currency", limit=3)
        if currency is not None:
            currency = currency.upper()
            if currency not in _currencies():
                self.problem("currency", f"{currency!r} is not an ISO 4217 currency code")
                currency = None
        raw_lines = record.get("lines")
        lines: list[DeclarationLine] = []
        if not isinstance(raw_lines, list) or not raw_lines:
            self.problem("lines", "at least one line of goods is required")
        elif len(raw_lines) > MAX_LINES:
            self.problem("lines", f"{len(raw_lines)} lines, at most {MAX_LINES}")
        else:
            for n, raw in enumerate(raw_lines):
                line = self.line(raw, n, currency)
                if line is not None:
                    lines.append(line)
        gross = self.amount(record, "gross_weight_kg", "gross_weight_kg")
        freight = self.amount(record, "freight", "freight", positive=False, required=False)
        item_id = self.text(record, "item_id", "item_id", required=False, limit=32)
        if item_id is not None:
            item_id = item_id.upper()
            if s10.looks_like_s10(item_id) and not s10.is_valid(item_id):
                self.problem("item_id", f"{item_id!r} is not a valid S10 id (check digit)")
        codes = {name: self.code(record, name, name) for name in (
            "ebp_code", "ebc_code", "logistics_code", "warehouse_code", "ems_no",
            "area_code")}
        order_no = self.code(record, "order_no", "order_no", pattern=_REFERENCE,
                             what="1-64 letters, digits and . _ / -")
        waybill_no = self.code(record, "waybill_no", "waybill_no", pattern=_REFERENCE,
                               what="1-64 letters, digits and . _ / -")
        inventory_no = self.text(record, "inventory_no", "inventory_no", required=False,
                                 limit=24)
        if inventory_no is not None:
            why = inventory_number_problem(inventory_no, direction)
            if why is not None:
                self.problem("inventory_no", why)
        # Real-name acceptance: a channel that needs the sender needs their identity.
        sender = self.party("sender", identity=regime is not None
                            and "sender" in REQUIRED[regime])
        consignee = self.party("consignee", identity=False)
        buyer = self.party("buyer", identity=direction is Direction.IMPORT)
        if direction is Direction.IMPORT and buyer is not None and buyer.identity is not None \
                and buyer.identity.kind is not IdKind.RESIDENT_ID:
            self.problem("buyer.identity.kind", "an import buyer is identified by a resident "
                                                "identity card")
        if not self.problems:  # construction checks the channel's fields and the weights
            assert reference and regime and currency and gross is not None
            try:
                return Declaration(
                    reference=reference, regime=regime, direction=direction,
                    category=category, currency=currency, lines=tuple(lines),
                    gross_weight_kg=gross, freight=freight or Decimal(0), item_id=item_id,
                    order_no=order_no, waybill_no=waybill_no, inventory_no=inventory_no,
                    sender=sender, consignee=consignee, buyer=buyer, **codes)
            except DeclarationInvalid as exc:
                raise DeclarationInvalid(exc.problems) from None
        # No declaration to build: word the channel's and the weights' rules here too.
        present = {**codes, "order_no": order_no, "waybill_no": waybill_no, "sender": sender,
                   "consignee": consignee}
        if regime is not None:
            for name in REQUIRED[regime]:
                if present.get(name) is None and not any(
                        p.field.split(".")[0] == name for p in self.problems):
                    self.problem(name, f"is required under regime {regime.value}")
            if regime not in BONDED:
                for name in BONDED_ONLY:
                    if codes[name] is not None:
                        self.problem(name, f"belongs to bonded regime 1210 only, not "
                                           f"{regime.value}")
        if gross is not None and lines and len(lines) == len(raw_lines or ()):
            net = sum((line.net_weight_kg for line in lines), Decimal(0))
            if net > gross:
                self.problem("gross_weight_kg", f"{gross} kg is less than the lines' net "
                                                f"weight, {net} kg")
        raise DeclarationInvalid(self.problems)


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """China's retail import limits, in yuan: per transaction and per buyer per year (as
    configuration: the official text is cited by secondary sources only)."""

    per_transaction: Decimal = Decimal(5000)
    per_buyer_year: Decimal = Decimal(26000)


def limit_problems(declaration: Declaration, *, buyer_year_so_far: Decimal,
                   limits: ImportLimits) -> list[Problem]:
    """What an import declaration breaks of the retail limits, given what its buyer has
    bought this year already (in yuan: an import is declared in CNY)."""
    if declaration.direction is not Direction.IMPORT:
        return []
    paid = declaration.goods_value + declaration.freight
    out = []
    if paid > limits.per_transaction:
        out.append(Problem("lines", f"{paid} CNY is over the {limits.per_transaction} CNY "
                                    "limit of one transaction"))
    if buyer_year_so_far + paid > limits.per_buyer_year:
        out.append(Problem("buyer", f"{buyer_year_so_far} + {paid} CNY is over the buyer's "
                                    f"{limits.per_buyer_year} CNY a year"))
    return out
