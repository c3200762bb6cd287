"""Customs use cases: check a file of declarations, record by record: screen each valid one
against the prohibited and restricted goods rules and the shipper blacklist, and select items
for inspection by risk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from silkpost.customs.files import Item
from silkpost.domain.blacklist import Blacklist, shippers_of
from silkpost.domain.customs import Declaration, DeclarationInvalid, read_declaration
from silkpost.domain.errors import Problem
from silkpost.domain.risk import Risk, RiskPolicy, assess, selected
from silkpost.domain.screening import Action, Hit, Rules, default_rules


@dataclass(frozen=True, slots=True)
class RecordProblems:
    """One refused record: where it is in the file, its reference if it has one, and why."""

    position: int
    reference: str | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class RecordHits:
    """An accepted record that screening flagged: a restricted kind of goods (inspection or
    licence first) or a goods flag that keeps it off some modes."""

    position: int
    reference: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class RecordRisk:
    """An accepted record selected for inspection: its item, score and the reasons."""

    position: int
    reference: str
    item: str
    risk: Risk


@dataclass(slots=True)
class CheckReport:
    """What checking a file came to: counts of all, the problems of the first refused records,
    and how often each field was wrong (the memory a report takes stays bounded)."""

    checked: int = 0
    valid: int = 0
    refused: list[RecordProblems] = field(default_factory=list)
    refused_count: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    flagged: list[RecordHits] = field(default_factory=list)
    flagged_count: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)  # hits per rule, refused or not
    selected: list[RecordRisk] = field(default_factory=list)
    selected_count: int = 0

    @property
    def ok(self) -> bool:
        """Whether every record was a valid declaration."""
        return self.refused_count == 0


def check(items: Iterable[Item], *, max_listed: int = 1000, rules: Rules | None = None,
          blacklist: Blacklist | None = None, policy: RiskPolicy | None = None,
          seed: str | int = 0, known_senders: Collection[str] | None = None,
          on_record: Callable[[CheckReport], None] | None = None,
          on_valid: Callable[[int, Declaration], None] | None = None) -> CheckReport:
    """Read every declaration of ``items`` and screen it; a refused one is reported alone,
    with all its problems (prohibited goods and a blacklisted shipper are two), and the next
    is read as usual. With a ``policy``, accepted items are selected for inspection by risk
    (``known_senders``: the shipper keys seen before; None leaves the first-time factor out)."""
    report = CheckReport()
    screen = (rules or default_rules()).screen
    for position, record in items:
        report.checked += 1
        if isinstance(record, Problem):
            problems: tuple[Problem, ...] = (record,)
            reference = None
        else:
            try:
                declaration = read_declaration(record)
            except DeclarationInvalid as exc:
                problems = exc.problems
                raw = record.get("reference")
                reference = raw if isinstance(raw, str) else None
            else:
                hits = screen(declaration)
                if hits:
                    report.by_rule.update(h.rule for h in hits)
                refused = [Problem(h.field, h.reason) for h in hits
                           if h.action is Action.PROHIBIT]
                if blacklist is not None:
                    refused += blacklist.problems(declaration)
                if refused:
                    problems, reference = tuple(refused), declaration.reference
                else:
                    report.valid += 1
                    if on_valid is not None:  # the declaration, for a caller that keeps it
                        on_valid(position, declaration)
                    if hits:
                        report.flagged_count += 1
                        if len(report.flagged) < max_listed:
                            report.flagged.append(RecordHits(position, declaration.reference,
                                                             tuple(hits)))
                    if policy is not None:
                        first = known_senders is not None and not any(
                            who.key in known_senders for _, who in shippers_of(declaration))
                        risk = assess(declaration, hits=hits, first_time=first, policy=policy)
                        item = declaration.item_id or declaration.reference
                        if selected(item, risk, seed=seed, policy=policy):
                            report.selected_count += 1
                            if len(report.selected) < max_listed:
                                report.selected.append(RecordRisk(
                                    position, declaration.reference, item, risk))
                    if on_record is not None:
                        on_record(report)
                    continue
        report.refused_count += 1
        report.by_field.update(p.field.split("[")[0].split(".")[0] for p in problems)
        if len(report.refused) < max_listed:
            report.refused.append(RecordProblems(position, reference, problems))
        if on_record is not None:
            on_record(report)
    return report
