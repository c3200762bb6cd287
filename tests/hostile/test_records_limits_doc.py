"""docs/events.md shows the limits the validators apply: printed from the code, kept equal."""

from __future__ import annotations

from pathlib import Path

from silkpost.tracking import limits, payload
from silkpost.tracking.records import EventRecord

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def test_the_record_limits_table_is_the_codes() -> None:
    """The table of record field limits in docs/events.md is the one the code prints."""
    assert limits.markdown_table() in DOC.read_text(encoding="utf-8")


def test_the_payload_table_is_the_codes() -> None:
    """The payload's fields, bounds and limits in docs/events.md are the ones checked."""
    assert payload.markdown_table() in DOC.read_text(encoding="utf-8")


def test_the_tables_name_every_limit_the_validators_use() -> None:
    """Every field of the record's model has a documented limit, and the payload's size and
    depth limits appear in the text."""
    text = DOC.read_text(encoding="utf-8")
    assert set(EventRecord.model_fields) == set(limits.RECORD_LIMITS)
    assert f"{payload.MAX_BYTES:,} bytes" in text and f"{payload.MAX_DEPTH} levels" in text
