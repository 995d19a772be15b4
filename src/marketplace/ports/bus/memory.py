"""In-process pub/sub: the embedded default. Fan-out to bounded queues; a full queue drops its subscriber."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger("marketplace.bus")

_CLOSED: dict[str, Any] = {"__closed__": True}


class InProcessBus:
    name = "in-process"

    def __init__(self, queue_size: int = 1000) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}
        self._queue_size = queue_size

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for queues in self._subscribers.values():
            for queue in queues:
                with contextlib.suppress(asyncio.QueueFull):  # a full queue was already cut off
                    queue.put_nowait(_CLOSED)
        self._subscribers.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            if queue.qsize() < self._queue_size:
                queue.put_nowait(message)
                continue
            # A subscriber that cannot keep up must not stall publishers: it gets what it had queued,
            # then its iteration ends (the one spare slot holds the end marker), and it must resync.
            log.warning("subscriber on %s too slow; dropped", channel)
            self._subscribers[channel].discard(queue)
            queue.put_nowait(_CLOSED)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size + 1)
        self._subscribers.setdefault(channel, set()).add(queue)

        async def messages() -> AsyncIterator[dict[str, Any]]:
            while True:
                message = await queue.get()
                if message is _CLOSED:
                    return
                yield message

        try:
            yield messages()
        finally:
            subs = self._subscribers.get(channel)
            if subs is not None:
                subs.discard(queue)
                if not subs:
                    del self._subscribers[channel]
