"""The /ws protocol against a real uvicorn server: auth, subscribe, bids, resume, errors, limits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from auctions import ws as ws_module
from auctions.models import Bid, Lot
from marketplace.settings import Settings
from tests.support_auctions import LiveServer, live_server, make_bidder, make_world, recv, send, token_for


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


async def test_watch_subscribe_bid_and_broadcast(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    user, reg = await make_bidder(server.app, world.session)
    token = await token_for(user)
    async with server.connect(token) as bidder, server.connect() as watcher:
        welcome = await recv(bidder, "welcome")
        assert welcome["v"] == 1
        assert welcome["user_id"] == user.id
        assert isinstance(welcome["server_time"], int)
        await recv(watcher, "welcome")
        await send(watcher, type="subscribe", session_id=world.session.id)
        assert (await recv(watcher, "session"))["lot_ids"] == [lot.id]
        snap = await recv(watcher, "snapshot")
        assert snap["seq"] == 0
        assert snap["lot"]["next_minimum"] == 100_000
        assert "reserve_price" not in snap["lot"]
        assert "you" not in snap["lot"]
        await send(bidder, type="subscribe", lot_id=lot.id)
        mine = await recv(bidder, "snapshot")
        assert mine["lot"]["you"] == {"paddle": reg.paddle, "max": None, "status": "none"}

        await send(bidder, type="bid", lot_id=lot.id, client_bid_id="c-0000001", amount=100_000)
        ack = await recv(bidder, "bid_result")
        assert (ack["status"], ack["price"], ack["leader"], ack["seq"]) == ("accepted", 100_000, reg.paddle, 1)
        event = await recv(watcher, "event")
        assert (event["lot_id"], event["seq"]) == (lot.id, 1)
        assert event["event"]["type"] == "bid"
        assert event["event"]["lines"] == [{"paddle": reg.paddle, "amount": 100_000, "auto": False}]
        assert "server_time" in event

        # a resend of the same client id: the same answer, no second bid
        await send(bidder, type="bid", lot_id=lot.id, client_bid_id="c-0000001", amount=100_000)
        again = await recv(bidder, "bid_result")
        assert again == {**ack, "server_time": again["server_time"]}
        assert await Bid.filter(lot_id=lot.id).count() == 1

        await send(bidder, type="bid", lot_id=lot.id, client_bid_id="c-0000002", amount=110_000)
        rejected = await recv(bidder, "bid_result")
        assert (rejected["status"], rejected["reason"], rejected["next_minimum"]) == (
            "rejected",
            "already_leading",
            110_000,
        )
        await send(watcher, type="bid", lot_id=lot.id, client_bid_id="anon-0001", amount=110_000)
        assert (await recv(watcher, "error"))["code"] == "unauthenticated"


async def test_resume_from_last_seq_gets_missed_events_or_a_snapshot(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    a, _ = await make_bidder(server.app, world.session)
    b, _ = await make_bidder(server.app, world.session)
    ta, tb = await token_for(a), await token_for(b)
    async with server.connect(ta) as wa, server.connect(tb) as wb:
        for i, (ws, amount) in enumerate([(wa, 100_000), (wb, 110_000), (wa, 120_000)]):
            await send(ws, type="bid", lot_id=lot.id, client_bid_id=f"resume-{i:04d}", amount=amount)
            assert (await recv(ws, "bid_result"))["status"] == "accepted"
    async with server.connect() as watcher:
        await send(watcher, type="subscribe", lot_id=lot.id, last_seq=1)
        replay = await recv(watcher, "replay")
        assert [e["seq"] for e in replay["events"]] == [2, 3]
        assert replay["seq"] == 3
        await send(watcher, type="subscribe", lot_id=lot.id, last_seq=99)  # from the future: start afresh
        assert (await recv(watcher, "snapshot"))["seq"] == 3


async def test_bad_messages_get_errors_and_the_connection_survives(server: LiveServer) -> None:
    async with server.connect() as ws:
        await recv(ws, "welcome")
        await ws.send("{not json")
        assert (await recv(ws, "error"))["code"] == "malformed"
        await ws.send("[1, 2]")
        assert (await recv(ws, "error"))["code"] == "invalid_message"
        await send(ws, type="teleport")
        assert (await recv(ws, "error"))["code"] == "unknown_type"
        await send(ws, type="bid", lot_id="x", client_bid_id="short")
        err = await recv(ws, "error")
        assert err["code"] == "invalid_message"
        await send(ws, type="subscribe", lot_id=1, extra=True)
        assert (await recv(ws, "error"))["code"] == "invalid_message"
        await send(ws, type="subscribe", lot_id=424242)
        assert (await recv(ws, "error"))["code"] == "not_found"
        await ws.send(json.dumps({"type": "ping", "pad": "x" * 5000}))
        assert (await recv(ws, "error"))["code"] == "message_too_large"
        await ws.send(b"\x00\x01")
        assert (await recv(ws, "error"))["code"] == "binary_not_supported"
        await send(ws, type="ping", t=7)
        assert (await recv(ws, "pong"))["t"] == 7


async def test_frames_over_the_server_limit_close_the_connection_not_the_server(server: LiveServer) -> None:
    async with server.connect() as ws:
        await recv(ws, "welcome")
        await ws.send("x" * (65 * 1024))
        with pytest.raises(ConnectionClosed) as info:
            await recv(ws)
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1009
    async with server.connect() as ws:  # the server is fine
        assert (await recv(ws, "welcome"))["v"] == 1


async def test_origin_and_token_checked_on_the_handshake(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus):
        async with server.connect(origin="http://evil.example"):
            pass
    with pytest.raises(InvalidStatus):
        async with server.connect("mpt_not-a-real-token"):
            pass
    host = server.url.removeprefix("http://")
    async with server.connect(origin=f"http://{host}") as ws:
        assert (await recv(ws, "welcome"))["user_id"] is None


async def test_rate_limit(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws_module, "LIMITS", ws_module.Limits(rate_per_second=1, burst=3, abuse_limit=5))
    async with server.connect() as ws:
        await recv(ws, "welcome")
        for i in range(6):
            await send(ws, type="ping", t=i)
        codes = [(await recv(ws))["type"] for _ in range(6)]
        assert codes.count("pong") == 3
        assert codes.count("error") == 3
        for i in range(10):
            await send(ws, type="ping", t=i)
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await recv(ws)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (4029, "rate_limited")


async def test_heartbeat_and_dead_connection_detection(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws_module, "LIMITS", ws_module.Limits(heartbeat_seconds=0.1, dead_after_seconds=0.35))
    async with server.connect() as ws:
        await recv(ws, "welcome")
        assert (await recv(ws, "ping"))["type"] == "ping"
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await asyncio.wait_for(ws.recv(), 2)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (4002, "heartbeat_timeout")


async def test_slow_consumer_is_disconnected_with_a_reason(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws_module, "LIMITS", ws_module.Limits(send_queue=4))
    world = await make_world(server.app)
    lot = world.lots[0]
    hub = server.app.state.services.auction_hub
    async with server.connect() as ws:
        await recv(ws, "welcome")
        await send(ws, type="subscribe", lot_id=lot.id)
        await recv(ws, "snapshot")
        # A burst the connection's queue cannot hold (as if the client stopped reading).
        hub.dispatch(
            {"lot_id": lot.id, "events": [{"seq": n, "event": {"type": "warning", "level": 1}} for n in range(1, 40)]}
        )
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await recv(ws)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (4008, "slow_consumer")
    assert lot.id not in hub.watchers or not hub.watchers[lot.id]
    assert (await Lot.get(id=lot.id)).seq == 0
