"""Which node codes someone meant: the nearest codes and names to a code the network lacks.

An operator types ``URUMQI`` or ``Алматы`` where a node code such as ``CNURCA`` is wanted.
Rather than "no such node", every driver (CLI commands, the API's network routes) answers
with the nodes they may have meant, through :meth:`Network.node`, which calls this. A place
name matches when it contains what was typed (any of the four languages), a code or a word of
a name when it is close in spelling (difflib; no fuzzy-matching dependency for this).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

CLOSE = 0.75  # difflib ratio from which a code or word counts as a likely typo
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def nearest_codes(typed: str, names_by_code: Mapping[str, Iterable[str]], *, limit: int = 5
                  ) -> list[str]:
    """Codes whose code or names are nearest to ``typed``, best first (ties in the
    network's order), at most ``limit``.

    >>> names = {"CNURCA": ["Urumqi exchange office", "乌鲁木齐互换局"],
    ...          "KZALAA": ["Almaty PCI-5", "Алматы"], "CNURC-AIR": ["Urumqi airport"]}
    >>> nearest_codes("URUMQI", names)
    ['CNURCA', 'CNURC-AIR']
    >>> nearest_codes("алматы", names), nearest_codes("CNURCB", names)
    (['KZALAA'], ['CNURCA'])
    >>> nearest_codes("乌鲁木齐", names), nearest_codes("XYZ", names)
    (['CNURCA'], [])
    """
    query = typed.strip().casefold()
    if not query:
        return []
    scored = []
    for position, (code, names) in enumerate(names_by_code.items()):
        score = _score(query, code, names)
        if score >= CLOSE:
            scored.append((-score, position, code))
    return [code for _, _, code in sorted(scored)[:limit]]


def _score(query: str, code: str, names: Iterable[str]) -> float:
    """1 for the code itself, 0.95 for a name containing the query (3 characters or more,
    or any length in scripts without spaces), else the best spelling ratio with the code,
    a whole name or one of its words."""
    if query == code.casefold():
        return 1.0
    best = SequenceMatcher(None, query, code.casefold()).ratio()
    for name in names:
        folded = name.casefold()
        if query in folded and (len(query) >= 3 or not query.isascii()):
            return 0.95
        candidates = [folded, *(m.group() for m in _WORD.finditer(folded))]
        best = max(best, *(SequenceMatcher(None, query, c).ratio() for c in candidates))
    return best
