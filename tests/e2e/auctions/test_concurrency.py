"""Two hundred bidders fire at one lot over WebSockets: no lost or duplicate acks, strictly increasing
accepted amounts, and every client ends with the database's final state."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from auctions.models import Bid, BidReceipt, Lot, LotEvent
from marketplace.settings import Settings
from tests.support_auctions import LiveServer, live_server, make_bidder, make_world, token_for

BIDDERS = 200
ROUNDS = 4


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


class Client:
    def __init__(self, n: int, token: str) -> None:
        self.n = n
        self.token = token
        self.acks: dict[str, list[dict[str, Any]]] = {}
        self.sent: dict[str, int] = {}  # client bid id -> amount
        self.events: list[dict[str, Any]] = []
        self.last_seq = 0
        self.next_minimum = 100_000
        self.pending: dict[str, asyncio.Future[dict[str, Any]]] = {}


async def run_client(server: LiveServer, client: Client, lot_id: int, start: asyncio.Event, head: list[int]) -> None:
    rng = random.Random(client.n)
    async with server.connect(client.token) as ws:
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))

        async def reader() -> None:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "snapshot":
                    client.last_seq = msg["seq"]
                    client.next_minimum = msg["lot"]["next_minimum"]
                elif msg["type"] == "event":
                    assert msg["seq"] == client.last_seq + 1, "events arrive in order, without gaps"
                    client.last_seq = msg["seq"]
                    client.events.append(msg)
                    client.next_minimum = max(client.next_minimum, msg["event"]["lot"]["next_minimum"])
                elif msg["type"] == "ping":  # the heartbeat rule (docs/protocol.md): a slow run outlasts 45 s
                    await ws.send('{"type":"pong"}')
                elif msg["type"] == "bid_result":
                    client.acks.setdefault(msg["client_bid_id"], []).append(msg)
                    future = client.pending.pop(msg["client_bid_id"], None)
                    if future is not None:
                        future.set_result(msg)

        task = asyncio.create_task(reader())
        await start.wait()
        for r in range(ROUNDS):
            cid = f"b{client.n:03d}-r{r}-{rng.randrange(10**6):06d}"
            step = 10_000 if client.next_minimum < 1_000_000 else 50_000
            amount = client.next_minimum + step * rng.randrange(0, 40)
            future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            client.pending[cid] = future
            client.sent[cid] = amount
            message = json.dumps({"type": "bid", "lot_id": lot_id, "client_bid_id": cid, "amount": amount})
            await ws.send(message)
            if client.n % 10 == 0:
                await ws.send(message)  # a client that resends before the answer (a stalled socket)
            ack = await asyncio.wait_for(future, 60)
            if ack["status"] == "rejected":
                client.next_minimum = max(client.next_minimum, ack["next_minimum"])
        expected = 2 if client.n % 10 == 0 else 1
        # Caught up with the lot *and* holding every answer: a resend's answer may come after the last event.
        while True:
            caught_up = bool(head[0]) and client.last_seq >= head[0]
            if caught_up and all(len(v) >= expected for v in client.acks.values()):
                break
            await asyncio.sleep(0.05)
        task.cancel()


async def test_two_hundred_bidders_on_one_lot(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    clients = []
    for n in range(BIDDERS):
        user, _ = await make_bidder(server.app, world.session)
        clients.append(Client(n, await token_for(user)))
    start = asyncio.Event()
    head = [0]
    tasks = [asyncio.create_task(run_client(server, c, lot.id, start, head)) for c in clients]
    await asyncio.sleep(1.0)  # everyone connected and subscribed
    start.set()
    while not all(len(c.acks) == ROUNDS for c in clients):
        await asyncio.sleep(0.1)
        for t in tasks:
            if t.done():
                t.result()
    final = await Lot.get(id=lot.id)
    head[0] = final.seq
    await asyncio.wait_for(asyncio.gather(*tasks), 60)

    # no lost or duplicate acks: one answer per bid id (two for a resend, and then identical)
    accepted = 0
    for c in clients:
        assert len(c.acks) == ROUNDS
        for cid, answers in c.acks.items():
            expected = 2 if c.n % 10 == 0 else 1
            assert len(answers) == expected, cid
            assert all(a["status"] == answers[0]["status"] and a["seq"] == answers[0]["seq"] for a in answers)
            accepted += answers[0]["status"] == "accepted"
    assert await BidReceipt.filter(lot_id=lot.id).count() == BIDDERS * ROUNDS
    bids = await Bid.filter(lot_id=lot.id).order_by("id")
    straight = [b for b in bids if b.kind == "straight"]
    assert len(straight) == accepted
    amounts = [b.amount for b in straight]
    assert amounts == sorted(amounts)
    assert len(set(amounts)) == len(amounts), "no two accepted bids at one amount"
    prices = [b.price_after for b in bids]
    assert all(a < b for a, b in zip(prices, prices[1:], strict=False))
    # every client ends with the database's final state
    events = await LotEvent.filter(lot_id=lot.id).order_by("seq")
    assert [e.seq for e in events] == list(range(1, final.seq + 1))
    for c in clients:
        assert c.last_seq == final.seq
        assert c.events[-1]["event"]["lot"]["price"] == final.price
        assert c.events[-1]["event"]["lot"]["leader"] == final.leader_paddle
    reasons = {a[0]["reason"] for c in clients for a in c.acks.values() if a[0]["status"] == "rejected"}
    assert reasons <= {"below_minimum", "already_leading", "off_grid"}, reasons
    # How many bids win depends on which reach the lot first (a loaded machine once gave 19 where 20 was assumed);
    # what holds whatever the order is that the answers, the bids and the lot tell one story:
    answers = {cid: a[0] for c in clients for cid, a in c.acks.items()}
    sent = {cid: amount for c in clients for cid, amount in c.sent.items()}
    assert sorted(sent[cid] for cid, a in answers.items() if a["status"] == "accepted") == amounts
    # the first bid to reach the lot meets the opening minimum (every amount is on or above it) with no leader
    assert accepted >= 1
    assert final.price == amounts[-1] == bids[-1].price_after  # the price is the highest accepted bid
    assert final.leader_paddle == straight[-1].paddle
    for cid, a in answers.items():
        if a["status"] == "rejected" and a["reason"] == "below_minimum":
            # the minimum only rises: below it when refused, below the one the answer reports
            assert sent[cid] < a["next_minimum"], (cid, sent[cid], a)
        if a["status"] == "accepted":
            assert sent[cid] <= final.price
