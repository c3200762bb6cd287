"""How the simulated workers of an office of exchange fill bags and whom they dispatch to.

The office's own functions number the dispatches and bags (UPU S8/S9) and record the work;
what is the worker's choice, and so the simulator's, is how full a bag gets and which office
of exchange a dispatch goes to.
"""

from __future__ import annotations

from collections.abc import Sequence

from silkpost.network.corridor import Network
from silkpost.office.service import OFFICE_KINDS

MAX_BAG_KG = 30.0
MAX_BAG_ITEMS = 120
# Items bound beyond the offices of exchange (the rail terminal at Małaszewicze) travel in
# dispatches to the Polish post's office of exchange at Warsaw.
BEYOND_THE_OFFICES = "PLWAWA"


def pack(items: Sequence[tuple[str, float]]) -> list[list[tuple[str, float]]]:
    """``(item id, weight)`` pairs into bags of at most 30 kg and 120 items, in order."""
    bags: list[list[tuple[str, float]]] = []
    weight = 0.0
    for item in items:
        if not bags or weight + item[1] > MAX_BAG_KG or len(bags[-1]) >= MAX_BAG_ITEMS:
            bags.append([])
            weight = 0.0
        bags[-1].append(item)
        weight += item[1]
    return bags


def dispatch_office(destination: str, network: Network) -> str:
    """The office of exchange a dispatch of items for ``destination`` goes to."""
    node = network.nodes.get(destination)
    if node is not None and node.kind in OFFICE_KINDS:
        return destination
    return BEYOND_THE_OFFICES
