"""Webhooks as Standard Webhooks 1.0 defines them: signed messages, retried on a schedule.

A partner's system checks each delivery with any Standard Webhooks library (or Svix's): the
``webhook-id`` is the same on every retry, so the receiver can drop a repeat; the signature
covers ``id.timestamp.body`` with HMAC-SHA256 under the subscription's ``whsec_`` secret, so a
delivery cannot be forged nor replayed later with a new time. Everything here is pure: the
clock, the random jitter and the network are the caller's.

>>> secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
>>> secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

import orjson

from silkpost.domain.errors import InvalidFormat, InvalidValue

SECRET_PREFIX = "whsec_"
TOLERANCE_S = 300  # how far a receiver lets a timestamp be off (the reference libraries' 5 min)
# Standard Webhooks' example schedule: at once, then after each failure, 76 hours in all.
RETRY_DELAYS = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2), timedelta(hours=5), timedelta(hours=10),
                timedelta(hours=14), timedelta(hours=20), timedelta(hours=24))
MAX_RETRY_AFTER = timedelta(hours=24)  # a receiver's Retry-After is honoured up to this


class WebhookEventType(StrEnum):
    """What a partner can subscribe to."""

    ITEM_STATUS_CHANGED = "item.status_changed"
    ITEM_STUCK = "item.stuck"
    ITEM_DELIVERED = "item.delivered"
    NOTICE_PUBLISHED = "notice.published"
    # To the sender of a dispatch's pre-advice: each receptacle received (what arrived and
    # what is still missing, as a RESDES answers a PREDES), and the verification note.
    DISPATCH_RECEIVED = "dispatch.received"
    DISPATCH_VERIFIED = "dispatch.verified"
    # To the partners operating the office a dispatch goes to, when it is handed over: its
    # pre-advice (as PREDES announces a dispatch).
    DISPATCH_ADVISED = "dispatch.advised"
    # To a partner's other endpoints when one of its subscriptions is disabled (an operational
    # message, as Svix sends): the notice that its deliveries there have stopped.
    WEBHOOK_DISABLED = "webhook.disabled"


@dataclass(frozen=True, slots=True)
class WebhookSecret:
    """A subscription's signing secret: 24 to 64 random bytes, written ``whsec_<base64>``."""

    key: bytes

    def __post_init__(self) -> None:
        if not 24 <= len(self.key) <= 64:
            raise InvalidValue("a webhook secret is 24 to 64 bytes", field="secret")

    @classmethod
    def parse(cls, text: str) -> WebhookSecret:
        """The secret written as ``whsec_<base64>``."""
        if not text.startswith(SECRET_PREFIX):
            raise InvalidFormat(f"a webhook secret starts with {SECRET_PREFIX}", field="secret")
        try:
            key = base64.b64decode(text.removeprefix(SECRET_PREFIX), validate=True)
        except binascii.Error:
            raise InvalidFormat("a webhook secret is base64 after whsec_",
                                field="secret") from None
        return cls(key)

    @property
    def text(self) -> str:
        """The secret as shown to the subscriber, once."""
        return SECRET_PREFIX + base64.b64encode(self.key).decode("ascii")

    def sign(self, message_id: str, timestamp: int, body: bytes) -> str:
        """The ``webhook-signature`` of one delivery: ``v1,<base64 HMAC-SHA256>``."""
        signed = f"{message_id}.{timestamp}.".encode() + body
        digest = hmac.new(self.key, signed, hashlib.sha256).digest()
        return "v1," + base64.b64encode(digest).decode("ascii")

    def verify(self, message_id: str, timestamp: int, body: bytes, signatures: str, *,
               now: int) -> bool:
        """Whether one of the space-separated ``signatures`` is this secret's, on a
        timestamp within :data:`TOLERANCE_S` of ``now`` (what a receiver checks)."""
        if abs(now - timestamp) > TOLERANCE_S:
            return False
        expected = self.sign(message_id, timestamp, body)
        return any(hmac.compare_digest(expected, s) for s in signatures.split())


def next_attempt(failures: int, *, after: datetime, jitter: float,
                 retry_after: timedelta | None = None) -> datetime | None:
    """When to try again after the ``failures``-th failed attempt, or None: give up.

    ``jitter`` (0 to 1, the caller's random draw) spreads retries by up to a tenth of the
    delay, so a receiver that comes back is not hit by every message at the same second. A
    receiver's ``Retry-After`` is honoured when it asks for longer (up to a day).
    """
    if not 0 <= jitter <= 1:
        raise InvalidValue("jitter is a draw between 0 and 1", field="jitter")
    if failures < 1 or failures > len(RETRY_DELAYS):
        return None
    delay = RETRY_DELAYS[failures - 1] * (1 + jitter / 10)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return after + delay


def retry_after(header: str | None, *, now: datetime) -> timedelta | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), or None."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))


def private_address(address: str) -> bool:
    """Whether an IP address is one a webhook must not reach unless allowed: loopback, private,
    link-local (cloud metadata at 169.254.169.254), multicast, reserved or unspecified."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


MAX_URL = 2000


def check_target(url: str) -> str:
    """A subscription's URL: ``http`` or ``https``, a host, no user or password in it.

    Whether the host is a private address is decided when sending (the name may point
    elsewhere by then), by the dispatcher's own resolution of it.
    """
    from urllib.parse import urlsplit

    value = url.strip()
    if len(value) > MAX_URL:
        raise InvalidValue(f"a webhook URL is at most {MAX_URL} characters", field="url")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InvalidFormat(f"not a URL: {exc}", field="url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidFormat("a webhook URL starts with https:// (or http://)", field="url")
    if not parts.hostname:
        raise InvalidFormat("a webhook URL names a host", field="url")
    if parts.username is not None or parts.password is not None:
        raise InvalidFormat("a webhook URL carries no user name or password (the signature "
                            "proves the sender)", field="url")
    if port == 0:
        raise InvalidFormat("port 0 is no port", field="url")
    return value


@dataclass(frozen=True, slots=True)
class Subscription:
    """A partner's endpoint and what it wants sent there.

    Empty filters mean "everything of these types the partner may see"; ``lanes``
    (``CNURCA>KZALAA``), ``nodes`` and ``object_ids`` narrow it down.
    """

    subscription_id: str
    partner: str
    url: str
    types: tuple[WebhookEventType, ...]
    secret: WebhookSecret
    created_at: datetime
    lanes: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    object_ids: tuple[str, ...] = ()
    disabled_at: datetime | None = None
    disabled_reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", check_target(self.url))
        if not self.types:
            raise InvalidValue("a subscription names at least one event type", field="types")
        try:
            types = tuple(dict.fromkeys(WebhookEventType(t) for t in self.types))
        except ValueError:
            known = ", ".join(t.value for t in WebhookEventType)
            raise InvalidValue(f"unknown event type among {list(self.types)}; one of {known}",
                               field="types") from None
        object.__setattr__(self, "types", types)

    def wants(self, event_type: WebhookEventType, *, lane: str | None = None,
              nodes: tuple[str, ...] = (), object_id: str | None = None) -> bool:
        """Whether a message of ``event_type`` about this lane, nodes or object goes here."""
        if self.disabled_at is not None or event_type not in self.types:
            return False
        if self.lanes and lane not in self.lanes:
            return False
        # A message about no node in particular (a network-wide notice) concerns every node.
        if self.nodes and nodes and not set(self.nodes) & set(nodes):
            return False
        return not self.object_ids or object_id in self.object_ids


class DeliveryState(StrEnum):
    """Where one message to one endpoint stands."""

    PENDING = "pending"  # waiting for its next attempt (or the first)
    DELIVERED = "delivered"  # a 2xx came back
    FAILED = "failed"  # the schedule ran out, or the endpoint is gone (410) or disabled


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message bound for one subscription, and how its attempts went."""

    msg_id: str
    subscription_id: str
    event_type: WebhookEventType
    body: bytes
    created_at: datetime
    next_at: datetime
    attempts: int = 0
    state: DeliveryState = DeliveryState.PENDING
    last_status: int | None = None
    last_error: str = ""
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt got back: an HTTP status, or no answer (``error`` says why)."""

    status: int | None
    retry_after: str | None = None
    error: str = ""

    @property
    def delivered(self) -> bool:
        """Only a 2xx is a delivery (a redirect is not followed, so it is a failure)."""
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """410: the receiver says the endpoint is gone for good; stop sending there."""
        return self.status == 410


def after_attempt(delivery: Delivery, outcome: Outcome, *, now: datetime, jitter: float
                  ) -> Delivery:
    """The delivery after one more attempt with ``outcome``."""
    from dataclasses import replace

    attempts = delivery.attempts + 1
    if outcome.delivered:
        return replace(delivery, attempts=attempts, state=DeliveryState.DELIVERED,
                       last_status=outcome.status, last_error="", done_at=now)
    error = outcome.error or f"HTTP {outcome.status}"
    later = None if outcome.gone else next_attempt(
        attempts, after=now, jitter=jitter, retry_after=retry_after(outcome.retry_after, now=now))
    if later is None:
        return replace(delivery, attempts=attempts, state=DeliveryState.FAILED,
                       last_status=outcome.status, last_error=error, done_at=now)
    return replace(delivery, attempts=attempts, next_at=later, last_status=outcome.status,
                   last_error=error)


@dataclass(frozen=True, slots=True)
class Message:
    """A message about to be queued: its id, type, body, and what it concerns (for filters)."""

    msg_id: str
    event_type: WebhookEventType
    body: bytes
    lane: str | None = None
    nodes: tuple[str, ...] = ()
    object_id: str | None = None


def derived_id(*parts: object) -> str:
    """A message id derived from what the message is about, for a message that may be made
    twice (found again by a retried batch or a second look): the same parts, the same id."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=18).digest()
    return "msg_" + base64.urlsafe_b64encode(digest).decode("ascii")


def new_message(event_type: WebhookEventType, data: Mapping[str, Any], *, at: datetime,
                lane: str | None = None, nodes: Iterable[str] = (),
                object_id: str | None = None, msg_id: str | None = None) -> Message:
    """A message in Standard Webhooks' shape: ``{"type", "timestamp", "data"}``.

    ``msg_id`` names a message that may be derived twice (a status change found again when a
    batch is retried): the same id is queued once per subscription. Random otherwise.
    """
    # Compact UTF-8, as the receivers' HMAC is over these exact bytes.
    body = orjson.dumps({"type": event_type.value, "timestamp": at.isoformat(),
                         "data": dict(data)})
    return Message(msg_id=msg_id or "msg_" + secrets.token_urlsafe(18), event_type=event_type,
                   body=body, lane=lane, nodes=tuple(nodes), object_id=object_id)
