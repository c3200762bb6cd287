"""The record validator accepts only what the reference (Pydantic) validator accepts,
identically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from silkpost.domain.events import TrackingEvent
from silkpost.tracking.records import to_event
from silkpost.tracking.validation import RecordValidator

NOW = datetime(2026, 11, 24, tzinfo=UTC)
MISSING = object()

ids = st.sampled_from(["CA000000014CN", "ca 00000001 4 cn", "RR123456789CN", " CA000000028CN ",
                       "YT2212345678901", "x", "", "CNURCAKZALAACCC60042001010153", 42,
                       "CA000000014CN\x1f", "\x85CA000000014CN", "YT22\ud80012345", "Y" * 65])
kinds = st.sampled_from([MISSING, "item", "receptacle", "dispatch", "truck", None])
codes = st.sampled_from(["EMA", "ema", " EMB ", "SBO", "EZZ", "EM", 7, "SRC", "EMA\x1c",
                         "EMA\n"])
times = st.sampled_from([
    "2026-11-20T10:00:00+08:00", "2026-11-20T10:00+06:00", "2026-11-20T10:00:00.123456Z",
    "2026-11-20T10:00:00", "2026-11-20 10:00:00+08:00", "20261120T100000+0800",
    "2026-02-30T10:00:00+08:00", "2026-11-20T10:00:60+08:00", "yesterday", 1_700_000_000,
    "2026-11-20T10:00:00+08:0x", "2026-11-20T1\uff10:00:00+08:00", "2026-11-20T10:00:00-08:00",
    # the simulator's records carry datetime objects: aware, and naive (which is wrong)
    datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=6))),
    datetime(2026, 11, 20, 10, tzinfo=UTC), datetime(2026, 11, 20, 10),
    # numbers and digit strings are not times; controls are not trimmed away
    1_700_000_000.0, "1700000000", True, "2026-11-20T10:00:00+08:00\x1f",
    "\t2026-11-20T10:00:00+08:00", "2026-11-20 10:00:00+08:00" + " " * 60,
    # naive times, read in the zone given (if any); Warsaw's DST gap and repeated hour
    "2026-11-20T10:00", "2026-11-20T10:00:00.5", "2026-11-20 10:00", "2026-03-29T02:30:00",
    "2026-10-25T02:30:00", "2026-11-20T10:00:00 ", "45981.375",
])
places = st.sampled_from([MISSING, None, "", "  ", "KZALA", "kz ala", "XXABC", "KZAL1", 5,
                          "K Z A L A" + " " * 20 + "X", "K  Z  A  L  A    ", "KZALA\x1f",
                          "\x0bKZALA", "Алматы", "almaty", "阿拉木图", "Urumqi", "Atlantis",
                          " Қорғас "])
offices = st.sampled_from([MISSING, None, "", "CNURCA", "cnhrs-xs", "a b", "Z", "CNURCA\x85",
                           "C" * 33])
texts = st.sampled_from([MISSING, None, "", "  ", "partner", "x" * 200, "x" * 64, "x" * 65,
                         "x" * 128, "x" * 129, "part\x00ner", "a\ud800", "e\x7f", "e\x9b",
                         "\u202eevil", "Қазпошта", " spaced ", "tab\t"])
payload_values = st.sampled_from([
    "KZALA", "CNHRS-XS", "kzala", "KZ ALA", "CNDGG>KZALA", "K" * 33, 1.2, 0, -5e9, 1.5e308,
    float("nan"), float("inf"), True, False, None, "heavy", "9610", "1234", 9610, "KZT", "USD",
    "xyz", 150_000, 2**53, 2**53 + 1, "a\x00", "\ud800", "r" * 501, "e" * 129, "ok",
    "CNURCAKZALAACCC60042001010153", "T-DGG-URC-202611201000", [1, "a"], {"k": "v"},
    {"k": {"k": {"k": {"k": {"k": {"k": {"k": 1}}}}}}}, "x" * 1025, datetime(2026, 1, 1),
])
payload_keys = st.sampled_from([
    "destination", "weight_kg", "declared_value_usd", "declared_value", "currency", "regime",
    "battery", "lithium_battery", "dangerous_goods", "receptacle_id", "dispatch_id",
    "conveyance_id", "retracts", "reason", "items", "mode", "k" * 65, "a\x00", "note",
])
payloads = st.one_of(
    st.sampled_from([MISSING, None, {"destination": "KZALA"}, "text", [1], {},
                     {f"f{i:02d}": "x" * 1000 for i in range(17)}]),
    st.dictionaries(payload_keys, payload_values, max_size=4),
)
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


zones = st.sampled_from([None, ZoneInfo("Asia/Almaty"), ZoneInfo("Europe/Warsaw"), UTC])


@settings(max_examples=600)
@given(records(), zones)
def test_fast_path_never_accepts_what_the_reference_rejects(record: dict[str, Any],
                                                            zone: tzinfo | None) -> None:
    """Whenever the fast path gives an event, the reference gives the same event (with the
    zone of the file's times without an offset, if one was given)."""
    fast = RecordValidator(zone=zone).event(record, source="default", received_at=NOW)
    reference = to_event(record, default_source="default", zone=zone)
    if fast is not None:
        assert isinstance(reference, TrackingEvent), (record, reference)
        assert same(fast, reference)


def test_fast_path_takes_the_common_record() -> None:
    """A plain partner record does not need the reference validator."""
    record = {"object_id": "CA000000014CN", "code": "EMB", "occurred_at":
              "2026-11-20T10:00:00+06:00", "location": "CNURM", "office": "CNURCA"}
    assert RecordValidator().event(record, source="s", received_at=NOW) is not None


WINDOW = (datetime(2026, 11, 20, 9, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC))


@settings(max_examples=200)
@given(st.lists(records(), min_size=1, max_size=12), zones)
def test_one_validator_over_a_file_agrees_with_the_reference(batch: list[dict[str, Any]],
                                                             zone: tzinfo | None) -> None:
    """With its caches warm (ids, places, the last datetime object, the last record's fields
    when only the id changes), a validator serving a whole file still accepts only what the
    reference accepts, and only inside the window."""
    validator = RecordValidator(zone=zone)
    # Each record is followed by the same values under other ids (a truckload's scan).
    others = ["CA000000028CN", "x", "RR123456789CN"]
    for record in [r for rec in batch + batch
                   for r in (rec, *({**rec, "object_id": i} for i in others))]:
        fast = validator.event(record, source="default", received_at=NOW, window=WINDOW)
        if fast is not None:
            reference = to_event(record, default_source="default", zone=zone)
            assert isinstance(reference, TrackingEvent), (record, reference)
            assert same(fast, reference)
            assert WINDOW[0] <= fast.occurred_at <= WINDOW[1]


def test_the_simulators_record_needs_no_reference_either() -> None:
    """A record with an aware datetime (the simulator's) is taken as it is; a naive one is
    left to the reference, which rejects it."""
    at = datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=6)))
    record = {"object_kind": "item", "object_id": "CA000000014CN", "code": "EMB",
              "occurred_at": at, "location": "CNURM", "office": "CNURCA"}
    event = RecordValidator().event(record, source="s", received_at=NOW)
    assert event is not None and event.occurred_at is at
    naive = {**record, "occurred_at": at.replace(tzinfo=None)}
    assert RecordValidator().event(naive, source="s", received_at=NOW) is None
    assert isinstance(to_event(naive, default_source="s"), list)


def test_fast_path_takes_naive_times_and_place_names_when_the_zone_is_given() -> None:
    """A partner file of local times and city names stays on the fast path, and agrees."""
    zone = ZoneInfo("Asia/Almaty")
    record = {"object_id": "CA000000014CN", "code": "EMB", "occurred_at": "2026-11-20T10:00:00",
              "location": "Алматы"}
    fast = RecordValidator(zone=zone).event(record, source="s", received_at=NOW)
    assert fast is not None and fast.location == "KZALA"
    assert fast.occurred_at == datetime(2026, 11, 20, 10, tzinfo=zone)
    assert RecordValidator().event(record, source="s", received_at=NOW) is None
