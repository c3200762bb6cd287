"""China customs' own codes for currencies, countries, units and transport modes
(``customs_codes.csv``, whose header says where they come from), looked up by the ISO or
UN/ECE code a declaration uses, or the network's conveyance mode."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files
from typing import Literal

Kind = Literal["currency", "country", "unit", "transport"]


@cache
def customs_codes() -> dict[tuple[str, str], str]:
    """Every (kind, ISO or UN/ECE key) of the table and its customs code."""
    text = files("silkpost.customs.ceb").joinpath("customs_codes.csv").read_text(
        encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(row["kind"], row["key"]): row["code"] for row in rows}


def customs_code(kind: Kind, key: str) -> str | None:
    """The customs code of ``key`` (``CNY``, ``KZ``, ``PCE``), or None if the table has none."""
    return customs_codes().get((kind, key))


def customs_codes_of(kind: Kind) -> frozenset[str]:
    """All the customs codes of one kind (what a message may carry, as far as Silkpost knows)."""
    return frozenset(code for (k, _), code in customs_codes().items() if k == kind)
