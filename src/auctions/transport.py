"""One `/ws` connection's outgoing side: the bounded send queue, heartbeats and closing with a code.

`ws.py` handles what a client says; this module owns what reaches the client and when the connection
ends, so the message handling reads without the queueing machinery and vice versa.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket

from auctions.services.live import dumps, event_message
from auctions.services.present import events_after


@dataclass
class Limits:
    heartbeat_seconds: float = 15.0
    dead_after_seconds: float = 45.0
    max_message_bytes: int = 4096
    rate_per_second: float = 20.0
    burst: int = 40
    abuse_limit: int = 100  # rate-limited messages before the connection is closed
    send_queue: int = 512
    replay_limit: int = 500  # beyond this many missed events a client gets a fresh snapshot
    max_lots: int = 200


class Transport:
    def __init__(self, ws: WebSocket, limits: Limits) -> None:
        self.ws = ws
        self.limits = limits
        self.queue: asyncio.Queue[tuple[str, int, int, str]] = asyncio.Queue(limits.send_queue)
        self.last: dict[int, int] = {}  # lot -> last seq this client has
        self.last_heard = time.monotonic()
        self.closing: str | None = None

    def deliver(self, lot_id: int, seq: int, text: str) -> None:
        self._put(("event", lot_id, seq, text))

    def send(self, message: dict[str, Any]) -> None:
        self._put(("reply", 0, 0, dumps(message)))

    def _put(self, item: tuple[str, int, int, str]) -> None:
        if self.closing:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.close_soon(4008, "slow_consumer")

    def close_soon(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = reason
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(code=code, reason=reason), 2.0)

    async def _sender(self) -> None:
        while True:
            kind, lot_id, seq, text = await self.queue.get()
            if kind == "snapshot":
                self.last[lot_id] = seq
            elif kind == "event":
                have = self.last.get(lot_id)
                if have is None or seq <= have:
                    continue  # not subscribed (yet), or a duplicate
                if seq > have + 1:
                    for item in await events_after(lot_id, have, seq - 1):
                        await self.ws.send_text(event_message(lot_id, item["seq"], item["event"]))
                self.last[lot_id] = seq
            await self.ws.send_text(text)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.limits.heartbeat_seconds)
            if time.monotonic() - self.last_heard > self.limits.dead_after_seconds:
                self.close_soon(4002, "heartbeat_timeout")
                return
            self.send({"type": "ping"})
