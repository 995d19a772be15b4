"""A socket's identity follows its session or token (docs/protocol.md, "Identity on an open connection").

Real uvicorn server, real HTTP: logout, password change, token revocation, staff ending every session and
a deactivated account close the sockets opened with the dead credential (`4010 credentials_revoked`)
within a second; a change of rights re-resolves the socket's principal without closing it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from tortoise.transactions import in_transaction
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from auctions.models import Bid
from marketplace.accounts.identity import identity_changed
from marketplace.accounts.models import Membership, Session, User
from marketplace.settings import Settings
from tests.support import PASSWORD, make_platform_admin
from tests.support_auctions import LiveServer, live_server, make_bidder, make_world, recv, send, token_for

REVOKED = (4010, "credentials_revoked")


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as s:
        yield s


class Browser:
    """A logged-in browser against the live server: session cookie, CSRF header, the socket with its cookie."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url)

    async def login(self, login: str, password: str = PASSWORD) -> None:
        await self.http.get("/api/auth/csrf")
        r = await self.post("/api/auth/login", json={"login": login, "password": password})
        assert r.status_code == 200, r.text
        self.session = self.http.cookies["mp_session"]  # kept: logout deletes the cookie, a stolen copy remains

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.http.post(url, headers={"X-CSRF-Token": self.http.cookies.get("mp_csrf", "")}, **kw)

    async def delete(self, url: str) -> httpx.Response:
        return await self.http.delete(url, headers={"X-CSRF-Token": self.http.cookies.get("mp_csrf", "")})

    def socket(self, ws_url: str) -> Any:
        return connect(ws_url, additional_headers={"Cookie": f"mp_session={self.session}"}, ping_interval=None)


async def closed_with(ws: Any, within: float = 1.5) -> tuple[int, str]:
    """Reads until the server closes; the close must come within `within` seconds."""
    deadline = time.monotonic() + within
    with pytest.raises(ConnectionClosed) as info:
        while True:
            await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
    assert info.value.rcvd is not None, "closed without a close frame"
    return info.value.rcvd.code, info.value.rcvd.reason


async def still_open(ws: Any) -> None:
    await send(ws, type="ping", t=1)
    assert (await recv(ws, "pong"))["t"] == 1


async def test_logout_closes_the_sockets_of_that_session_only(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    user, _ = await make_bidder(server.app, world.session)
    one, two = Browser(server.url), Browser(server.url)
    await one.login(str(user.email))
    await two.login(str(user.email))
    async with one.socket(server.ws_url) as ws1, two.socket(server.ws_url) as ws2:
        assert (await recv(ws1, "welcome"))["user_id"] == user.id
        await recv(ws2, "welcome")
        await send(ws1, type="bid", lot_id=lot.id, client_bid_id="idn-00001", amount=100_000)
        assert (await recv(ws1, "bid_result"))["status"] == "accepted"

        assert (await one.post("/api/auth/logout")).status_code == 204
        assert await closed_with(ws1) == REVOKED
        await still_open(ws2)  # another session of the same user is not touched
    # the dead session's cookie opens a watcher, nothing more
    async with one.socket(server.ws_url) as again:
        assert (await recv(again, "welcome"))["user_id"] is None


async def test_password_change_closes_every_other_session_and_keeps_this_one(server: LiveServer) -> None:
    world = await make_world(server.app)
    user, _ = await make_bidder(server.app, world.session)
    here, elsewhere = Browser(server.url), Browser(server.url)
    await here.login(str(user.email))
    await elsewhere.login(str(user.email))
    async with here.socket(server.ws_url) as mine, elsewhere.socket(server.ws_url) as theirs:
        await recv(mine, "welcome")
        await recv(theirs, "welcome")
        r = await here.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": "another-long-secret-9"}
        )
        assert r.status_code == 204, r.text
        assert await closed_with(theirs) == REVOKED
        await still_open(mine)


async def test_revoking_a_token_closes_its_sockets_and_no_bid_is_taken_after(server: LiveServer) -> None:
    world = await make_world(server.app)
    lot = world.lots[0]
    user, _ = await make_bidder(server.app, world.session)
    owner = Browser(server.url)
    await owner.login(str(user.email))
    created = await owner.post("/api/tokens", json={"name": "bot", "scopes": ["read", "bid"]})
    assert created.status_code == 201, created.text
    raw, token_id = created.json()["token"], created.json()["id"]
    other = await token_for(user)
    async with server.connect(raw) as bot, server.connect(other) as kept, owner.socket(server.ws_url) as page:
        await recv(bot, "welcome")
        await recv(kept, "welcome")
        await recv(page, "welcome")
        assert (await owner.delete(f"/api/tokens/{token_id}")).status_code == 204
        assert await closed_with(bot) == REVOKED
        await still_open(kept)
        await still_open(page)
    assert await Bid.filter(lot_id=lot.id).count() == 0


async def test_staff_ending_every_session_closes_them(server: LiveServer) -> None:
    world = await make_world(server.app)
    user, _ = await make_bidder(server.app, world.session)
    admin = await make_platform_admin(server.app)
    staff, victim = Browser(server.url), Browser(server.url)
    await staff.login(admin.login)
    await victim.login(str(user.email))
    async with victim.socket(server.ws_url) as ws:
        await recv(ws, "welcome")
        r = await staff.post(f"/api/admin/users/{user.id}/sessions/revoke")
        assert r.status_code == 204, r.text
        assert await closed_with(ws) == REVOKED


async def test_a_deactivated_account_loses_its_sockets(server: LiveServer) -> None:
    world = await make_world(server.app)
    user, _ = await make_bidder(server.app, world.session)
    token = await token_for(user)
    async with server.connect(token) as ws:
        await recv(ws, "welcome")
        async with in_transaction() as conn:  # suspension: the account is switched off (no route yet)
            await User.filter(id=user.id).using_db(conn).update(is_active=False)
            await identity_changed(conn, user.id, "account_deactivated")
        assert await closed_with(ws) == REVOKED


async def test_a_removed_role_is_dropped_from_the_open_socket(server: LiveServer) -> None:
    world = await make_world(server.app, kind="onsite")
    lot = world.lots[0]
    token = await token_for(world.auctioneer)
    async with server.connect(token) as ws:
        await recv(ws, "welcome")
        async with in_transaction() as conn:  # what member removal / role revocation will do
            await Membership.filter(user_id=world.auctioneer.id, organisation_id=world.house.id).using_db(conn).delete()
            await identity_changed(conn, world.auctioneer.id, "member_removed", organisation_id=world.house.id)
        deadline = time.monotonic() + 1.0
        while True:  # the notice re-resolves the socket's principal; it stays open
            await send(ws, type="control", lot_id=lot.id, action="open")
            answer = await recv(ws, "control_result")
            if answer["reason"] == "not_house_staff" or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert (answer["status"], answer["reason"]) == ("rejected", "not_house_staff")


async def test_a_lost_notice_still_cannot_bid_with_a_dead_session(server: LiveServer) -> None:
    """The bus is not the record: a revocation whose notice never arrived is caught before the next bid."""
    world = await make_world(server.app)
    lot = world.lots[0]
    user, _ = await make_bidder(server.app, world.session)
    browser = Browser(server.url)
    await browser.login(str(user.email))
    async with browser.socket(server.ws_url) as ws:
        await recv(ws, "welcome")
        await Session.filter(user_id=user.id).update(revoked_at=datetime.now(UTC))  # no notice
        await asyncio.sleep(server.app.state.services.identities.recheck_seconds + 0.1)
        await ws.send(json.dumps({"type": "bid", "lot_id": lot.id, "client_bid_id": "idn-lost-01", "amount": 100_000}))
        assert await closed_with(ws) == REVOKED
    assert await Bid.filter(lot_id=lot.id).count() == 0
