"""Standard Webhooks signing, the retry schedule, Retry-After and the private-address rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from silkpost.domain.errors import InvalidValue
from silkpost.domain.webhooks import (
    MAX_RETRY_AFTER,
    RETRY_DELAYS,
    TOLERANCE_S,
    WebhookSecret,
    next_attempt,
    private_address,
    retry_after,
)

VECTOR = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
MSG, TS, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
T0 = datetime(2026, 12, 4, 12, tzinfo=UTC)


def test_the_reference_vector_signs_and_verifies() -> None:
    assert VECTOR.sign(MSG, TS, BODY) == SIGNATURE
    assert VECTOR.verify(MSG, TS, BODY, f"v1,bm9wZQ== {SIGNATURE}", now=TS + TOLERANCE_S)


@pytest.mark.parametrize(("msg", "ts", "body", "now"), [
    ("msg_other", TS, BODY, TS),
    (MSG, TS + 1, BODY, TS),
    (MSG, TS, b'{"test": 2432232315}', TS),
    (MSG, TS, BODY, TS + TOLERANCE_S + 1),
])
def test_any_change_or_a_stale_timestamp_fails(msg: str, ts: int, body: bytes, now: int
                                               ) -> None:
    assert not VECTOR.verify(msg, ts, body, SIGNATURE, now=now)


@given(st.binary(min_size=24, max_size=64))
def test_a_secret_survives_its_text(key: bytes) -> None:
    assert WebhookSecret.parse(WebhookSecret(key).text).key == key


@pytest.mark.parametrize("text", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_!!!",
                                  "whsec_c2hvcnQ="])
def test_malformed_secrets_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        WebhookSecret.parse(text)
    assert caught.value.field == "secret"


def test_the_schedule_retries_for_more_than_a_day_then_gives_up() -> None:
    moment, failures = T0, 0
    while True:
        failures += 1
        later = next_attempt(failures, after=moment, jitter=0.0)
        if later is None:
            break
        moment = later
    assert failures == len(RETRY_DELAYS) + 1
    assert moment - T0 > timedelta(days=1)


@given(st.integers(1, len(RETRY_DELAYS)), st.floats(0, 1))
def test_jitter_spreads_by_at_most_a_tenth(failures: int, jitter: float) -> None:
    later = next_attempt(failures, after=T0, jitter=jitter)
    assert later is not None
    base = RETRY_DELAYS[failures - 1]
    assert base <= later - T0 <= base * 1.1


def test_retry_after_is_honoured_when_longer_and_capped() -> None:
    asked = next_attempt(1, after=T0, jitter=0, retry_after=timedelta(minutes=10))
    assert asked == T0 + timedelta(minutes=10)
    shorter = next_attempt(3, after=T0, jitter=0, retry_after=timedelta(seconds=1))
    assert shorter == T0 + RETRY_DELAYS[2]
    capped = next_attempt(1, after=T0, jitter=0, retry_after=timedelta(days=30))
    assert capped == T0 + MAX_RETRY_AFTER


@pytest.mark.parametrize(("header", "wait"), [
    ("120", timedelta(seconds=120)),
    ("Fri, 04 Dec 2026 12:05:00 GMT", timedelta(minutes=5)),
    ("Fri, 04 Dec 2026 11:00:00 GMT", timedelta(0)),
    ("soon", None), ("", None), (None, None),
])
def test_retry_after_header(header: str | None, wait: timedelta | None) -> None:
    assert retry_after(header, now=T0) == wait


@pytest.mark.parametrize(("address", "private"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("0.0.0.0", True), ("::1", True), ("fd00::1", True),
    ("::ffff:127.0.0.1", True), ("224.0.0.1", True), ("100.64.0.1", True),
    ("8.8.8.8", False), ("2a00:1450:4001:80b::200e", False),
])
def test_private_addresses(address: str, private: bool) -> None:
    assert private_address(address) is private
