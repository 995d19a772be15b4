"""Token-bucket rate limiting per key (e.g. client IP on the login endpoint).

Two adapters behind one small protocol, chosen in bootstrap like every port:
- `RateLimiter`: buckets in this process (embedded default; time passed in for tests);
- `RedisRateLimiter`: buckets in Redis, shared by every app process behind the load balancer, so
  the limit is the setting and not N times it. Redis's own clock is used, so processes with skewed
  clocks agree. If Redis cannot be reached the request is allowed (logged): logging in must not
  depend on a limiter, and the login throttling in the database (`accounts.throttle`) still guards passwords.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from marketplace.errors import TooManyRequests
from marketplace.outages import REDIS_REQUEST_TIMEOUT, Breaker, OutageLog

log = logging.getLogger("marketplace.ratelimit")


class Limiter(Protocol):
    name: str

    async def check(self, key: str) -> None:
        """Take one token for `key`, or raise `TooManyRequests` with the seconds to wait."""

    async def close(self) -> None: ...


def _refuse(wait: float) -> TooManyRequests:
    seconds = max(1, math.ceil(wait))
    return TooManyRequests(
        "too many requests; slow down", code="rate_limited", details={"retry_after_seconds": seconds}
    )


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    name = "in-process"

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

    async def check(self, key: str) -> None:
        wait = self.retry_after(key)
        if wait:
            raise _refuse(wait)

    async def close(self) -> None:
        return None


# One atomic step of the same bucket in Redis. The result is a string: Redis would truncate a Lua
# number to an integer. The key expires once a full bucket would have refilled.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(b[1]) or burst
local updated = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisRateLimiter:
    name = "redis"

    def __init__(self, url: str, per_minute: int, burst: int | None = None, *, prefix: str) -> None:
        from redis.asyncio import Redis

        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else per_minute)
        self.prefix = prefix
        self._redis: Any = Redis.from_url(url, socket_timeout=REDIS_REQUEST_TIMEOUT, socket_connect_timeout=1.0)
        self._take = self._redis.register_script(_TAKE)
        self.breaker = Breaker("redis")  # a frozen Redis costs one timeout per cool-down, not one per login
        self._outage = OutageLog(log, "rate limiter (requests allowed meanwhile)")

    async def check(self, key: str) -> None:
        try:
            taken = await self.breaker.call(
                lambda: self._take(keys=[f"{self.prefix}ratelimit:{key}"], args=[self.rate, self.burst])
            )
        except Exception as exc:  # fail open, see the module docstring
            self._outage.failed(exc)
            return
        self._outage.recovered()
        wait = float(taken)
        if wait:
            raise _refuse(wait)

    async def close(self) -> None:
        await self._redis.aclose()
