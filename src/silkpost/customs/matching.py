"""The 三单对碰 use case: CEB import messages in, each inventory matched or its mismatches out,
and the matched sets a broker may declare.

Messages come as (name, bytes) from whichever driver read them (the CLI reads files and
folders); the same records may come as NDJSON (name, chunks), one JSON object a line. A
message that cannot be read is reported with its name and does not stop the others. Records
are collected from every message first (an order may come in a later file than its
inventory), then each inventory is matched once (:func:`match_all`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from silkpost.customs.ceb_import import CebMessage, read_message, read_records
from silkpost.domain.customs_matching import (
    DEFAULT_RULES,
    ImportInventory,
    ImportOrder,
    ImportPayment,
    ImportWaybill,
    MatchReport,
    MatchRules,
    SetResult,
    match_all,
)
from silkpost.domain.customs_receipts import Receipt
from silkpost.tracking import formats


@dataclass(frozen=True, slots=True)
class MessageProblem:
    """A problem of one message: the message's name (its file), the element path, why."""

    source: str
    field: str
    reason: str


@dataclass(slots=True)
class Collected:
    """The records of a batch of messages, and what could not be read of them."""

    messages: int = 0
    orders: list[ImportOrder] = field(default_factory=list)
    payments: list[ImportPayment] = field(default_factory=list)
    waybills: list[ImportWaybill] = field(default_factory=list)
    inventories: list[ImportInventory] = field(default_factory=list)
    receipts: list[tuple[str, Receipt]] = field(default_factory=list)  # (source, receipt)
    problems: list[MessageProblem] = field(default_factory=list)
    refused_records: int = 0
    unread_messages: int = 0  # not XML, not CEB, or of a kind not read here

    def add(self, source: str, message: CebMessage) -> None:
        """Take in one read message."""
        self.messages += 1
        self.orders += message.orders
        self.payments += message.payments
        self.waybills += message.waybills
        self.inventories += message.inventories
        self.receipts += [(source, r) for r in message.receipts]
        self.refused_records += message.refused_records
        if message.kind is None:
            self.unread_messages += 1
        self.problems += [MessageProblem(source, p.field, p.reason)
                          for p in message.problems]


Message = tuple[str, bytes | Iterable[bytes]]
"""A message's name and its bytes: a CEB XML message whole, or an NDJSON file's chunks."""


def collect(messages: Iterable[Message], *,
            on_message: Callable[[Collected], None] | None = None) -> Collected:
    """Read every message; each one's problems are kept with its name."""
    out = Collected()
    for source, data in messages:
        if isinstance(data, bytes):
            out.add(source, read_message(data))
        else:  # NDJSON, read a line at a time
            out.add(source, read_records(formats.read_ndjson(
                formats.split_lines(data), what="a CEB record")))
        if on_message is not None:
            on_message(out)
    return out


@dataclass(slots=True)
class MatchOutcome:
    """A batch's matching: the report, what the messages lacked, and the released sets."""

    report: MatchReport
    collected: Collected
    released: list[SetResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every inventory matched and every message was read whole."""
        return self.report.ok and not self.collected.problems


def match(messages: Iterable[Message], *, rules: MatchRules = DEFAULT_RULES,
          max_listed: int = 1000,
          on_message: Callable[[Collected], None] | None = None) -> MatchOutcome:
    """Match every inventory of ``messages`` against their orders, payments and waybills."""
    collected = collect(messages, on_message=on_message)
    return match_collected(collected, rules=rules, max_listed=max_listed)


def match_collected(collected: Collected, *, rules: MatchRules = DEFAULT_RULES,
                    max_listed: int = 1000) -> MatchOutcome:
    """Match records already read (the benchmark's parsed records, or :func:`collect`'s)."""
    report = MatchReport()
    outcome = MatchOutcome(report, collected)
    for result in match_all(collected.inventories, collected.orders, collected.payments,
                            collected.waybills, rules=rules):
        report.add(result, max_listed=max_listed)
        if result.matched:
            outcome.released.append(result)
    linked = {i.order_no for i in collected.inventories}
    report.orders_without_inventory = sum(1 for o in collected.orders
                                          if o.order_no not in linked)
    return outcome

