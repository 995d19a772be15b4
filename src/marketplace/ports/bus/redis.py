"""Redis pub/sub: a message published by any app process reaches subscribers in every process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis

from marketplace.outages import Breaker, Unreachable, describe

log = logging.getLogger("marketplace.bus")


class RedisBus:
    name = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        self._redis: aioredis.Redis | None = None
        # Publishing is on the bid's path: it must fail fast (watchers catch up from the event log).
        self.breaker = Breaker("redis")

    @property
    def _client(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.Redis.from_url(self._url)
        return self._redis

    async def start(self) -> None:
        # Started with Redis down, the process serves anyway: subscribers retry, publishes fail fast.
        try:
            await self.ping()
        except Unreachable as exc:
            log.warning("redis pub/sub: %s at start; serving without live fan-out until it returns", exc)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def ping(self) -> None:
        # Readiness asks the real Redis every time (never the breaker's memory), but never waits long.
        try:
            async with asyncio.timeout(self.breaker.timeout):
                await self._client.ping()
        except TimeoutError as exc:
            raise Unreachable("redis", f"no answer within {self.breaker.timeout:g} s") from exc
        except aioredis.RedisError as exc:
            raise Unreachable("redis", describe(exc)) from exc

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        text = json.dumps(message, separators=(",", ":"))
        await self.breaker.call(lambda: self._client.publish(self._prefix + channel, text))

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        pubsub = self._client.pubsub()
        await pubsub.subscribe(self._prefix + channel)
        # Wait for the server's confirmation: only then is a message published elsewhere sure to arrive.
        while (await pubsub.get_message(timeout=5.0)) is None:
            pass

        async def messages() -> AsyncIterator[dict[str, Any]]:
            async for item in pubsub.listen():
                if item.get("type") == "message":
                    yield json.loads(item["data"])

        try:
            yield messages()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]
