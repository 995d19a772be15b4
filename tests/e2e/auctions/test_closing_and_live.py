"""Soft close and closing on time from the sweeper; a live lot run by the auctioneer over the socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from auctions.models import Bid, Lot, LotEvent, SaleRecord
from auctions.services.clock import now_ms
from listings.models import VehicleEngagement
from marketplace.settings import Settings
from tests.support_auctions import LiveServer, live_server, make_bidder, make_world, recv, send, set_end, token_for


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


async def test_soft_close_extends_and_the_lot_closes_once_on_time(server: LiveServer) -> None:
    world = await make_world(server.app, terms={"soft_close_seconds": 2})
    lot = world.lots[0]
    user, reg = await make_bidder(server.app, world.session)
    end = now_ms() + 1_500
    await set_end(lot, end)
    async with server.connect(await token_for(user)) as ws, server.connect() as watcher:
        await send(watcher, type="subscribe", lot_id=lot.id)
        await recv(watcher, "snapshot")
        await send(ws, type="bid", lot_id=lot.id, client_bid_id="soft-0001", amount=100_000)
        ack = await recv(ws, "bid_result")
        assert ack["status"] == "accepted"
        assert ack["ends_at"] > end  # inside the window: the end moved to receipt + W
        bid_event = await recv(watcher, "event")
        extended = await recv(watcher, "event")
        assert extended["event"]["type"] == "extended"
        new_end = extended["event"]["ends_at"]
        assert new_end == ack["ends_at"]
        sold = await recv(watcher, "event", timeout=6)
        assert sold["event"]["type"] == "sold"
        closed_at = sold["event"]["at"]
        assert new_end <= closed_at <= new_end + 1_000, "closed within a second of the extended end"
        assert bid_event["seq"] + 2 == sold["seq"]
        await send(ws, type="bid", lot_id=lot.id, client_bid_id="soft-0002", amount=200_000)
        assert (await recv(ws, "bid_result"))["reason"] in ("already_leading", "lot_closed")
    await asyncio.sleep(0.5)  # the sweeper and the close job both ran by now
    sold_events = [e for e in await LotEvent.filter(lot_id=lot.id) if e.payload["type"] == "sold"]
    assert len(sold_events) == 1
    sale = await SaleRecord.get(lot_id=lot.id)
    assert (sale.hammer_price, sale.buyer_paddle, sale.via) == (100_000, reg.paddle, "clock")
    assert sale.buyer_premium == 5_000
    assert not await VehicleEngagement.filter(vehicle_id=lot.vehicle_id).exists()  # free for another listing


async def test_unsold_lot_passes_when_nobody_bids(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    await set_end(lot, now_ms() + 200)
    for _ in range(30):
        await asyncio.sleep(0.1)
        if (await Lot.get(id=lot.id)).status == "passed":
            break
    assert (await Lot.get(id=lot.id)).status == "passed"


async def test_auctioneer_runs_a_live_lot(server: LiveServer) -> None:
    world = await make_world(server.app, kind="onsite", terms={"live_countdown_seconds": 30})
    lot = world.lots[0]
    user, reg = await make_bidder(server.app, world.session)
    bidder_token = await token_for(user)
    console_token = await token_for(world.auctioneer)
    async with server.connect(console_token) as console, server.connect(bidder_token) as bidder:
        await send(bidder, type="subscribe", lot_id=lot.id)
        assert (await recv(bidder, "snapshot"))["lot"]["status"] == "scheduled"
        await send(bidder, type="control", lot_id=lot.id, action="open")
        assert (await recv(bidder, "control_result"))["reason"] == "not_house_staff"
        await send(console, type="control", lot_id=lot.id, action="open")
        opened = await recv(console, "control_result")
        assert opened["status"] == "accepted"
        assert (await recv(bidder, "event"))["event"]["type"] == "opened"
        await send(bidder, type="bid", lot_id=lot.id, client_bid_id="live-0001", amount=100_000)
        assert (await recv(bidder, "bid_result"))["status"] == "accepted"
        await send(console, type="control", lot_id=lot.id, action="floor_bid", paddle="8", amount=150_000)
        assert (await recv(console, "control_result"))["leader"] == "F8"
        await send(console, type="control", lot_id=lot.id, action="retract", reason="")
        assert (await recv(console, "control_result"))["reason"] == "reason_required"
        await send(console, type="control", lot_id=lot.id, action="retract", reason="场内误报 wrong paddle")
        retracted = await recv(console, "control_result")
        assert (retracted["price"], retracted["leader"]) == (100_000, reg.paddle)
        await send(console, type="control", lot_id=lot.id, action="warn", level=2)
        await recv(console, "control_result")
        await send(console, type="control", lot_id=lot.id, action="pause")
        await recv(console, "control_result")
        await send(bidder, type="bid", lot_id=lot.id, client_bid_id="live-0002", amount=200_000)
        assert (await recv(bidder, "bid_result"))["reason"] == "lot_paused"
        await send(console, type="control", lot_id=lot.id, action="resume")
        await recv(console, "control_result")
        await send(console, type="control", lot_id=lot.id, action="hammer")
        hammered = await recv(console, "control_result")
        assert hammered["status"] == "accepted"
        while (await recv(bidder, "event"))["event"]["type"] != "sold":
            pass
        await send(console, type="control", lot_id=lot.id, action="retract", reason="too late")
        assert (await recv(console, "control_result"))["reason"] == "lot_closed"
    types = [e.payload["type"] for e in await LotEvent.filter(lot_id=lot.id).order_by("seq")]
    assert types == [
        "opened",
        "bid",
        "countdown",
        "bid",
        "countdown",
        "retracted",
        "countdown",
        "warning",
        "paused",
        "resumed",
        "sold",
    ]
    sale = await SaleRecord.get(lot_id=lot.id)
    assert (sale.hammer_price, sale.via, sale.buyer_user_id) == (100_000, "hammer", user.id)
    floor = await Bid.get(lot_id=lot.id, paddle="F8")
    assert floor.retracted
    retract_event = next(e for e in await LotEvent.filter(lot_id=lot.id) if e.payload["type"] == "retracted")
    assert retract_event.payload["actor_user_id"] == world.auctioneer.id
    assert retract_event.payload["reason"] == "场内误报 wrong paddle"
