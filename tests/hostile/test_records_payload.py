"""Payloads are checked: the fields the platform reads are typed and bounded, the others kept
but bounded in size, depth and characters (issue 15, point 2).

Each bad payload is rejected by the reference (naming ``payload.<key>`` and the reason), never
taken by the fast path, and rejected alone in a stream stored on both stores.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from silkpost.bootstrap import Platform
from silkpost.domain.codes import ObjectKind, customs_regimes
from silkpost.domain.events import TrackingEvent
from silkpost.tracking.limits import text_problem
from silkpost.tracking.payload import MAX_BYTES, MAX_DEPTH
from silkpost.tracking.records import to_event
from silkpost.tracking.service import ingest
from silkpost.tracking.validation import RecordValidator
from tests.hostile.records_cases import good, nested, poison

NOW = datetime(2026, 11, 24, tzinfo=UTC)

BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("destination with >", {"destination": "CNDGG>KZALA"}, "payload.destination", "not a UN"),
    ("destination with a space", {"destination": "KZ ALA"}, "payload.destination", "not a UN"),
    ("destination in lower case", {"destination": "kzala"}, "payload.destination", "capitals"),
    ("destination a number", {"destination": 42}, "payload.destination", "string"),
    ("weight heavy", {"weight_kg": "heavy"}, "payload.weight_kg", "number"),
    ("weight -5e9", {"weight_kg": -5e9}, "payload.weight_kg", "more than 0"),
    ("weight 1.5e308", {"weight_kg": 1.5e308}, "payload.weight_kg", "at most 1,000 kg"),
    ("weight NaN", {"weight_kg": math.nan}, "payload.weight_kg", "more than 0"),
    ("weight infinite", {"weight_kg": math.inf}, "payload.weight_kg", "at most"),
    ("weight true", {"weight_kg": True}, "payload.weight_kg", "number"),
    ("weight zero", {"weight_kg": 0}, "payload.weight_kg", "more than 0"),
    ("weight 1,001 kg for an item", {"weight_kg": 1001}, "payload.weight_kg", "1,000"),
    ("declared value USD negative", {"declared_value_usd": -1}, "payload.declared_value_usd",
     "between 0"),
    ("declared value USD text", {"declared_value_usd": "12"}, "payload.declared_value_usd",
     "number"),
    ("declared value without currency", {"declared_value": 10}, "payload.currency",
     "required with declared_value"),
    ("currency without declared value", {"currency": "KZT"}, "payload.declared_value",
     "required with currency"),
    ("unknown currency", {"declared_value": 10, "currency": "XYZ"}, "payload.currency",
     "ISO 4217"),
    ("currency in lower case", {"declared_value": 10, "currency": "usd"}, "payload.currency",
     "ISO 4217"),
    ("regime not in the table", {"regime": "1234"}, "payload.regime", "9610"),
    ("regime as a number", {"regime": 9610}, "payload.regime", "customs regime"),
    ("battery flag as text", {"battery": "yes"}, "payload.battery", "true or false"),
    ("dangerous goods as 1", {"dangerous_goods": 1}, "payload.dangerous_goods", "true or false"),
    ("lithium battery null", {"lithium_battery": None}, "payload.lithium_battery",
     "true or false"),
    ("receptacle id of no country", {"receptacle_id": "XXURCAKZALAACCC60042001010153"},
     "payload.receptacle_id", "receptacle id"),
    ("receptacle id in lower case", {"receptacle_id": "cnurcakzalaaccc60042001010153"},
     "payload.receptacle_id", "capitals"),
    ("dispatch id with a space", {"dispatch_id": "CNURCA KZALAA"}, "payload.dispatch_id",
     "dispatch id"),
    ("conveyance id of 65 characters", {"conveyance_id": "C" * 65}, "payload.conveyance_id",
     "1 to 64"),
    ("retracts of 129 characters", {"retracts": "e" * 129}, "payload.retracts", "1 to 128"),
    ("retracts a number", {"retracts": 7}, "payload.retracts", "string"),
    ("reason of 501 characters", {"reason": "r" * 501}, "payload.reason", "1 to 500"),
    ("reason with an escape", {"reason": "late\x1b[2J"}, "payload.reason", "U+001B"),
    ("unknown field nested too deep", {"extra": nested(MAX_DEPTH)}, "payload.extra",
     f"deeper than {MAX_DEPTH}"),
    ("unknown string over 1,024", {"note": "n" * 1025}, "payload.note", "1,024"),
    ("unknown key over 64", {"k" * 65: 1}, "payload." + "k" * 64 + "…", "1 to 64"),
    ("unknown key with NUL", {"a\x00": 1}, "payload.a\\u0000", "U+0000"),
    ("unknown NaN", {"score": math.nan}, "payload.score", "finite"),
    ("unknown integer past 2^53", {"n": 2**64}, "payload.n", "2^53"),
    ("payload over 16 KiB", {**{f"f{i:02d}": "x" * 1000 for i in range(16)}, "big": "y" * 1020},
     "payload.big", "over the limit of 16,384"),
    ("unknown value not JSON", {"when": NOW}, "payload.when", "JSON value"),
]


@pytest.mark.parametrize(("name", "payload", "field", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_payload_is_named_and_never_taken_by_the_fast_path(
        name: str, payload: dict[str, Any], field: str, words: str) -> None:
    """The reference rejects the payload naming the field and the reason; the fast path
    defers (it cannot accept what the reference rejects)."""
    record = poison({"payload": payload})
    problems = to_event(record, default_source="t")
    assert isinstance(problems, list), problems
    assert [(p.field, words in p.reason) for p in problems] == [(field, True)], problems
    assert RecordValidator().event(record, source="t", received_at=NOW) is None


def at_the_limit() -> dict[str, Any]:
    """A payload of exactly MAX_BYTES of compact JSON."""
    payload: dict[str, Any] = {f"f{i:02d}": "x" * 1000 for i in range(16)}
    payload["pad"] = "p" * (MAX_BYTES - len(orjson.dumps(payload)) - len(',"pad":""'))
    assert len(orjson.dumps(payload)) == MAX_BYTES
    return payload


GOOD: list[tuple[str, dict[str, Any]]] = [
    ("the simulator's posting", {"destination": "KZALA", "weight_kg": 0.391,
                                 "declared_value_usd": 14.5, "regime": "9610",
                                 "battery": False}),
    ("a node code destination", {"destination": "CNHRS-XS"}),
    ("an IMPC destination", {"destination": "PLWAWA"}),
    ("declared value in tenge", {"declared_value": 150_000, "currency": "KZT"}),
    ("goods flags", {"dangerous_goods": True, "lithium_battery": False}),
    ("a bag", {"receptacle_id": "CNURCAKZALAACCC60042001010153"}),
    ("a dispatch", {"dispatch_id": "CNURCAKZALAACCC60042", "items": 120, "weight_kg": 29.9}),
    ("a conveyance", {"conveyance_id": "T-DGG-URC-202611201000", "mode": "truck"}),
    ("a retraction", {"retracts": "partner-evt-1", "reason": "scanned the wrong bag"}),
    ("unknown fields in Kazakh", {"тасымалдаушы": "Қазпошта", "note": "ok", "n": 2**53,
                                  "deep": nested(MAX_DEPTH - 1), "list": [1, "a", None]}),
    ("at the size limit", at_the_limit()),
]
GOOD += [(f"regime {r}", {"regime": r}) for r in customs_regimes()]


@pytest.mark.parametrize(("name", "payload"), GOOD, ids=[g[0] for g in GOOD])
def test_good_payload_is_kept_as_sent(name: str, payload: dict[str, Any]) -> None:
    """Valid payloads (the simulator's included) pass the reference unchanged, and the fast
    path gives the same event when it takes them."""
    record = poison({"payload": payload})
    event = to_event(record, default_source="t")
    assert isinstance(event, TrackingEvent), event
    assert event.payload == payload
    fast = RecordValidator().event(record, source="t", received_at=NOW)
    assert fast is None or fast.payload == payload


def test_weight_bounds_follow_the_object_kind() -> None:
    """A conveyance may weigh 40 t, an item not 2 t."""
    record = {"object_kind": "conveyance", "object_id": "T-DGG-URC-202611201000",
              "code": "SXD", "occurred_at": "2026-11-20T10:00:00+08:00",
              "payload": {"weight_kg": 40_000}}
    assert isinstance(to_event(record, default_source="t"), TrackingEvent)
    too_heavy = poison({"payload": {"weight_kg": 2_000}})
    assert isinstance(to_event(too_heavy, default_source="t"), list)
    assert ObjectKind.CONVEYANCE.value == record["object_kind"]


@pytest.mark.parametrize("name", ["destination with >", "weight 1.5e308", "unknown NaN",
                                  "payload over 16 KiB", "regime not in the table"])
def test_bad_payload_is_rejected_alone_on_both_stores(platform: Platform, name: str) -> None:
    """A record whose payload breaks a rule is rejected alone; the 2,000 around it are stored."""
    [(_, payload, field, words)] = [b for b in BAD if b[0] == name]
    records = [*good(1_000), poison({"payload": payload}), *good(1_000, start=1_000)]
    result = ingest(enumerate(records, start=1), uow=platform.uow(), clock=platform.clock,
                    source="partner", batch_size=700)
    assert (result.accepted, result.rejected) == (2_000, 1)
    [rejection] = result.rejections
    assert (rejection.position, rejection.field) == (1_001, field)
    assert words in rejection.reason


@pytest.mark.parametrize("at", [1_700_000_000, 1_700_000_000.5, "1700000000", True, None])
def test_a_number_is_not_a_time(at: Any) -> None:
    """Numbers (and digit strings) where a time is expected are refused with the documented
    reason, not read as Unix time in UTC."""
    problems = to_event(poison({"occurred_at": at}), default_source="t")
    assert isinstance(problems, list)
    assert [(p.field, p.reason.startswith("not an ISO 8601 time with an offset"))
            for p in problems] == [("occurred_at", True)]


@pytest.mark.parametrize("name", ["the simulator's posting", "a bag", "a dispatch",
                                  "a conveyance", "a retraction", "unknown fields in Kazakh"])
def test_the_fast_path_takes_flat_valid_payloads(name: str) -> None:
    """The usual payloads (the simulator's, flat partner ones) need no reference validation:
    checking them costs the hot loop little."""
    [payload] = [g[1] for g in GOOD if g[0] == name]
    flat = {k: v for k, v in payload.items() if not isinstance(v, dict | list)}
    fast = RecordValidator().event(poison({"payload": flat}), source="t", received_at=NOW)
    assert fast is not None and fast.payload == flat


@pytest.mark.parametrize("name", ["x" * 5000, "a\x1b[2J", "\x9b31mred", "k\ud800"])
def test_names_from_the_input_are_shown_bounded_and_escaped(name: str) -> None:
    """An unknown field or payload key is named in the rejection cut to 64 characters, with
    control characters escaped: a report never carries 5,000 characters or an escape
    sequence to the operator's terminal."""
    for record in (poison({name: 1}), poison({"payload": {name: 1}})):
        problems = to_event(record, default_source="t")
        assert isinstance(problems, list) and len(problems) == 1
        field = problems[0].field
        assert len(field) <= len("payload.") + 65 and text_problem(field) is None, field
