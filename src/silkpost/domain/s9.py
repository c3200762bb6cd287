"""UPU S9: the 29-character identifier printed on a receptacle (a mail bag) label.

The id packs where the bag goes and what it holds, so a scanner at a border station can route
it without a lookup::

    CNURCA KZALAA C CC 6 0042 001 0 1 0153
    origin destination category subclass year dispatch receptacle highest registered weight

Weight is in tenths of a kilogram (0153 = 15.3 kg). The first 20 characters identify the
dispatch (UPU S8) the bag belongs to.

>>> r = parse("CNURCAKZALAACCC60042001010153")
>>> r.origin, r.destination, r.mail_category, r.subclass, r.dispatch_number, r.weight_kg
('CNURCA', 'KZALAA', 'C', 'CC', 42, 15.3)
>>> r.dispatch_id
'CNURCAKZALAACCC60042'
>>> str(r) == "CNURCAKZALAACCC60042001010153"
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from silkpost.domain.countries import is_country
from silkpost.domain.errors import InvalidComponent, InvalidFormat

MAIL_CATEGORIES = {
    "A": "airmail / priority",
    "B": "S.A.L.",
    "C": "surface",
    "D": "priority by surface",
}
# Indicator values as published in S9; the registered indicator's 9 (insured) is unconfirmed.
HIGHEST_RECEPTACLE = {"0": False, "1": True, "9": True}
REGISTERED = {"0": "none", "1": "registered", "9": "insured"}

_IMPC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[A-Z]")
_SHAPE = re.compile(
    r"(?P<origin>[A-Z]{2}[A-Z0-9]{3}[A-Z])(?P<destination>[A-Z]{2}[A-Z0-9]{3}[A-Z])"
    r"(?P<category>[A-Z])(?P<subclass>[A-Z]{2})(?P<year>[0-9])(?P<dispatch>[0-9]{4})"
    r"(?P<receptacle>[0-9]{3})(?P<highest>[0-9])(?P<registered>[0-9])(?P<weight>[0-9]{4})"
)


@dataclass(frozen=True, slots=True)
class ReceptacleId:
    """The fields of an S9 receptacle id."""

    origin: str
    destination: str
    mail_category: str
    subclass: str
    year_digit: int
    dispatch_number: int
    receptacle_number: int
    is_highest: bool
    registered: str
    weight_kg: float

    @property
    def dispatch_id(self) -> str:
        """The S8 dispatch id (first 20 characters) this receptacle belongs to."""
        return (
            f"{self.origin}{self.destination}{self.mail_category}{self.subclass}"
            f"{self.year_digit}{self.dispatch_number:04d}"
        )

    def __str__(self) -> str:
        return build(self)


def compact(number: str) -> str:
    """Strip spaces and upper-case."""
    return number.replace(" ", "").strip().upper()


def validate_impc(code: str) -> str:
    """Check an IMPC office-of-exchange code: country (2), location (3), office letter (1)."""
    code = code.strip().upper()
    if not _IMPC.fullmatch(code):
        raise InvalidFormat(f"{code!r} is not an IMPC code (2 letters, 3 letters/digits, 1 letter)")
    if not is_country(code[:2]):
        raise InvalidComponent(f"{code[:2]} in IMPC code {code} is not an ISO 3166-1 country")
    return code


def parse(number: str) -> ReceptacleId:
    """Split a receptacle id into its fields, or say which one is wrong."""
    number = compact(number)
    if len(number) != 29:
        raise InvalidFormat(f"an S9 receptacle id has 29 characters, not {len(number)}")
    m = _SHAPE.fullmatch(number)
    if m is None:
        raise InvalidFormat(_first_bad_field(number))
    validate_impc(m["origin"])
    validate_impc(m["destination"])
    if m["category"] not in MAIL_CATEGORIES:
        raise InvalidComponent(f"mail category {m['category']} is not one of A, B, C, D")
    if m["highest"] not in HIGHEST_RECEPTACLE:
        raise InvalidComponent(f"highest-receptacle indicator {m['highest']} is not 0, 1 or 9")
    if m["registered"] not in REGISTERED:
        raise InvalidComponent(f"registered indicator {m['registered']} is not 0, 1 or 9")
    if int(m["dispatch"]) == 0 or int(m["receptacle"]) == 0:
        raise InvalidComponent("dispatch and receptacle serial numbers start at 1")
    return ReceptacleId(
        origin=m["origin"],
        destination=m["destination"],
        mail_category=m["category"],
        subclass=m["subclass"],
        year_digit=int(m["year"]),
        dispatch_number=int(m["dispatch"]),
        receptacle_number=int(m["receptacle"]),
        is_highest=HIGHEST_RECEPTACLE[m["highest"]],
        registered=REGISTERED[m["registered"]],
        weight_kg=int(m["weight"]) / 10,
    )


def validate(number: str) -> str:
    """Return the compact id if it parses."""
    parse(number)
    return compact(number)


def is_valid(number: str) -> bool:
    """True if ``number`` is a well-formed S9 receptacle id."""
    try:
        parse(number)
    except ValueError:
        return False
    return True


def build(r: ReceptacleId) -> str:
    """The 29-character id of a receptacle."""
    weight = round(r.weight_kg * 10)
    if not 0 <= weight <= 9999:
        raise InvalidComponent("receptacle weight must be between 0 and 999.9 kg")
    highest = "1" if r.is_highest else "0"
    registered = {v: k for k, v in REGISTERED.items()}[r.registered]
    return (
        f"{r.dispatch_id}{r.receptacle_number:03d}{highest}{registered}{weight:04d}"
    )


_FIELDS = (
    ("origin office", 0, 6),
    ("destination office", 6, 12),
    ("mail category", 12, 13),
    ("mail subclass", 13, 15),
    ("year", 15, 16),
    ("dispatch number", 16, 20),
    ("receptacle number", 20, 23),
    ("highest-receptacle indicator", 23, 24),
    ("registered indicator", 24, 25),
    ("weight", 25, 29),
)


def _first_bad_field(number: str) -> str:
    """Name the first S9 field whose characters are of the wrong kind."""
    for name, start, end in _FIELDS:
        part = number[start:end]
        if name.endswith("office"):
            ok = _IMPC.fullmatch(part) is not None
        elif name in ("mail category", "mail subclass"):
            ok = part.isalpha()
        else:
            ok = part.isdigit()
        if not ok:
            return f"S9 {name} (characters {start + 1}-{end}) is {part!r}"
    return "not an S9 receptacle id"
