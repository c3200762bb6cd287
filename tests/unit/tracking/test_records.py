"""Record validation: every problem names its field and says why."""

from __future__ import annotations

import pytest

from silkpost.domain.errors import Problem
from silkpost.domain.events import TrackingEvent
from silkpost.tracking.records import to_event
from tests.factories import event


def problems(record: dict[str, object]) -> dict[str, str]:
    result = to_event(record, default_source="test")
    assert isinstance(result, list)
    return {p.field: p.reason for p in result}


def test_a_good_record_becomes_a_domain_event() -> None:
    """Ids and codes are normalised; the default source fills in."""
    result = to_event(event(object_id="ca 00000001 4 cn", code="ema", location="cndgg"),
                      default_source="partner-x")
    assert isinstance(result, TrackingEvent)
    assert (result.object_id, result.code, result.location, result.source) == (
        "CA000000014CN", "EMA", "CNDGG", "partner-x")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"object_id": "RR123456789CN"}, "object_id", "check digit should be 5"),
        ({"code": "EZZ"}, "code", "unknown event code"),
        ({"occurred_at": "2026-11-20T10:00:00"}, "occurred_at", "UTC offset"),
        ({"occurred_at": "yesterday"}, "occurred_at", "not an ISO 8601 time with an offset"),
        ({"location": "XXABC"}, "location", "not an ISO 3166-1 country"),
        ({"location": "KZAL1"}, "location", "not a UN/LOCODE"),
        ({"office": "a b"}, "office", "not an office code"),
        ({"object_kind": "truck"}, "object_kind", "item"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"payload": "text"}, "payload", "dictionary"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, object], field: str, words: str) -> None:
    """One malformed field gives one problem naming it."""
    found = problems({**event(), **change})
    assert field in found
    assert words.lower() in found[field].lower()


def test_missing_fields_are_all_reported() -> None:
    """An empty record lists every required field."""
    assert set(problems({})) == {"object_id", "code", "occurred_at"}


def test_code_must_fit_the_object_kind() -> None:
    """EMA (posting) is reported on items, not on bags."""
    found = problems(event(object_kind="receptacle",
                           object_id="CNURCAKZALAACCC60042001010153"))
    assert "code" in found and "not receptacle" in found["code"]


def test_other_carriers_numbers_are_opaque_ids() -> None:
    """A courier's own tracking number is accepted as it is."""
    result = to_event(event(object_id="YT2212345678901"), default_source="t")
    assert isinstance(result, TrackingEvent)
    assert isinstance(to_event(event(object_id="x"), default_source="t")[0], Problem)  # type: ignore[index]
