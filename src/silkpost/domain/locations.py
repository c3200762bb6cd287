"""UN/LOCODE location codes and operator office codes, as events carry them.

A UN/LOCODE is the ISO 3166 country (2 letters) and a 3-character place code of letters and the
digits 2-9 (``KZALA`` Almaty, ``CNHRS`` Khorgos). Office codes are the operator's own names for
a building at that place: an UPU IMPC code (``CNURCA``) or a network node code (``CNHRS-XS``).

>>> validate_locode("kz ala")
'KZALA'
>>> validate_office("CNHRS-XS")
'CNHRS-XS'
"""

from __future__ import annotations

import re

from silkpost.domain.countries import is_country
from silkpost.domain.errors import InvalidComponent, InvalidFormat

_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_OFFICE = re.compile(r"[A-Z0-9][A-Z0-9_.\-]{1,31}")


def validate_locode(code: str) -> str:
    """Return the compact UN/LOCODE, or raise saying what is wrong with it."""
    code = code.replace(" ", "").upper()
    if not _LOCODE.fullmatch(code):
        raise InvalidFormat(
            f"{code!r} is not a UN/LOCODE (country letters and 3 letters or digits 2-9)"
        )
    if not is_country(code[:2]):
        raise InvalidComponent(f"{code[:2]} in {code} is not an ISO 3166-1 country")
    return code


def validate_office(code: str) -> str:
    """Return the office code upper-cased, or raise if it has characters a code cannot have."""
    code = code.strip().upper()
    if not _OFFICE.fullmatch(code):
        raise InvalidFormat(
            f"{code!r} is not an office code (2-32 letters, digits, '-', '_' or '.')"
        )
    return code
