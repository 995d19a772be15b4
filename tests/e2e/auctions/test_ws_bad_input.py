"""Hostile JSON on the socket gets an error message and the connection lives on (no drop without a close frame)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from marketplace.settings import Settings
from tests.support_auctions import LiveServer, live_server, recv, send


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


async def test_deeply_nested_json_gets_malformed_and_the_connection_survives(server: LiveServer) -> None:
    async with server.connect() as ws:
        await recv(ws, "welcome")
        await ws.send("[" * 2000 + "]" * 2000)  # within the 4 KiB message limit, past Python's recursion limit
        assert (await recv(ws, "error"))["code"] == "malformed"
        await ws.send('{"type": "ping", "t": ' + "[" * 1500 + "]" * 1500 + "}")
        assert (await recv(ws, "error"))["code"] == "malformed"
        await ws.send('{"type": "subscribe", "lot_id": ' + "9" * 4000 + "}")  # a 4,000-digit id
        assert (await recv(ws, "error"))["code"] == "invalid_message"
        await send(ws, type="ping", t=1)
        assert (await recv(ws, "pong"))["t"] == 1


async def test_a_nested_value_where_a_string_belongs_is_not_echoed(server: LiveServer) -> None:
    async with server.connect() as ws:
        await recv(ws, "welcome")
        deep = "[" * 600 + "]" * 600
        await ws.send('{"type": "bid", "lot_id": 1, "amount": 100, "client_bid_id": ' + deep + "}")
        error = await recv(ws, "error")
        assert error["code"] == "invalid_message"
        assert error.get("ref") is None
        await ws.send(json.dumps({"type": "ping", "t": 2}))
        assert (await recv(ws, "pong"))["t"] == 2
