"""What the platform offers its drivers, on both stores: the log position and the schema."""

from __future__ import annotations

import pytest

from silkpost.bootstrap import Platform, SchemaUnavailable
from silkpost.store.migrate import head_revision
from silkpost.tracking.service import ingest, log_position
from tests.factories import event, numbered


@pytest.mark.parametrize("name", ["sqlite_platform", "memory_platform"])
def test_log_position_counts_stored_events(name: str, request: pytest.FixtureRequest) -> None:
    """The position /healthz reports is 0 on an empty log and grows by the events stored
    (a duplicate adds nothing), on SQLite and on the in-memory fake alike."""
    platform: Platform = request.getfixturevalue(name)
    assert log_position(uow=platform.uow()) == 0
    records = [event(code="EMA"), event(code="EMB", at="2026-11-18T10:00:00+06:00")]
    ingest(numbered([*records, records[0]]), uow=platform.uow(), clock=platform.clock,
           source="t")
    assert log_position(uow=platform.uow()) == 2


def test_schema_upgrade_is_a_store_capability(sqlite_platform: Platform,
                                              memory_platform: Platform) -> None:
    """The SQL store says where its schema is; the in-memory one has none to migrate."""
    assert sqlite_platform.upgrade_schema() == (head_revision(), head_revision())
    with pytest.raises(SchemaUnavailable):
        memory_platform.upgrade_schema()
