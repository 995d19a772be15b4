"""Redis pub/sub: a message published by any app process reaches subscribers in every process."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis


class RedisBus:
    name = "redis"

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        self._redis: aioredis.Redis | None = None

    @property
    def _client(self) -> aioredis.Redis:
        if self._redis is None:
            self._redis = aioredis.Redis.from_url(self._url)
        return self._redis

    async def start(self) -> None:
        await self.ping()

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def ping(self) -> None:
        await self._client.ping()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._client.publish(self._prefix + channel, json.dumps(message, separators=(",", ":")))

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
