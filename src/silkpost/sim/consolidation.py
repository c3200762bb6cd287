"""Consolidation: parcels into receptacles (bags) and receptacles into numbered dispatches.

An office of exchange closes a dispatch to a destination office per conveyance; each bag gets an
UPU S9 id that carries origin and destination IMPC codes, the dispatch serial (numbered per
office pair and year), the bag's serial, the last-bag indicator and the weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from silkpost.domain import s9

MAX_BAG_KG = 30.0
MAX_BAG_ITEMS = 120


@dataclass(slots=True)
class DispatchCounter:
    """Dispatch serials per (origin office, destination office, year digit).

    Every pair's numbering starts after ``start``. A run into a store that already holds R
    receptacles starts at R: each earlier run made no more dispatches than it stored bags, so
    its serials all lie below R and the new run's S9 ids are new (until the 9999 serials of
    a year wrap, as the standard lets them).
    """

    start: int = 0
    last: dict[tuple[str, str, int], int] = field(default_factory=dict)

    def next(self, origin: str, destination: str, year_digit: int) -> int:
        """The next dispatch serial (1-9999, wrapping as the standard allows in a year)."""
        key = (origin, destination, year_digit)
        serial = self.last.get(key, self.start) % 9999 + 1
        self.last[key] = serial
        return serial


@dataclass(frozen=True, slots=True)
class Bag:
    """A closed receptacle: its S9 id and the parcels in it."""

    receptacle_id: str
    dispatch_id: str
    item_ids: tuple[str, ...]
    weight_kg: float


def close_dispatch(
    items: Sequence[tuple[str, float]],
    *,
    origin_office: str,
    destination_office: str,
    year_digit: int,
    counter: DispatchCounter,
    mail_category: str = "C",
    subclass: str = "CC",
) -> list[Bag]:
    """Pack ``(item id, weight)`` pairs into bags of one new dispatch, in the given order."""
    if not items:
        return []
    dispatch = counter.next(origin_office, destination_office, year_digit)
    groups: list[list[tuple[str, float]]] = [[]]
    weight = 0.0
    for item in items:
        if groups[-1] and (weight + item[1] > MAX_BAG_KG or len(groups[-1]) >= MAX_BAG_ITEMS):
            groups.append([])
            weight = 0.0
        groups[-1].append(item)
        weight += item[1]
    if len(groups) > 999:
        raise ValueError("a dispatch holds at most 999 receptacles")
    bags = []
    for n, group in enumerate(groups, start=1):
        total = round(sum(w for _, w in group) + 0.4, 1)  # + the bag itself
        rid = s9.ReceptacleId(
            origin=origin_office, destination=destination_office, mail_category=mail_category,
            subclass=subclass, year_digit=year_digit, dispatch_number=dispatch,
            receptacle_number=n, is_highest=n == len(groups), registered="none",
            weight_kg=min(total, 999.9),
        )
        bags.append(Bag(receptacle_id=s9.build(rid), dispatch_id=rid.dispatch_id,
                        item_ids=tuple(i for i, _ in group), weight_kg=rid.weight_kg))
    return bags
