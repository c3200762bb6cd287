"""The code tables: tracking statuses and event codes, with their texts in zh/en/ru/kk.

Codes are data (``tables/*.csv``), so a correction or a new translation is one edit there. UPU
codes (E..) are used where UPU names the step; Silkpost codes (S..) name the steps UPU does not
(bag opened, sorted, loaded, border crossed, gauge transshipment, warehouse received...).

Everything else that classifies codes reads these tables: which statuses end an item's life
(``terminal``), which codes mark a posting, a delivery, a departure or a customs step
(``marks``: see :class:`Mark`), the customs regimes a parcel may travel under and the default
one, and the languages every text is kept in (:class:`Language`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files


class Language(StrEnum):
    """The languages of the corridor, in the order the pages offer them."""

    ZH = "zh"
    EN = "en"
    RU = "ru"
    KK = "kk"


LANGUAGES: tuple[str, ...] = tuple(lang.value for lang in Language)


class Mark(StrEnum):
    """What an event code tells analytics beyond its status (the ``marks`` column)."""

    POSTED = "posted"  # the item was posted: transit time starts
    DELIVERED = "delivered"  # delivered to the addressee: transit time ends
    LEAVING = "leaving"  # the item left a place: the end of its dwell there
    PRESENTED = "presented"  # presented to customs: customs time starts
    RELEASED = "released"  # released by customs: customs time ends
    INSPECTED = "inspected"  # held for a closer look: counts as an inspection
    # A delivery was tried and failed: the addressee is told to collect the item (tracking page).
    ATTEMPTED = "attempted"
    # Says that an earlier event did not happen (payload ``retracts`` and ``reason``): implies no
    # status, and every fold and count leaves out the event it names (domain/retractions.py).
    RETRACTION = "retraction"


class ObjectKind(StrEnum):
    """What an event is about: a parcel, a bag, a numbered dispatch, or a truck/train/flight."""

    ITEM = "item"
    RECEPTACLE = "receptacle"
    DISPATCH = "dispatch"
    CONVEYANCE = "conveyance"


class Status(StrEnum):
    """Where an item stands; see :mod:`silkpost.domain.status` for how it is derived."""

    ACCEPTED = "accepted"
    IN_TRANSIT = "in_transit"
    AT_OFFICE_OF_EXCHANGE = "at_office_of_exchange"
    HELD_BY_CUSTOMS = "held_by_customs"
    RELEASED = "released"
    DEPARTED = "departed"
    HANDED_OVER = "handed_over"
    AT_DESTINATION = "at_destination"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"
    EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """A status's place in the process, whether it ends the item's life, and its texts."""

    status: Status
    rank: int
    terminal: bool
    stuck_after_hours: float | None
    names: dict[str, str]


@dataclass(frozen=True, slots=True)
class EventCode:
    """One tracking event code: the status it implies and what it may be reported on.

    ``status`` is None only for a retraction: it says nothing about where the object is.
    """

    code: str
    origin: str  # "upu" or "silkpost"
    status: Status | None
    objects: frozenset[ObjectKind]
    marks: frozenset[Mark]
    names: dict[str, str]


def table_rows(name: str) -> list[dict[str, str]]:
    """The rows of one of the domain's tables; lines starting with # are its notes (where
    the entries come from), not rows."""
    text = files("silkpost.domain").joinpath("tables", name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@cache
def statuses() -> dict[Status, StatusInfo]:
    """The status table, by status."""
    out = {}
    for row in table_rows("statuses.csv"):
        status = Status(row["status"])
        out[status] = StatusInfo(
            status=status,
            rank=int(row["rank"]),
            terminal=row["terminal"] == "1",
            stuck_after_hours=float(row["stuck_after_hours"]) if row["stuck_after_hours"] else None,
            names={lang: row[lang] for lang in LANGUAGES},
        )
    return out


@cache
def event_codes() -> dict[str, EventCode]:
    """The event code table, by code."""
    out = {}
    for row in table_rows("event_codes.csv"):
        out[row["code"]] = EventCode(
            code=row["code"],
            origin=row["origin"],
            status=Status(row["status"]) if row["status"] else None,
            objects=frozenset(ObjectKind(k) for k in row["objects"].split()),
            marks=frozenset(Mark(m) for m in row["marks"].split()),
            names={lang: row[lang] for lang in LANGUAGES},
        )
    return out


def event_code(code: str) -> EventCode | None:
    """The table entry for ``code``, or None when it is not a known code."""
    return event_codes().get(code)


@cache
def codes_marked(mark: Mark) -> tuple[str, ...]:
    """The event codes that carry ``mark``, in table order."""
    return tuple(c.code for c in event_codes().values() if mark in c.marks)


@dataclass(frozen=True, slots=True)
class CustomsRegime:
    """A Chinese customs supervision code a parcel is declared under, and its texts."""

    regime: str
    default: bool
    names: dict[str, str]
    bonded: bool = False  # only this regime carries the bonded account book and zone code
    requires: tuple[str, ...] = ()  # the declaration fields this channel needs


@cache
def customs_regimes() -> dict[str, CustomsRegime]:
    """The customs regime table, by code (9610 direct mail, 9710, 9810, 1210)."""
    out = {}
    for row in table_rows("customs_regimes.csv"):
        out[row["regime"]] = CustomsRegime(row["regime"], row["default"] == "1",
                                           {lang: row[lang] for lang in LANGUAGES},
                                           row["bonded"] == "1", tuple(row["requires"].split()))
    return out


@cache
def default_regime() -> str:
    """The regime a parcel travels under unless said otherwise (9610, direct mail)."""
    [regime] = [r.regime for r in customs_regimes().values() if r.default]
    return regime


@cache
def terminal_statuses() -> frozenset[Status]:
    """The statuses that end an item's life (delivered, returned)."""
    return frozenset(s for s, info in statuses().items() if info.terminal)


def _header(*columns: str) -> tuple[str, str]:
    """A Markdown table's head: the given columns, then one per language."""
    names = (*columns, *LANGUAGES)
    return "| " + " | ".join(names) + " |", "|" + "---|" * len(names)


def markdown() -> str:
    """The status and event code tables as Markdown (docs/event-codes.md is this, verbatim)."""
    out = [
        "# Tracking statuses, event codes and customs regimes",
        "",
        "Generated from `src/silkpost/domain/tables/*.csv` by "
        "`python -m silkpost.domain.codes > docs/event-codes.md`; a test fails when they differ.",
        "",
        "## Statuses",
        "",
        *_header("status", "rank", "terminal", "stuck after (h)"),
    ]
    for s in statuses().values():
        hours = "" if s.stuck_after_hours is None else f"{s.stuck_after_hours:g}"
        out.append(f"| `{s.status.value}` | {s.rank} | {'yes' if s.terminal else ''} | {hours} | "
                   + " | ".join(s.names[lang] for lang in LANGUAGES) + " |")
    out += [
        "",
        "## Event codes",
        "",
        "UPU codes (E..) where UPU names the step; Silkpost codes (S..) for the steps it does not.",
        "",
        "Marks say what analytics reads from a code: posted and delivered bound the transit "
        "time, leaving ends a dwell, presented and released bound customs time, inspected "
        "counts an inspection, attempted is a failed delivery attempt (the tracking page "
        "tells the addressee where to collect the item); retraction takes the event its "
        "payload names out of status, place, destination and analytics (docs/events.md, "
        "Retractions).",
        "",
        *_header("code", "origin", "status", "reported on", "marks"),
    ]
    for c in event_codes().values():
        objects = ", ".join(k.value for k in ObjectKind if k in c.objects)
        marks = ", ".join(m.value for m in Mark if m in c.marks)
        status = "—" if c.status is None else f"`{c.status.value}`"
        out.append(f"| `{c.code}` | {c.origin} | {status} | {objects} | {marks} | "
                   + " | ".join(c.names[lang] for lang in LANGUAGES) + " |")
    out += [
        "",
        "## Customs regimes",
        "",
        *_header("regime", "default"),
    ]
    for r in customs_regimes().values():
        out.append(f"| `{r.regime}` | {'yes' if r.default else ''} | "
                   + " | ".join(r.names[lang] for lang in LANGUAGES) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
