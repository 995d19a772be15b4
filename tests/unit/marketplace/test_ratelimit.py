from __future__ import annotations

import pytest

from marketplace.errors import TooManyRequests
from marketplace.web.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_per_key() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.retry_after("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.retry_after("a") == pytest.approx(10.0)  # 6/min: one token every 10 s
    assert limiter.retry_after("b") == 0.0  # keys are independent
    clock.now += 10
    assert limiter.retry_after("a") == 0.0
    assert limiter.retry_after("a") > 0


async def test_check_raises_with_retry_after() -> None:
    limiter = RateLimiter(per_minute=1, burst=1, clock=Clock())
    await limiter.check("ip:1")
    with pytest.raises(TooManyRequests) as excinfo:
        await limiter.check("ip:1")
    assert excinfo.value.code == "rate_limited"
    assert excinfo.value.details == {"retry_after_seconds": 60}


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(per_minute=1, clock=Clock(), max_keys=100)
    for n in range(1000):
        limiter.retry_after(f"ip:{n}")
    assert len(limiter._buckets) == 100
