"""The /ws transport as docs/protocol.md describes it, against a real uvicorn server (the production options).

Heartbeats kept by a client written to the doc's words; a client that stops reading is closed with
`4008 slow_consumer` (and released even if it never reads again); replays come in bounded pages from a
per-connection budget, and a client that keeps asking is closed (`4029`).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import socket
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from auctions import ws as ws_module
from auctions.models import Lot, LotEvent
from marketplace.settings import Settings
from tests.support_auctions import LiveServer, live_server, make_world, recv, send

# Heartbeats of 0.1 s and idle limits of 0.35 s: a worker beside it on two cores is enough to miss a beat.
pytestmark = pytest.mark.alone


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


def _limits(monkeypatch: pytest.MonkeyPatch, **kw: Any) -> ws_module.Limits:
    limits = ws_module.Limits(**kw)
    monkeypatch.setattr(ws_module, "LIMITS", limits)
    return limits


async def _close_code(ws: Any, within: float) -> tuple[int, str]:
    deadline = time.monotonic() + within
    with pytest.raises(ConnectionClosed) as info:
        while True:
            await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
    assert info.value.rcvd is not None, "the connection ended without a close frame"
    return info.value.rcvd.code, info.value.rcvd.reason


async def _seed_events(lot: Lot, count: int, pad: int = 200) -> None:
    at = datetime.now(UTC)
    await LotEvent.bulk_create(
        [
            LotEvent(lot_id=lot.id, seq=n, payload={"type": "warning", "level": 1, "at": n, "pad": "x" * pad}, at=at)
            for n in range(1, count + 1)
        ]
    )
    await Lot.filter(id=lot.id).update(seq=count)


def _noise(n: int) -> str:
    """Padding permessage-deflate cannot shrink (the connection is compressed)."""
    return base64.b64encode(os.urandom(n * 3 // 4)).decode()


async def _no_connection_left() -> None:
    """What a dropped connection held (its queue, pages, subscriptions) is garbage once it is gone."""
    deadline = time.monotonic() + 10
    while True:
        gc.collect()
        alive = [o for o in gc.get_objects() if isinstance(o, ws_module.Connection)]
        if not alive or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    assert alive == []


def _never_reading(server: LiveServer) -> Any:
    """A client whose library stops reading the socket after one buffered frame, with a small receive buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    return connect(server.ws_url, sock=sock, max_queue=1, ping_interval=None, max_size=2**20)


async def test_a_client_following_the_documented_heartbeat_stays_connected(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits = _limits(monkeypatch, heartbeat_seconds=0.1, dead_after_seconds=0.35)
    async with server.connect() as ws:
        welcome = await recv(ws, "welcome")
        heartbeat, idle = welcome["heartbeat_ms"] / 1000, welcome["idle_timeout_ms"] / 1000
        assert (heartbeat, idle) == (limits.heartbeat_seconds, limits.dead_after_seconds)
        # The doc's client rules, word for word: answer every `ping` with `pong`; send `ping` when the
        # server has been silent for heartbeat_ms; nothing else is ever sent.
        pings = 0
        heard = time.monotonic()
        until = time.monotonic() + 6 * idle
        while time.monotonic() < until:
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), heartbeat))
            except TimeoutError:
                if time.monotonic() - heard >= heartbeat:
                    await send(ws, type="ping")
                continue
            heard = time.monotonic()
            if msg["type"] == "ping":
                pings += 1
                await send(ws, type="pong")
        assert pings >= 3
        await send(ws, type="ping", t=5)
        while (answer := await recv(ws, "pong"))["t"] != 5:
            assert answer["t"] is None  # the answer to one of the client's own pings
        # still connected past six idle limits


async def test_a_client_that_stops_reading_is_closed_with_4008_when_it_reads_again(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _limits(monkeypatch, send_stall_seconds=1.0, close_timeout_seconds=6.0)
    world = await make_world(server.app)
    lot = world.lots[0]
    hub = server.app.state.services.auction_hub
    async with _never_reading(server) as ws:
        await recv(ws, "welcome")
        await send(ws, type="subscribe", lot_id=lot.id)
        await recv(ws, "snapshot")
        connection = next(iter(hub.watchers[lot.id]))
        seq = 0
        deadline = time.monotonic() + 15
        while not connection.closing and time.monotonic() < deadline:  # the lot is busy; the client reads nothing
            events = [{"seq": seq + i, "event": {"type": "warning", "level": 1, "pad": _noise(4000)}} for i in (1, 2)]
            seq += 2
            hub.dispatch({"lot_id": lot.id, "events": events})
            await asyncio.sleep(0.005)
        assert connection.closing == "slow_consumer"
        await asyncio.sleep(3)  # the client is still not reading: a 2 s close budget would have given up
        assert await _close_code(ws, within=10) == (4008, "slow_consumer")
    assert lot.id not in hub.watchers


async def test_a_client_that_never_reads_again_is_released(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _limits(monkeypatch, send_stall_seconds=1.0, close_timeout_seconds=1.0)
    world = await make_world(server.app)
    lot = world.lots[0]
    hub = server.app.state.services.auction_hub
    async with _never_reading(server) as ws:
        await recv(ws, "welcome")
        await send(ws, type="subscribe", lot_id=lot.id)
        await recv(ws, "snapshot")
        seq = 0
        deadline = time.monotonic() + 15
        while lot.id in hub.watchers and time.monotonic() < deadline:
            events = [{"seq": seq + i, "event": {"type": "warning", "level": 1, "pad": _noise(4000)}} for i in (1, 2)]
            seq += 2
            hub.dispatch({"lot_id": lot.id, "events": events})
            await asyncio.sleep(0.005)
        # Its handler ended (queue, subscriptions and the socket's share of the hub are gone) though it
        # never took the close frame.
        assert lot.id not in hub.watchers
    await _no_connection_left()


async def test_a_replay_comes_in_pages_and_fits_the_budget(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    limits = _limits(monkeypatch, replay_burst_events=300, replay_events_per_second=1)
    world = await make_world(server.app)
    lot = world.lots[0]
    await _seed_events(lot, 250)
    async with server.connect() as ws:
        await recv(ws, "welcome")
        await send(ws, type="subscribe", lot_id=lot.id, last_seq=0)
        pages = []
        while True:
            raw = await asyncio.wait_for(ws.recv(), 5)
            page = json.loads(raw)
            if page["type"] != "replay":
                continue
            assert len(raw.encode()) <= limits.replay_page_bytes + 4096
            pages.append(page)
            if not page["more"]:
                break
        assert [len(p["events"]) for p in pages] == [100, 100, 50]
        assert [p["from_seq"] for p in pages] == [0, 100, 200]
        assert [p["seq"] for p in pages] == [100, 200, 250]
        assert [e["seq"] for p in pages for e in p["events"]] == list(range(1, 251))
        # the budget is spent: a second full replay is refused with a documented code, and a snapshot still works
        await send(ws, type="subscribe", lot_id=lot.id, last_seq=0)
        refused = await recv(ws, "error")
        assert (refused["code"], refused["lot_id"]) == ("replay_rate_limited", lot.id)
        assert refused["retry_after_ms"] > 0
        await send(ws, type="subscribe", lot_id=lot.id)
        assert (await recv(ws, "snapshot"))["seq"] == 250


async def test_a_client_that_keeps_asking_for_replays_without_reading_is_closed(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    await _seed_events(lot, 500)
    hub = server.app.state.services.auction_hub
    async with _never_reading(server) as ws:
        await recv(ws, "welcome")
        started = time.monotonic()
        connection = None
        for _ in range(400):  # 15 a second: under the message rate limit, far over the replay budget
            await send(ws, type="subscribe", lot_id=lot.id, last_seq=0)
            await asyncio.sleep(1 / 15)
            connection = connection or next(iter(hub.watchers.get(lot.id, ())), None)
            if connection is not None and connection.closing:
                break
        closed_after = time.monotonic() - started
        assert connection is not None
        assert connection.closing == "rate_limited"
        assert await _close_code(ws, within=10) == (4029, "rate_limited")
    assert closed_after < 15
    assert lot.id not in hub.watchers
    del connection  # the test's own reference
    await _no_connection_left()
