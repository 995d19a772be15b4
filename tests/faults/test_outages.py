"""Outages answer as outages: 503 `service_unavailable` with Retry-After, a retryable `bid_result`, and a
frozen Redis holds no request and no bid."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from auctions.models import Bid
from marketplace.settings import Settings
from tests.faults.conftest import eventually
from tests.faults.servers import PostgresServer, RedisServer
from tests.support import PASSWORD, make_app_client, make_member
from tests.support_auctions import live_server, make_bidder, make_world, recv, send, token_for


async def test_database_down_answers_503_with_code_and_retry_after_then_recovers(
    fault_settings: Settings, pg_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with make_app_client(fault_settings) as client:
        member = await make_member(client.app, None, [], "outage")
        await client.login(member.login)
        assert (await client.get("/api/me")).status_code == 200

        pg_server.kill()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            for _ in range(5):
                r = await client.get("/api/me")
                assert r.status_code == 503, r.text
                assert r.json()["error"]["code"] == "service_unavailable"
                assert int(r.headers["Retry-After"]) > 0
            r = await client.post("/api/auth/login", json={"login": member.login, "password": PASSWORD})
            assert (r.status_code, r.json()["error"]["code"]) == (503, "service_unavailable")
            ready = await client.get("/readyz")
            assert (ready.status_code, ready.json()["error"]["code"]) == (503, "not_ready")
        assert not [rec for rec in caplog.records if rec.exc_info], "an outage is not a traceback"
        went = [rec for rec in caplog.records if "HTTP requests: database unreachable" in rec.getMessage()]
        assert len(went) == 1  # the state change once, not once per request

        pg_server.start()

        async def served() -> bool:
            return (await client.get("/api/me")).status_code == 200

        await eventually(served, timeout=15)  # no manual step: the pool reconnects
        assert any("HTTP requests: back after" in rec.getMessage() for rec in caplog.records)


async def test_frozen_redis_holds_no_request(fault_settings: Settings, redis_server: RedisServer) -> None:
    async with make_app_client(fault_settings) as client:
        member = await make_member(client.app, None, [], "frozen")
        redis_server.freeze()
        started = time.monotonic()
        async with asyncio.timeout(10):
            for _ in range(3):  # logins pass the rate limiter, which fails open and fast
                await client.login(member.login)
            assert (await client.get("/api/me")).status_code == 200
            ready = await client.get("/readyz")  # readiness asks Redis itself, with a deadline
        assert time.monotonic() - started < 2.5
        assert ready.status_code == 503
        assert ready.json()["error"]["details"]["redis"].startswith("error")
        redis_server.thaw()

        async def ready_again() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await eventually(ready_again, timeout=10)


async def test_socket_bid_meeting_a_database_outage_gets_a_retryable_result_and_counts_once_after(
    fault_settings: Settings, pg_server: PostgresServer
) -> None:
    async with live_server(fault_settings) as server:
        world = await make_world(server.app)
        lot = world.lots[0]
        user, _ = await make_bidder(server.app, world.session)
        token = await token_for(user)
        async with server.connect(token) as bidder:
            await recv(bidder, "welcome")
            await send(bidder, type="subscribe", lot_id=lot.id)
            await recv(bidder, "snapshot")

            pg_server.kill()
            await send(bidder, type="bid", lot_id=lot.id, client_bid_id="outage-0001", amount=100_000)
            answer = await recv(bidder, "bid_result", timeout=3)  # at once, not after the client's resend timer
            assert answer["status"] == "unavailable"
            assert answer["reason"] == "service_unavailable"
            assert answer["client_bid_id"] == "outage-0001"
            assert answer["retry_after_ms"] > 0

            pg_server.start()

            async def accepted() -> dict[str, object] | None:
                await send(bidder, type="bid", lot_id=lot.id, client_bid_id="outage-0001", amount=100_000)
                result = await recv(bidder, "bid_result", timeout=5)
                return result if result["status"] == "accepted" else None

            first = await eventually(accepted, timeout=20, interval=0.3)
            again = await accepted()
            assert again is not None
            assert again["seq"] == first["seq"]  # the same answer: one bid, however often it was sent
        assert await Bid.filter(lot_id=lot.id).count() == 1


async def test_frozen_redis_holds_no_bid_and_watchers_miss_nothing(
    fault_settings: Settings, redis_server: RedisServer
) -> None:
    async with live_server(fault_settings) as server:
        world = await make_world(server.app)
        lot = world.lots[0]
        tokens = [await token_for((await make_bidder(server.app, world.session))[0]) for _ in range(2)]
        async with server.connect(tokens[0]) as a, server.connect(tokens[1]) as b, server.connect() as watcher:
            for ws in (a, b, watcher):
                await recv(ws, "welcome")
                await send(ws, type="subscribe", lot_id=lot.id)
                seq = (await recv(ws, "snapshot"))["seq"]

            redis_server.freeze()
            started = time.monotonic()
            for n, (bidder, amount) in enumerate([(a, 100_000), (b, 110_000), (a, 120_000)]):
                await send(bidder, type="bid", lot_id=lot.id, client_bid_id=f"frozen-000{n}", amount=amount)
                result = await recv(bidder, "bid_result", timeout=3)
                assert result["status"] == "accepted", result  # decided and answered, not stalled
            assert time.monotonic() - started < 3.0  # a frozen Redis costs one short timeout, not one per bid
            seen = [(await recv(watcher, "event", timeout=5))["seq"] for _ in range(3)]
            assert seen == [seq + 1, seq + 2, seq + 3]  # filled from the event log while the bus is frozen
            redis_server.thaw()
