"""The Redis rate limiter: one budget shared by every app process (runs in the production-profile pass)."""

from __future__ import annotations

import uuid

import pytest

from marketplace.errors import TooManyRequests
from marketplace.web.ratelimit import RedisRateLimiter


async def test_two_processes_share_one_budget(requires_redis: str) -> None:
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    # Two limiters on one Redis stand for two app processes behind the load balancer.
    a = RedisRateLimiter(requires_redis, per_minute=6, burst=3, prefix=prefix)
    b = RedisRateLimiter(requires_redis, per_minute=6, burst=3, prefix=prefix)
    try:
        await a.check("ip:10.0.0.1")
        await b.check("ip:10.0.0.1")
        await a.check("ip:10.0.0.1")
        with pytest.raises(TooManyRequests) as excinfo:
            await b.check("ip:10.0.0.1")  # a per-process bucket would still have 2 tokens here
        assert excinfo.value.code == "rate_limited"
        assert excinfo.value.details == {"retry_after_seconds": 10}  # 6/min: one token every 10 s
        await b.check("ip:10.0.0.2")  # keys are independent
        other = RedisRateLimiter(requires_redis, per_minute=6, burst=3, prefix=f"other-{prefix}")
        try:
            await other.check("ip:10.0.0.1")  # another deployment's namespace has its own budget
        finally:
            await other.close()
    finally:
        await a.close()
        await b.close()


async def test_buckets_expire_so_redis_memory_stays_bounded(requires_redis: str) -> None:
    from redis.asyncio import Redis

    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    limiter = RedisRateLimiter(requires_redis, per_minute=60, burst=5, prefix=prefix)
    redis = Redis.from_url(requires_redis)
    try:
        await limiter.check("ip:1")
        ttl_ms = await redis.pttl(f"{prefix}ratelimit:ip:1")
        assert 0 < ttl_ms <= 6_000  # a full bucket refills in 5 s, plus a second
    finally:
        await limiter.close()
        await redis.aclose()


async def test_unreachable_redis_lets_requests_through() -> None:
    # Port 1 on loopback refuses connections: no server is needed to show the limiter fails open.
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", per_minute=1, burst=1, prefix="x:")
    try:
        for _ in range(3):
            await limiter.check("ip:1")
    finally:
        await limiter.close()
