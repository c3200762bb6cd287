"""Per-key rate limits: a token bucket for each key, in this process.

A partner whose system loops on a request must not slow the exchange for everyone else. Each
key may make ``per_minute`` calls a minute, in bursts up to the same number; past it the
answer is 429 with ``Retry-After``, and every answer says where the caller stands with the
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` headers (the IETF
httpapi draft's fields). The buckets live in the server process: behind a load balancer each
server counts its own share. At most :data:`MAX_BUCKETS` keys are tracked; the least recently
seen are forgotten first (a forgotten key starts again with a full bucket).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_BUCKETS = 100_000


@dataclass(frozen=True, slots=True)
class Decision:
    """One call's answer from the limiter."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int  # seconds until the bucket is full again
    retry_after_s: int  # seconds until one call is allowed (0 when allowed)

    def headers(self) -> dict[str, str]:
        """The RateLimit-* headers of this answer (and Retry-After when refused)."""
        found = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                 "RateLimit-Reset": str(self.reset_s)}
        if not self.allowed:
            found["Retry-After"] = str(self.retry_after_s)
        return found


class RateLimiter:
    """Token buckets by key: ``per_minute`` tokens, refilled continuously."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> Decision:
        """Spend one token of ``key``'s bucket if it has one."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self._rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > MAX_BUCKETS:
                self._buckets.popitem(last=False)
        reset = math.ceil((self.per_minute - tokens) / self._rate) if self._rate else 0
        retry = 0 if allowed else math.ceil((1.0 - tokens) / self._rate)
        return Decision(allowed, self.per_minute, int(tokens), reset, retry)
