"""Token-bucket rate limiting per key (e.g. client IP on the login endpoint), time passed in.

Per process: behind a load balancer each app process keeps its own buckets, so the effective limit
is at most N times the setting; account lockout (in the database) is the cross-process guard.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from marketplace.errors import TooManyRequests


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        burst: int | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else per_minute)
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._max_keys = max_keys  # bounded memory under a flood of distinct keys

    def retry_after(self, key: str) -> float:
        """Take one token for `key`; return 0 when allowed, else the seconds until a token is free."""
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def check(self, key: str) -> None:
        wait = self.retry_after(key)
        if wait:
            seconds = max(1, int(wait + 0.999))
            raise TooManyRequests(
                "too many requests; slow down", code="rate_limited", details={"retry_after_seconds": seconds}
            )
