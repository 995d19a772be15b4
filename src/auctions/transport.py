"""One `/ws` connection's outgoing side: the bounded send queue, streamed replays, heartbeats, closing with a code.

`ws.py` handles what a client says; this module owns what reaches the client and when the connection ends,
so the message handling reads without the queueing machinery and vice versa.

Why it is shaped like this (docs/protocol.md, "Flow control"):
- The queue is bounded by messages *and* bytes, and a replay waits in it as a small descriptor: its pages
  are built from the hub's shared cache only when the client is ready for them, one page at a time. A
  client asking for replays without reading therefore costs the server a page, not megabytes.
- uvicorn's `send` waits while the socket's write buffer is full, so a client that stops reading stalls
  the sender. A send stalled for `send_stall_seconds`, or a full queue, closes the connection with
  `4008 slow_consumer`.
- A close frame to a client that does not read would wait forever in that same buffer: the connection is
  given `close_timeout_seconds` to take it, then its handler ends regardless, so nothing it held stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from auctions.services.live import Hub, dumps, event_text, replay_text
from marketplace.outages import outage_of

log = logging.getLogger("auctions.transport")


@dataclass
class Limits:
    heartbeat_seconds: float = 15.0  # the server's `ping` after this long without sending anything
    dead_after_seconds: float = 45.0  # nothing heard from the client for this long: 4002
    max_message_bytes: int = 4096
    rate_per_second: float = 20.0
    burst: int = 40
    abuse_limit: int = 100  # rate-limited messages before the connection is closed
    send_queue: int = 512  # messages waiting for the client ...
    send_queue_bytes: int = 512 * 1024  # ... and their size: either full is 4008
    send_stall_seconds: float = 10.0  # one message not taken by the client for this long: 4008
    close_timeout_seconds: float = 5.0  # a close frame not taken within this: the connection is dropped
    replay_limit: int = 500  # beyond this many missed events a client gets a fresh snapshot
    replay_page_events: int = 100  # a replay is sent in pages of at most this many events ...
    replay_page_bytes: int = 32 * 1024  # ... and about this size
    replay_events_per_second: float = 100.0  # the replay budget of one connection, in events
    replay_burst_events: int = 1000
    replay_refusals: int = 10  # replay_rate_limited answers before the connection is closed (4029)
    max_lots: int = 200


@dataclass
class _Item:
    kind: str  # "reply" | "event" | "snapshot" | "replay"
    lot_id: int
    seq: int  # the event's / snapshot's seq; a replay's from_seq
    text: str = ""
    upto: int = 0  # a replay's last seq


class Transport:
    def __init__(self, ws: WebSocket, limits: Limits, hub: Hub) -> None:
        self.ws = ws
        self.limits = limits
        self.hub = hub
        self._items: deque[_Item] = deque()
        self._bytes = 0
        self._ready = asyncio.Event()
        self.last: dict[int, int] = {}  # lot -> last seq this client has
        self.last_heard = time.monotonic()
        self._last_ping = time.monotonic()
        self._sending_since: float | None = None
        self.closing: str | None = None
        self._close_code = 1000
        self._ended = asyncio.Event()
        self._replay_tokens = float(limits.replay_burst_events)
        self._replay_refilled = time.monotonic()
        self._idle = asyncio.Event()  # clear while the receiver handles a message (a bid in its transaction)
        self._idle.set()

    # --- what to send -----------------------------------------------------------------------
    def deliver(self, lot_id: int, seq: int, text: str) -> None:
        self._put(_Item("event", lot_id, seq, text))

    def send(self, message: dict[str, Any]) -> None:
        self._put(_Item("reply", 0, 0, dumps(message)))

    def put_snapshot(self, lot_id: int, seq: int, text: str) -> None:
        self._put(_Item("snapshot", lot_id, seq, text))

    def put_replay(self, lot_id: int, from_seq: int, upto: int) -> None:
        self._put(_Item("replay", lot_id, from_seq, upto=upto))

    def take_replay_budget(self, events: int) -> int | None:
        """Spend `events` of this connection's replay budget; None if granted, else milliseconds to wait."""
        now = time.monotonic()
        rate = self.limits.replay_events_per_second
        self._replay_tokens = min(
            float(self.limits.replay_burst_events), self._replay_tokens + (now - self._replay_refilled) * rate
        )
        self._replay_refilled = now
        cost = max(1, events)
        if self._replay_tokens >= cost:
            self._replay_tokens -= cost
            return None
        return int((cost - self._replay_tokens) / rate * 1000) + 1

    def _put(self, item: _Item) -> None:
        if self.closing:
            return
        if len(self._items) >= self.limits.send_queue or self._bytes + len(item.text) > self.limits.send_queue_bytes:
            self.close_soon(4008, "slow_consumer")
            return
        self._items.append(item)
        self._bytes += len(item.text)
        self._ready.set()

    # --- ending -----------------------------------------------------------------------------
    def close_soon(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = reason
        self._close_code = code
        self._items.clear()  # what it did not take is dropped now, not when the socket finally goes
        self._bytes = 0
        self._ended.set()

    async def serve(self, receive: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run the connection until the client leaves or the server closes it, then close with the code."""
        receiver = asyncio.create_task(receive(), name="ws-receive")
        helpers = [asyncio.create_task(self._sender(), name="ws-send"), asyncio.create_task(self._watchdog())]
        ended = asyncio.create_task(self._ended.wait())
        try:
            await asyncio.wait([receiver, ended, *helpers], return_when=asyncio.FIRST_COMPLETED)
            for helper in helpers:
                failure = helper.exception() if helper.done() and not helper.cancelled() else None
                if failure is not None and not isinstance(failure, WebSocketDisconnect | OSError):
                    if outage_of(failure) is not None:
                        # A gap or replay cannot be read now: the client reconnects and resumes from its last_seq.
                        self.close_soon(1013, "service_unavailable")
                    else:
                        # The client must learn the connection ended on our side, not see it vanish (1006).
                        log.error("ws connection failed", exc_info=failure)
                        self.close_soon(1011, "internal_error")
        finally:
            for task in (ended, *helpers):
                task.cancel()
            if not receiver.done():
                await self._stop_receiver(receiver)
            for task in (ended, *helpers):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            if self.closing:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(
                        self.ws.close(code=self._close_code, reason=self.closing), self.limits.close_timeout_seconds
                    )

    async def _stop_receiver(self, receiver: asyncio.Task[None]) -> None:
        # A message being handled (a bid in its transaction) finishes first: its outcome is committed
        # either way, and the client learns it by resending the same client_bid_id.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.limits.close_timeout_seconds)
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await receiver

    @contextlib.contextmanager
    def handling(self) -> Iterator[None]:
        """Marks a received message being handled: a close waits for it (see `_stop_receiver`)."""
        self._idle.clear()
        try:
            yield
        finally:
            self._idle.set()

    # --- the sender and the watchdog -----------------------------------------------------------
    async def _write(self, text: str) -> None:
        self._sending_since = time.monotonic()
        await self.ws.send_text(text)
        self._sending_since = None

    async def _sender(self) -> None:
        while True:
            while not self._items:
                self._ready.clear()
                await self._ready.wait()
            item = self._items.popleft()
            self._bytes -= len(item.text)
            if item.kind == "snapshot":
                self.last[item.lot_id] = item.seq
            elif item.kind == "replay":
                await self._stream_replay(item.lot_id, item.seq, item.upto)
                continue
            elif item.kind == "event":
                have = self.last.get(item.lot_id)
                if have is None or item.seq <= have:
                    continue  # not subscribed (yet), or a duplicate
                if item.seq > have + 1:
                    for seq, event in await self.hub.events(item.lot_id, have, item.seq - 1):
                        await self._write(event_text(item.lot_id, seq, event))
                self.last[item.lot_id] = item.seq
            await self._write(item.text)

    async def _stream_replay(self, lot_id: int, from_seq: int, upto: int) -> None:
        position = from_seq
        while True:
            events = await self.hub.events(lot_id, position, min(upto, position + self.limits.replay_page_events))
            page: list[tuple[int, str]] = []
            size = 0
            for seq, event in events:
                if page and size + len(event) > self.limits.replay_page_bytes:
                    break
                page.append((seq, event))
                size += len(event)
            await self._write(replay_text(lot_id, position, page, upto))
            if not page or page[-1][0] >= upto:
                break
            position = page[-1][0]
        # An already subscribed client may have been sent newer events meanwhile: never move back.
        self.last[lot_id] = max(upto, self.last.get(lot_id, upto))

    async def _watchdog(self) -> None:
        limits = self.limits
        tick = min(limits.heartbeat_seconds, limits.send_stall_seconds, limits.dead_after_seconds) / 2
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            if self._sending_since is not None and now - self._sending_since > limits.send_stall_seconds:
                self.close_soon(4008, "slow_consumer")
                return
            if now - self.last_heard > limits.dead_after_seconds:
                self.close_soon(4002, "heartbeat_timeout")
                return
            quiet = min(now - self.last_heard, now - self._last_ping)
            if quiet >= limits.heartbeat_seconds - tick / 2:
                # Only a quiet client is pinged: its `pong` is what keeps the connection open.
                self._last_ping = now
                self.send({"type": "ping"})
