"""ISO 3166-1 alpha-2 country codes, read once from pycountry.

pycountry is a data package (no network, no writes); reading its table keeps the list
correct without copying it here.
"""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def iso3166_alpha2() -> frozenset[str]:
    """All officially assigned ISO 3166-1 alpha-2 codes."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    """True if ``code`` is an assigned ISO 3166-1 alpha-2 code (upper case).

    >>> is_country("KZ"), is_country("XX")
    (True, False)
    """
    return code in iso3166_alpha2()
