"""The same declaration sent by several requests at once, on SQLite and PostgreSQL: stored
once, and every request answered (one stored, the others duplicates), none failed."""

from __future__ import annotations

import threading

from silkpost.bootstrap import Platform
from silkpost.customs.declarations import Outcome, declare, list_declarations
from silkpost.customs.ports import DeclarationQuery
from tests.unit.customs.declaration_records import record, register_broker

SENDERS = 4


def test_one_declaration_sent_at_once_is_stored_once(platform: Platform) -> None:
    register_broker(platform, "BRK-A")
    start = threading.Barrier(SENDERS)
    outcomes: list[Outcome] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            report = declare([(1, record("D-1"))], broker="BRK-A",
                             uow=platform.declaration_uow(), clock=platform.clock)
            outcomes.extend(r.outcome for r in report.results)
        except BaseException as exc:  # any failure is the test's to report
            failures.append(exc)

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(outcomes) == sorted([Outcome.STORED] + [Outcome.DUPLICATE] * (SENDERS - 1))
    page = list_declarations(DeclarationQuery(), uow=platform.declaration_reader())
    assert [d.reference for d in page.declarations] == ["D-1"]
