"""Declaration use cases: a broker declares (each record checked, the valid ones stored),
and the declarations are read back one by one or a page at a time.

The HTTP API and ``silkpost customs declare`` call :func:`declare`; each batch of records is
one transaction, so a record is stored whole or not at all. A declaration is keyed by its
broker and reference: the same declaration sent again is a duplicate (stored once), another
one under a used reference is a conflict naming ``reference`` (a broker corrects a
declaration with a new reference, as customs' own messages are never rewritten).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from typing import Any

from silkpost.customs.blacklist import in_force
from silkpost.customs.errors import AmbiguousReference, DeclarationNotFound, NotABroker
from silkpost.customs.files import Item
from silkpost.customs.ports import (
    Clock,
    DeclarationQuery,
    DeclarationUnitOfWork,
    ListPosition,
)
from silkpost.customs.service import check
from silkpost.domain.blacklist import Blacklist
from silkpost.domain.customs import Declaration
from silkpost.domain.declarations import StoredDeclaration
from silkpost.domain.errors import InvalidValue, Problem
from silkpost.domain.events import to_epoch_us
from silkpost.domain.partners import PartnerKind
from silkpost.domain.screening import Rules
from silkpost.domain.times import check_time, check_us
from silkpost.errors import InvalidRequest, invalid_request

BATCH_SIZE = 500  # records per transaction (the CLI's; a request is one transaction)
MAX_LIST = 1000
_NAMED_BROKERS = 10  # brokers named when a reference is ambiguous


class Outcome(StrEnum):
    """What became of one record."""

    STORED = "stored"
    DUPLICATE = "duplicate"  # the same declaration was stored before: nothing changed
    CONFLICT = "conflict"  # another declaration is stored under the reference
    REFUSED = "refused"  # not a valid declaration, or refused by screening


@dataclass(frozen=True, slots=True)
class RecordResult:
    """One record's outcome: where it was, its reference if it had one, and any problems."""

    position: int
    reference: str | None
    outcome: Outcome
    problems: tuple[Problem, ...] = ()


@dataclass(slots=True)
class DeclareReport:
    """The counts of a declare run, and each record's result when they are kept."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    conflicts: int = 0
    refused: int = 0
    results: list[RecordResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every record is stored now (new or before)."""
        return self.conflicts == 0 and self.refused == 0

    def count(self, result: RecordResult) -> None:
        """Add one record's result to the counts."""
        self.received += 1
        if result.outcome is Outcome.STORED:
            self.stored += 1
        elif result.outcome is Outcome.DUPLICATE:
            self.duplicates += 1
        elif result.outcome is Outcome.CONFLICT:
            self.conflicts += 1
        else:
            self.refused += 1


def declare(items: Iterable[Item], *, broker: str, uow: DeclarationUnitOfWork, clock: Clock,
            rules: Rules | None = None, batch_size: int = BATCH_SIZE, keep_results: bool = True,
            on_record: Callable[[RecordResult, DeclareReport], None] | None = None,
            ) -> DeclareReport:
    """Check each record (screening it against the goods rules and the shipper blacklist in
    force) and store the valid ones as ``broker``'s declarations, each batch in one
    transaction; every record gets a result (kept in the report unless ``keep_results`` is
    off: a file's run reports through ``on_record`` instead, in bounded memory)."""
    if batch_size < 1:
        raise InvalidRequest("batch size must be at least 1", field="batch_size")
    with uow:
        partner = uow.partners.get(broker)
    if partner is None or partner.kind is not PartnerKind.CUSTOMS_BROKER:
        raise NotABroker(f"{broker} is not a registered customs broker (silkpost partner add "
                         "CODE --kind customs_broker)", field="broker")
    barred = in_force(uow=uow, clock=clock)
    report = DeclareReport()
    records = iter(items)
    while batch := list(islice(records, batch_size)):
        for result in _store_batch(batch, broker=broker, uow=uow, clock=clock, rules=rules,
                                   blacklist=barred):
            report.count(result)
            if keep_results:
                report.results.append(result)
            if on_record is not None:
                on_record(result, report)
    return report


def _checked(position: int, record: Mapping[str, Any] | Problem, rules: Rules | None,
             blacklist: Blacklist) -> Declaration | RecordResult:
    """The declaration of a valid record, or the refused record's result.

    The customs check decides (the declaration's rules and screening: one rule, one place),
    and hands over the declaration it read from a record it accepts.
    """
    accepted: list[Declaration] = []
    verdict = check([(position, record)], rules=rules, blacklist=blacklist,
                    on_valid=lambda _, declaration: accepted.append(declaration))
    if verdict.refused:
        [refused] = verdict.refused
        return RecordResult(position, refused.reference, Outcome.REFUSED, refused.problems)
    [declaration] = accepted
    return declaration


def _store_batch(batch: list[Item], *, broker: str, uow: DeclarationUnitOfWork, clock: Clock,
                 rules: Rules | None, blacklist: Blacklist) -> Iterator[RecordResult]:
    checked = [(position, _checked(position, record, rules, blacklist))
               for position, record in batch]
    now = clock.now()
    results: list[RecordResult] = []
    with uow:
        for position, found in checked:
            if isinstance(found, RecordResult):
                results.append(found)
                continue
            new = StoredDeclaration.received(found, broker=broker, at=now)
            before = uow.declarations.add(new)
            if before is None:
                results.append(RecordResult(position, new.reference, Outcome.STORED))
            elif before.record == new.record:
                results.append(RecordResult(position, new.reference, Outcome.DUPLICATE))
            else:
                results.append(RecordResult(position, new.reference, Outcome.CONFLICT, (
                    Problem("reference", f"{new.reference} is taken by another declaration "
                                         f"received {before.received_at.isoformat()}: a "
                                         "changed declaration needs a new reference"),)))
        uow.commit()
    yield from results


def get_declaration(reference: str, *, broker: str | None,
                    uow: DeclarationUnitOfWork) -> StoredDeclaration:
    """One declaration by reference: ``broker``'s own, or with None any broker's when only
    one used the reference (else the conflict names the brokers)."""
    missing = DeclarationNotFound(f"no declaration {reference} is known", field="reference")
    with uow:
        if broker is not None:
            found = uow.declarations.get(broker, reference)
            if found is None:
                raise missing
            return found
        matches = uow.declarations.with_reference(reference, limit=_NAMED_BROKERS)
    if not matches:
        raise missing
    if len(matches) > 1:
        names = ", ".join(m.broker for m in matches)
        raise AmbiguousReference(f"{reference} is a reference of several brokers ({names}): "
                                 "name the broker", field="broker")
    return matches[0]


@dataclass(frozen=True, slots=True)
class DeclarationPage:
    """One page of declarations and the cursor of the next one (None on the last page)."""

    declarations: list[StoredDeclaration]
    next_cursor: str | None


def list_declarations(query: DeclarationQuery, *, uow: DeclarationUnitOfWork
                      ) -> DeclarationPage:
    """One page of declarations matching the filters, most recently received first."""
    if not 1 <= query.limit <= MAX_LIST:
        raise InvalidRequest(f"limit must be between 1 and {MAX_LIST}", field="limit")
    if query.since is not None:
        with invalid_request():
            check_time(query.since, field="since")
    with uow:
        found = uow.declarations.list(query)
    cursor = encode_cursor(found[-1]) if len(found) == query.limit else None
    return DeclarationPage(found, cursor)


def encode_cursor(last: StoredDeclaration) -> str:
    """The opaque keyset cursor after ``last``."""
    return f"{to_epoch_us(last.received_at)}~{last.broker}~{last.reference}"


def decode_cursor(cursor: str) -> ListPosition:
    """The keyset position of a cursor, or an error naming the parameter."""
    wrong = InvalidRequest("cursor is not one this API returned", field="cursor")
    parts = cursor.split("~")
    if len(parts) != 3 or not all(parts) or len(cursor) > 160:
        raise wrong
    us, broker, reference = parts
    if not us.isdigit() or len(us) > 19:
        raise wrong
    try:
        return check_us(int(us), field="cursor"), broker, reference
    except InvalidValue:
        raise wrong from None
