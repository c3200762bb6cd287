"""The fast path accepts only what the reference (Pydantic) validator accepts, identically."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.domain.events import TrackingEvent
from silkpost.tracking.fastpath import FastValidator
from silkpost.tracking.records import to_event

NOW = datetime(2026, 11, 24, tzinfo=UTC)
MISSING = object()

ids = st.sampled_from(["CA000000014CN", "ca 00000001 4 cn", "RR123456789CN", " CA000000028CN ",
                       "YT2212345678901", "x", "", "CNURCAKZALAACCC60042001010153", 42])
kinds = st.sampled_from([MISSING, "item", "receptacle", "dispatch", "truck", None])
codes = st.sampled_from(["EMA", "ema", " EMB ", "SBO", "EZZ", "EM", 7, "SRC"])
times = st.sampled_from([
    "2026-11-20T10:00:00+08:00", "2026-11-20T10:00+06:00", "2026-11-20T10:00:00.123456Z",
    "2026-11-20T10:00:00", "2026-11-20 10:00:00+08:00", "20261120T100000+0800",
    "2026-02-30T10:00:00+08:00", "2026-11-20T10:00:60+08:00", "yesterday", 1_700_000_000,
    "2026-11-20T10:00:00+08:0x", "2026-11-20T1\uff10:00:00+08:00", "2026-11-20T10:00:00-08:00",
])
places = st.sampled_from([MISSING, None, "", "  ", "KZALA", "kz ala", "XXABC", "KZAL1", 5])
offices = st.sampled_from([MISSING, None, "", "CNURCA", "cnhrs-xs", "a b", "Z"])
texts = st.sampled_from([MISSING, None, "", "  ", "partner", "x" * 200])
payloads = st.sampled_from([MISSING, None, {"destination": "KZALA"}, "text", [1], {}])
extras = st.sampled_from([MISSING, "colour"])


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    fields = {
        "object_kind": draw(kinds), "object_id": draw(ids), "code": draw(codes),
        "occurred_at": draw(times), "location": draw(places), "office": draw(offices),
        "source": draw(texts), "event_id": draw(texts), "payload": draw(payloads),
    }
    record = {k: v for k, v in fields.items() if v is not MISSING}
    if draw(extras) is not MISSING:
        record["colour"] = "red"
    return record


def same(a: TrackingEvent, b: TrackingEvent) -> bool:
    return (a._replace(received_at=None, occurred_at=None) == b._replace(
        received_at=None, occurred_at=None) and a.occurred_at == b.occurred_at
        and a.occurred_at.utcoffset() == b.occurred_at.utcoffset())


@settings(max_examples=600)
@given(records())
def test_fast_path_never_accepts_what_the_reference_rejects(record: dict[str, Any]) -> None:
    """Whenever the fast path gives an event, the reference gives the same event."""
    fast = FastValidator().event(record, source="default", received_at=NOW)
    reference = to_event(record, default_source="default")
    if fast is not None:
        assert isinstance(reference, TrackingEvent), (record, reference)
        assert same(fast, reference)


def test_fast_path_takes_the_common_record() -> None:
    """A plain partner record does not need the reference validator."""
    record = {"object_id": "CA000000014CN", "code": "EMB", "occurred_at":
              "2026-11-20T10:00:00+06:00", "location": "CNURM", "office": "CNURCA"}
    assert FastValidator().event(record, source="s", received_at=NOW) is not None
