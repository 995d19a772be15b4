"""Fixtures for auction tests: a verified house, dealers with certificates, vehicles, sessions, a live server."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from starlette.applications import Starlette
from tortoise.contrib.test import truncate_all_models
from websockets.asyncio.client import ClientConnection, connect

from auctions.models import AuctionSession, Consignment, Lot, Registration
from auctions.schemas import LotIn, SessionIn
from auctions.services import catalogue
from listings.models import Vehicle
from marketplace.accounts.auth import principal_for_user, token_hash
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import ApiToken, Organisation, User
from marketplace.app import create_app
from marketplace.settings import Settings
from marketplace.web.serving import WS_OPTIONS
from tests.support import make_certificate, make_member, make_org

_vin = itertools.count((os.getpid() % 9_000) * 1_000 + 1)  # a block per process, as in tests/support.py

TERMS: dict[str, Any] = {
    "ladder": [{"start": 0, "step": 10_000}, {"start": 1_000_000, "step": 50_000}],
    "deposit": 500_000,
    "buying_limit": 100_000_000,
    "premium": [{"start": 0, "percent_bp": 500, "fixed": 0}, {"start": 10_000_000, "percent_bp": 300, "fixed": 50_000}],
    "soft_close_seconds": 60,
    "lot_duration_seconds": 600,
    "stagger_seconds": 30,
    "conditional_window_seconds": 3_600,
    "live_countdown_seconds": 20,
}


async def make_vehicle(owner: Organisation) -> Vehicle:
    n = next(_vin)
    return await Vehicle.create(
        vin=f"LSVAU{n:012d}",
        owner_org_id=owner.id,
        make="大众",
        model="帕萨特",
        series="330TSI",
        energy_type="ice",
        model_year=2021,
        mileage_km=42_000,
        registration_city="宁波",
    )


async def consign(vehicle: Vehicle, house: Organisation, by: User | None = None) -> Consignment:
    """The vehicle's owner consigns it to the house (委托拍卖): the house may then put it in a lot."""
    return await Consignment.create(
        vehicle_id=vehicle.id,
        seller_org_id=vehicle.owner_org_id,
        house_org_id=house.id,
        created_by_user_id=by.id if by is not None else 0,
    )


async def make_consigned_vehicle(owner: Organisation, house: Organisation, by: User | None = None) -> Vehicle:
    vehicle = await make_vehicle(owner)
    await consign(vehicle, house, by)
    return vehicle


async def token_for(user: User, scopes: list[str] | None = None) -> str:
    raw = "mpt_" + secrets.token_urlsafe(24)
    await ApiToken.create(
        user_id=user.id, name="test", token_hash=token_hash(raw), scopes=scopes or ["read", "bid", "write"]
    )
    return raw


@dataclass
class World:
    app: Starlette
    house: Organisation
    auctioneer: User
    seller: Organisation
    seller_user: User
    session: AuctionSession
    lots: list[Lot]

    async def principal(self, user: User) -> Principal:
        return await principal_for_user(user)


async def make_bidder(app: Starlette, session: AuctionSession, *, confirmed: bool = True) -> tuple[User, Registration]:
    org = await make_org("dealer")
    member = await make_member(app, org, ["buyer"], "bidder")
    await make_certificate(org, member.user, status="verified")
    reg = await catalogue.register(
        await principal_for_user(member.user), session.id, org.id, app.state.services.payments
    )
    if confirmed:
        await Registration.filter(id=reg.id).update(deposit_status="confirmed")
    return member.user, await Registration.get(id=reg.id)


async def make_world(
    app: Starlette,
    *,
    kind: str = "online",
    lots: int = 1,
    terms: dict[str, Any] | None = None,
    reserve: int | None = None,
    buy_now: int | None = None,
    starting: int = 100_000,
    publish: bool = True,
    starts_at: datetime | None = None,
) -> World:
    house = await make_org("auction_house")
    auctioneer = (await make_member(app, house, ["auctioneer", "house_admin"], "auctioneer")).user
    seller = await make_org("dealer")
    seller_user = (await make_member(app, seller, ["dealer_admin"], "seller")).user
    principal = await principal_for_user(auctioneer)
    body = SessionIn.model_validate(
        {
            "house_org_id": house.id,
            "title": "周三网络拍卖会",
            "kind": kind,
            "starts_at": (starts_at or datetime.now(UTC) - timedelta(seconds=1)).isoformat(),
            "terms": {**TERMS, **(terms or {})},
        }
    )
    out = await catalogue.create_session(principal, body)
    for _ in range(lots):
        vehicle = await make_consigned_vehicle(seller, house, seller_user)
        await catalogue.add_lot(
            principal,
            out.id,
            LotIn(vehicle_id=vehicle.id, starting_price=starting, reserve_price=reserve, buy_now_price=buy_now),
        )
    if publish:
        await catalogue.publish(principal, out.id)
    session = await AuctionSession.get(id=out.id)
    rows = await Lot.filter(session_id=session.id).order_by("position")
    return World(app, house, auctioneer, seller, seller_user, session, list(rows))


async def set_end(lot: Lot, ends_at_ms: int) -> None:
    """Move a timed lot's end (tests only): keeps the engine state and the indexed column in step."""
    from auctions.domain.lot import LotState
    from auctions.domain.terms import from_ms

    fresh = await Lot.get(id=lot.id)
    state = LotState.from_json(fresh.state)
    state.ends_at = state.scheduled_end = ends_at_ms
    await Lot.filter(id=lot.id).update(state=state.to_json(), ends_at=from_ms(ends_at_ms), version=fresh.version + 1)


# --- a real server on a free port, for WebSocket tests ---------------------------------------
@dataclass
class LiveServer:
    app: Starlette
    url: str  # http://127.0.0.1:port
    server: uvicorn.Server

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"

    def connect(self, token: str | None = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return connect(self.ws_url, additional_headers=headers, max_size=2**20, ping_interval=None, **kw)


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", **WS_OPTIONS)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
        if task.done():
            task.result()
    await truncate_all_models()
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", server)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def recv(ws: ClientConnection, type_: str | None = None, timeout: float = 5.0) -> dict[str, Any]:
    """The next message (of a type, skipping heartbeats and others)."""
    while True:
        data = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if type_ is None and data["type"] != "ping":
            return dict(data)
        if data["type"] == type_:
            return dict(data)


async def send(ws: ClientConnection, **message: Any) -> None:
    await ws.send(json.dumps(message))


async def drop_close_jobs(redis_url: str | None, namespace: str) -> None:
    """Remove deferred `auctions.close_lot` jobs a test left in the shared test queue.

    arq's burst worker (other suites drain their jobs with one) waits for every queued job, deferred
    ones included; a lot ending minutes later must not hold another test up.
    """
    if not redis_url:
        return
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(redis_url)
    try:
        queue = f"{namespace}:jobs"
        prefix = f"{queue}:lot:close:".encode()  # job ids carry their queue's name (ports/jobs/arq.py)
        mine = [i for i in await client.zrange(queue, 0, -1) if i.startswith(prefix)]
        if mine:
            await client.zrem(queue, *mine)
            await client.delete(*[b"arq:job:" + i for i in mine])
    finally:
        await client.aclose()


async def close_due(services: Any, lot_id: int) -> str:
    """Close a lot whose end is past, as the lot-close sweeper would: the app's own sweeper may get there first
    (the lot is then closed all the same). Returns the lot's status, asserted no longer open; a second close
    finds nothing to do."""
    from auctions.services import actions
    from auctions.services.clock import now_ms

    await actions.close_if_due(services, lot_id, now_ms())  # or the sweeper got there first
    assert not await actions.close_if_due(services, lot_id, now_ms())  # exactly once
    status = (await Lot.get(id=lot_id)).status
    assert status not in ("open", "scheduled"), status
    return status
