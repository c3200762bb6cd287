"""Exchange-office work: pre-advised dispatches, receptacle receipts, verification, holds.

A dispatch travels between two offices of exchange as receptacles (bags), each with a 29-
character S9 label. The sending office announces it ahead in a pre-advice (as UPU PREDES
does): the dispatch id (UPU S8: the first 20 characters of every S9 id in it), its
receptacles with their weights and the items inside each. The receiving office scans each
bag's label on arrival; every scan has exactly one outcome (:class:`ReceiptOutcome`), and
opening a bag checks its items against the pre-advice. What does not match becomes a
finding of the verification note (the manner of UPU CN 43) sent back to the dispatching
office. The core never reads the clock: times are passed in.

A receptacle is known by the first 23 characters of its label (dispatch id and receptacle
serial, :func:`receptacle_key`). The last six (highest-receptacle and registered indicators,
weight) describe it, so a label that matches a bag already received in its first 23 but not
in the rest is a second bag claiming the same number: a duplicate, not a re-scan.

>>> advice = PreAdvice.of("CNURCAKZALAACCC60042", year=2026, receptacles=[
...     AdvisedReceptacle("CNURCAKZALAACCC60042001110153", items=("CA000000014CN",))])
>>> advice.origin, advice.destination, advice.serial, advice.receptacles[0].weight_kg
('CNURCA', 'KZALAA', 42, 15.3)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from silkpost.domain import s9, s10
from silkpost.domain.codes import ObjectKind
from silkpost.domain.errors import InvalidComponent, InvalidFormat, InvalidValue
from silkpost.domain.objects import validate_object_id
from silkpost.domain.text import check_printable
from silkpost.domain.times import check_time

DISPATCH_ID_LENGTH = 20
RECEPTACLE_KEY_LENGTH = 23
MAX_RECEPTACLES = 999  # the S9 receptacle serial has three digits
MAX_ITEMS = 100_000  # items in one pre-advice: far above a truckload, bounds a request
MAX_SEAL = 32
# S9 weights are in tenths of a kilogram; a weighed bag within this of its declared weight
# is in order (one scale step either side), beyond it the difference is a finding.
WEIGHT_TOLERANCE_KG = 0.1
_DISPATCH = re.compile(r"([A-Z]{2}[A-Z0-9]{3}[A-Z])([A-Z]{2}[A-Z0-9]{3}[A-Z])([A-Z])([A-Z]{2})"
                       r"([0-9])([0-9]{4})")


class ReceiptOutcome(StrEnum):
    """What scanning a bag's label at an office came to: one outcome per scan.

    ``announced``: expected by a pre-advice and now received. ``unannounced``: addressed to
    this office but named by no pre-advice (received, and a finding). ``already_received``:
    the same label scanned again (nothing changes). ``duplicate``: another label with the
    number of a bag already received (a second bag claiming it; a finding). ``wrong_office``:
    addressed to another office (not received here).
    """

    ANNOUNCED = "announced"
    UNANNOUNCED = "unannounced"
    ALREADY_RECEIVED = "already_received"
    DUPLICATE = "duplicate"
    WRONG_OFFICE = "wrong_office"


class FindingKind(StrEnum):
    """An irregularity of a verification note (CN 43)."""

    MISSING_RECEPTACLE = "missing_receptacle"
    SURPLUS_RECEPTACLE = "surplus_receptacle"
    DUPLICATE_RECEPTACLE = "duplicate_receptacle"
    WEIGHT = "weight"
    MISSING_ITEM = "missing_item"
    SURPLUS_ITEM = "surplus_item"
    DAMAGED = "damaged"


class HoldReason(StrEnum):
    """Why an item is kept at the office instead of going on."""

    CUSTOMS = "customs"
    SECURITY = "security"
    ADDRESS = "address"


def check_dispatch_id(value: str, *, field: str = "dispatch_id") -> str:
    """A UPU S8 dispatch id (20 characters), compacted, or an error naming the bad part."""
    compact = value.replace(" ", "").strip().upper()
    if len(compact) != DISPATCH_ID_LENGTH:
        raise InvalidFormat(f"a dispatch id (UPU S8) has {DISPATCH_ID_LENGTH} characters, not "
                            f"{len(compact)}", field=field)
    m = _DISPATCH.fullmatch(compact)
    if m is None:
        raise InvalidFormat(f"{compact!r} is not a dispatch id: origin office (6), destination "
                            "office (6), category (1 letter), subclass (2 letters), year (1 "
                            "digit), serial (4 digits)", field=field)
    try:
        s9.validate_impc(m[1])
        s9.validate_impc(m[2])
    except InvalidValue as exc:
        raise exc.for_field(field) from None
    if m[3] not in s9.MAIL_CATEGORIES:
        raise InvalidComponent(f"mail category {m[3]} is not one of "
                               f"{', '.join(s9.MAIL_CATEGORIES)}", field=field)
    if int(m[6]) == 0:
        raise InvalidComponent("dispatch serial numbers start at 1", field=field)
    return compact


def receptacle_key(receptacle_id: str) -> str:
    """The part of an S9 label that names the bag: dispatch id and receptacle serial."""
    return receptacle_id[:RECEPTACLE_KEY_LENGTH]


def check_receptacle_id(value: str, *, field: str = "receptacle_id") -> str:
    """An S9 receptacle id, compacted, or an error naming the bad part."""
    try:
        return s9.validate(value)
    except InvalidValue as exc:
        raise exc.for_field(field) from None


def check_item_id(value: str, *, field: str = "item_id") -> str:
    """An item's id (S10 with its check digit, or a carrier's own number)."""
    try:
        return validate_object_id(ObjectKind.ITEM, value)
    except InvalidValue as exc:
        raise exc.for_field(field) from None


def check_seal(value: str | None, *, field: str = "seal") -> str | None:
    """A seal number as printed on the seal: 1 to 32 printable characters, or none."""
    if value is None:
        return None
    seal = check_printable(value.strip(), field=field)
    if not seal:
        return None
    if len(seal) > MAX_SEAL:
        raise InvalidValue(f"a seal number has at most {MAX_SEAL} characters", field=field)
    return seal


def check_weight(value: float, *, field: str = "weight_kg") -> float:
    """A weight in kilograms as an S9 label can carry it (0 to 999.9 kg)."""
    if not 0 <= value <= 999.9:  # NaN fails it too
        raise InvalidValue(f"a weight is 0 to 999.9 kg, not {value}", field=field)
    return round(float(value), 3)


@dataclass(frozen=True, slots=True)
class AdvisedReceptacle:
    """One bag of a pre-advice: its label and the items in it (checked on construction).

    ``weight_kg`` is the label's unless the sender states a finer one.
    """

    receptacle_id: str
    items: tuple[str, ...] = ()
    weight_kg: float | None = None

    def __post_init__(self) -> None:
        label = check_receptacle_id(self.receptacle_id)
        object.__setattr__(self, "receptacle_id", label)
        weight = s9.parse(label).weight_kg if self.weight_kg is None else self.weight_kg
        object.__setattr__(self, "weight_kg", check_weight(weight))
        items = tuple(check_item_id(i, field=f"receptacles[{label}].items")
                      for i in self.items)
        if len(set(items)) != len(items):
            twice = sorted({i for i in items if items.count(i) > 1})
            raise InvalidValue(f"item {twice[0]} is listed twice in receptacle {label}",
                               field="items")
        object.__setattr__(self, "items", items)

    @property
    def key(self) -> str:
        """What names this bag (see :func:`receptacle_key`)."""
        return receptacle_key(self.receptacle_id)

    @property
    def serial(self) -> int:
        """The receptacle's serial in its dispatch."""
        return int(self.receptacle_id[20:23])


@dataclass(frozen=True, slots=True)
class PreAdvice:
    """A dispatch announced to the office it goes to (checked on construction).

    Every receptacle belongs to the dispatch (its label starts with the dispatch id), no two
    share a serial, no item is in two of them, and the year's last digit is the dispatch id's.
    """

    dispatch_id: str
    year: int
    receptacles: tuple[AdvisedReceptacle, ...]

    def __post_init__(self) -> None:
        dispatch_id = check_dispatch_id(self.dispatch_id)
        object.__setattr__(self, "dispatch_id", dispatch_id)
        if not 2000 <= self.year <= 2099 or self.year % 10 != int(dispatch_id[15]):
            raise InvalidValue(f"year {self.year} does not end in the dispatch id's year digit "
                               f"{dispatch_id[15]}", field="year")
        if not self.receptacles:
            raise InvalidValue("a pre-advice lists at least one receptacle",
                               field="receptacles")
        if len(self.receptacles) > MAX_RECEPTACLES:
            raise InvalidValue(f"a dispatch has at most {MAX_RECEPTACLES} receptacles",
                               field="receptacles")
        serials: set[int] = set()
        seen: dict[str, str] = {}
        for r in self.receptacles:
            if not r.receptacle_id.startswith(dispatch_id):
                raise InvalidValue(f"receptacle {r.receptacle_id} is not of dispatch "
                                   f"{dispatch_id} (its first 20 characters differ)",
                                   field="receptacles")
            if r.serial in serials:
                raise InvalidValue(f"receptacle serial {r.serial:03d} is listed twice",
                                   field="receptacles")
            serials.add(r.serial)
            for item in r.items:
                if item in seen:
                    raise InvalidValue(f"item {item} is in receptacles {seen[item]} and "
                                       f"{r.receptacle_id}", field="receptacles")
                seen[item] = r.receptacle_id
        if len(seen) > MAX_ITEMS:
            raise InvalidValue(f"a pre-advice lists at most {MAX_ITEMS:,} items",
                               field="receptacles")
        object.__setattr__(self, "receptacles",
                           tuple(sorted(self.receptacles, key=lambda r: r.serial)))

    @classmethod
    def of(cls, dispatch_id: str, *, year: int, receptacles: Iterable[AdvisedReceptacle]
           ) -> PreAdvice:
        """A pre-advice from its parts (a list of receptacles of any kind of iterable)."""
        return cls(dispatch_id, year, tuple(receptacles))

    @property
    def origin(self) -> str:
        """The dispatching office of exchange (IMPC)."""
        return self.dispatch_id[:6]

    @property
    def destination(self) -> str:
        """The office of exchange the dispatch goes to (IMPC)."""
        return self.dispatch_id[6:12]

    @property
    def category(self) -> str:
        """The mail category (A airmail, B S.A.L., C surface, D priority by surface)."""
        return self.dispatch_id[12]

    @property
    def subclass(self) -> str:
        """The mail subclass (CA parcels, CC e-commerce parcels ...)."""
        return self.dispatch_id[13:15]

    @property
    def serial(self) -> int:
        """The dispatch's serial for its office pair, category and year."""
        return int(self.dispatch_id[16:20])

    @property
    def item_count(self) -> int:
        """How many items the dispatch holds."""
        return sum(len(r.items) for r in self.receptacles)


@dataclass(frozen=True, slots=True)
class Finding:
    """One irregularity found at the receiving office, for the verification note."""

    dispatch_id: str
    kind: FindingKind
    found_at: datetime
    receptacle_id: str | None = None
    item_id: str | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FindingKind(self.kind))
        check_time(self.found_at, field="found_at")


def weight_finding(declared_kg: float, weighed_kg: float) -> str | None:
    """What a verification note says of a bag's weight, or None when it is in order."""
    difference = round(weighed_kg - declared_kg, 3)
    if abs(difference) <= WEIGHT_TOLERANCE_KG + 1e-9:
        return None
    return (f"declared {declared_kg:.1f} kg, weighed {weighed_kg:.1f} kg "
            f"({difference:+.1f} kg)")


def receipt_outcome(office: str, scanned: str, *, advised: bool, received_label: str | None
                    ) -> ReceiptOutcome:
    """The outcome of scanning label ``scanned`` at ``office``.

    ``advised``: whether a pre-advice names the bag; ``received_label``: the label this bag
    number was received with before, if any.
    """
    if received_label is not None:
        if received_label == scanned:
            return ReceiptOutcome.ALREADY_RECEIVED
        return ReceiptOutcome.DUPLICATE
    if scanned[6:12] != office:
        return ReceiptOutcome.WRONG_OFFICE
    return ReceiptOutcome.ANNOUNCED if advised else ReceiptOutcome.UNANNOUNCED


class Direction(StrEnum):
    """Which way an item goes through an office of exchange: out of the country (export
    customs) or into it (import customs)."""

    OUTWARD = "outward"
    INWARD = "inward"


class OfficeAction(StrEnum):
    """What the office does to an item, each recorded as one UPU event."""

    ARRIVED = "arrived"
    PRESENTED = "presented"
    HELD_CUSTOMS = "held_customs"
    HELD_SECURITY = "held_security"
    HELD_ADDRESS = "held_address"
    RELEASED = "released"
    LEFT = "left"


# The UPU event of each action, at an outward office and at an inward one (REFERENCE.md, "UPU
# tracking event codes"). A test holds it to the code table: an arrival and a departure are
# the exchange office's codes, a presentation and a release carry those marks.
OFFICE_EVENTS: dict[OfficeAction, dict[Direction, str]] = {
    OfficeAction.ARRIVED: {Direction.OUTWARD: "EMB", Direction.INWARD: "EMD"},
    OfficeAction.PRESENTED: {Direction.OUTWARD: "EXA", Direction.INWARD: "EDB"},
    OfficeAction.HELD_CUSTOMS: {Direction.OUTWARD: "EXB", Direction.INWARD: "EME"},
    OfficeAction.HELD_SECURITY: {Direction.OUTWARD: "EXB", Direction.INWARD: "EDA"},
    OfficeAction.HELD_ADDRESS: {Direction.OUTWARD: "EXD", Direction.INWARD: "EDA"},
    OfficeAction.RELEASED: {Direction.OUTWARD: "EXC", Direction.INWARD: "EDC"},
    OfficeAction.LEFT: {Direction.OUTWARD: "EMC", Direction.INWARD: "EMF"},
}
HOLDS = {HoldReason.CUSTOMS: OfficeAction.HELD_CUSTOMS,
         HoldReason.SECURITY: OfficeAction.HELD_SECURITY,
         HoldReason.ADDRESS: OfficeAction.HELD_ADDRESS}


def office_code(action: OfficeAction, direction: Direction) -> str:
    """The event code of ``action`` at an office the item passes ``direction``."""
    return OFFICE_EVENTS[action][direction]


def sends_abroad(office_country: str, item_id: str, destination_country: str | None) -> bool:
    """Whether an office in ``office_country`` sends the item abroad (export customs codes)
    rather than receiving it from abroad (import codes): by the country of its destination
    when known, else by the country that issued its S10 id; an opaque id with no known
    destination counts as inbound."""
    if destination_country is not None:
        return destination_country != office_country
    if s10.looks_like_s10(item_id):
        return item_id[11:] == office_country
    return False


def missing_items(advised: Sequence[str], scanned: Iterable[str]) -> list[str]:
    """The items a pre-advice named for a bag that opening it did not find, in its order."""
    found = set(scanned)
    return [i for i in advised if i not in found]


# --- outbound: bags filled, closed into dispatches, handed over ---------------------------

MAX_BAG_ITEMS = 5_000
_CONVEYANCE = re.compile(r"[A-Z0-9][A-Z0-9 ./-]{1,31}")


class ConveyanceMode(StrEnum):
    """What carries a dispatch away: the network's modes."""

    TRUCK = "truck"
    RAIL = "rail"
    AIR = "air"


@dataclass(frozen=True, slots=True)
class Conveyance:
    """The conveyance a dispatch is handed to: a truck's plate, a train's or flight's number
    (checked on construction), and the network service it runs, if known."""

    mode: ConveyanceMode
    reference: str
    service_id: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mode", ConveyanceMode(self.mode))
        except ValueError:
            raise InvalidValue(f"a conveyance is one of "
                               f"{', '.join(m.value for m in ConveyanceMode)}, not "
                               f"{self.mode!r}", field="mode") from None
        reference = " ".join(self.reference.upper().split())
        if not _CONVEYANCE.fullmatch(reference):
            raise InvalidFormat(f"{self.reference!r} is not a plate, train or flight number: "
                                "2 to 32 letters, digits, spaces, '.', '/' or '-'",
                                field="conveyance")
        object.__setattr__(self, "reference", reference)


def dispatch_id(origin: str, destination: str, category: str, subclass: str, year: int,
                serial: int) -> str:
    """The S8 id of a dispatch from its parts (checked)."""
    if not 1 <= serial <= 9999:
        raise InvalidValue(f"a dispatch serial is 1 to 9999, not {serial}", field="serial")
    return check_dispatch_id(f"{origin}{destination}{category}{subclass}{year % 10}"
                             f"{serial:04d}")


def receptacle_label(dispatch: str, serial: int, *, weight_kg: float, highest: bool = False,
                     registered: str = "none") -> str:
    """The 29-character S9 label of a receptacle closed into ``dispatch``."""
    if not 1 <= serial <= MAX_RECEPTACLES:
        raise InvalidValue(f"a dispatch holds receptacles 001 to {MAX_RECEPTACLES}",
                           field="receptacle")
    parsed = s9.parse(f"{dispatch}{serial:03d}000000")
    return s9.build(s9.ReceptacleId(
        parsed.origin, parsed.destination, parsed.mail_category, parsed.subclass,
        parsed.year_digit, parsed.dispatch_number, serial, highest, registered,
        check_weight(weight_kg)))


def label_form(category: str) -> str:
    """The bag label of a mail category: CN 35 for airmail, CN 34 for surface mail."""
    return "CN 35" if category == "A" else "CN 34"


def bill_form(category: str) -> str:
    """The delivery bill of a mail category: CN 38 airmail, CN 41 S.A.L., CN 37 surface."""
    return {"A": "CN 38", "B": "CN 41"}.get(category, "CN 37")

