"""Which ids an object of each kind may carry.

Items are known by their UPU S10 id, but also by other carriers' numbers, which are accepted as
opaque ids. An id that has the S10 layout must pass the S10 check (a typo would otherwise start
a second, phantom item). Receptacles use S9 ids when they have the S9 length, dispatches S8.

>>> validate_object_id("item", "CA000000014CN")
'CA000000014CN'
>>> validate_object_id("item", "YT2212345678901")  # a courier's own number: opaque
'YT2212345678901'
"""

from __future__ import annotations

import re
from functools import lru_cache

from silkpost.domain import s9, s10
from silkpost.domain.codes import ObjectKind
from silkpost.domain.errors import InvalidFormat

OPAQUE_MIN, OPAQUE_MAX = 4, 64  # other carriers' numbers: characters, at least and at most
_OPAQUE = re.compile(rf"[A-Z0-9][A-Z0-9\-_./]{{{OPAQUE_MIN - 1},{OPAQUE_MAX - 1}}}")


@lru_cache(maxsize=1 << 18)
def validate_object_id(kind: str, object_id: str) -> str:
    """Return the normalised id of an object of ``kind``, or raise saying why it is not one.

    Remembered for the last 262,144 ids (some 56 MB): an item's id comes back with each of
    its events (a dozen over its journey, several in one office action), and checking an
    S10 check digit costs forty times the lookup."""
    compact = object_id.replace(" ", "").upper()
    if kind == ObjectKind.ITEM and s10.looks_like_s10(compact):
        return s10.validate(compact)
    if kind == ObjectKind.RECEPTACLE and len(compact) == 29:
        return s9.validate(compact)
    if not _OPAQUE.fullmatch(compact):
        raise InvalidFormat(
            f"{object_id!r} is not an id: {OPAQUE_MIN}-{OPAQUE_MAX} letters, digits or - _ . / "
            "starting with a letter or digit"
        )
    return compact
