"""Place names a partner writes where a UN/LOCODE belongs (``Алматы``, ``Almaty``, ``阿拉木图``).

A Kazakh or Chinese partner's spreadsheet names the city, not its code. A name is resolved to
a UN/LOCODE only when it names one place: from the network's node names (en, zh, ru, kk; the
city is the part before the first comma, space or parenthesis, or, in Chinese, the start of
the name) and from the UN/LOCODE list of the corridor countries (BY, CN, KG, KZ, PL, RU, TJ,
UZ; ``data/unlocode-names.csv``, the code and name columns of the 2024 UN/LOCODE release in
``../shared/data/unlocode``). A name that fits several codes is refused with the candidates,
since a guess would put a parcel in the wrong city without a word.

The names are the platform's network's (:class:`PlaceNames`, given to the ingest), so a
network file of one's own (``SILKPOST_NETWORK_FILE``) names its places too. An index is built
on the first name that is not a code: a file whose locations are all codes never builds it,
and the record validator remembers each distinct value it resolved.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib.resources import files

from silkpost.domain.locations import validate_locode
from silkpost.network.corridor import Network, default_network_path, load_network

_NAMES_FILE = "unlocode-names.csv"
_CITY_END = re.compile(r"\s*[,(（]")
_MIN_PREFIX = 2  # a Chinese name's start shorter than this names no city
_SHOWN = 8  # candidates listed in a rejection at most


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


@cache
def _unlocode_names() -> tuple[tuple[str, str], ...]:
    """(name, code) of the UN/LOCODE list of the corridor countries, read once."""
    text = files("silkpost.tracking").joinpath("data", _NAMES_FILE).read_text("utf-8")
    return tuple((row["name"], row["locode"]) for row in csv.DictReader(text.splitlines()))


class PlaceNames:
    """The place names of one network and of the UN/LOCODE list, and what each names.

    Built from the platform's own network (``SILKPOST_NETWORK_FILE`` or the packaged one), so
    a node named in a network file of one's own resolves like the shipped ones. The index is
    built on the first name that is not a code.
    """

    def __init__(self, network: Network) -> None:
        self._network = network
        self._built: tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]] | None = None

    def _index(self) -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]]:
        """Exact names to codes, and (Chinese node name, code) pairs matched by their start."""
        if self._built is not None:
            return self._built
        exact: dict[str, set[str]] = {}

        def add(name: str, code: str) -> None:
            if name.strip():
                exact.setdefault(_key(name), set()).add(code)

        for name, code in _unlocode_names():
            add(name, code)
        chinese: list[tuple[str, str]] = []
        for node in self._network.nodes.values():
            for lang, name in node.names.items():
                add(name, node.locode)
                if lang == "zh":
                    chinese.append((name, node.locode))
                else:
                    add(_CITY_END.split(name, maxsplit=1)[0], node.locode)
                    if lang == "en":  # "Khorgos international mail exchange station"
                        add(name.split()[0], node.locode)
        self._built = ({k: frozenset(v) for k, v in exact.items()}, tuple(chinese))
        return self._built

    def candidates(self, name: str) -> list[str]:
        """The UN/LOCODEs a place name may stand for, sorted."""
        exact, chinese = self._index()
        key = _key(name)
        found = set(exact.get(key, ()))
        if len(key) >= _MIN_PREFIX:
            found.update(code for zh, code in chinese if zh.startswith(key))
        return sorted(found)

    def location_code(self, value: str) -> str:
        """The UN/LOCODE of a location field: the code itself, or the one place a name names.

        Raises ValueError saying what is wrong: not a code and no known place, or the
        candidates when the name fits several.
        """
        try:
            return validate_locode(value)
        except ValueError as not_code:
            found = self.candidates(value)
            if len(found) == 1:
                return found[0]
            if not found:
                raise ValueError(f"{not_code}; nor a place name of the network or the UN/LOCODE "
                                 "list") from None
            shown = ", ".join(found[:_SHOWN]) + (" …" if len(found) > _SHOWN else "")
            raise ValueError(f"{value.strip()!r} names {len(found)} places: {shown}; write the "
                             "UN/LOCODE") from None


@cache
def packaged() -> PlaceNames:
    """The place names of the packaged network: for a caller that has no platform (a record
    checked on its own). Ingest is given the platform's own."""
    return PlaceNames(load_network(default_network_path()))


def candidates(name: str) -> list[str]:
    """The UN/LOCODEs a place name may stand for in the packaged network, sorted."""
    return packaged().candidates(name)


def location_code(value: str) -> str:
    """:meth:`PlaceNames.location_code` with the packaged network's names."""
    return packaged().location_code(value)
