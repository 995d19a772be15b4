"""Revocation reaches sockets on every process: two `marketplace serve` processes on PostgreSQL + Redis.

A user logs out (and revokes a token) through process A; the sockets opened with that session or token
on process B close with `4010 credentials_revoked` within a second, through the outbox and the Redis bus.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from marketplace.app import create_app
from marketplace.settings import Settings
from tests.conftest import PG_URL, REDIS_URL
from tests.integration.auctions.test_scale_out import cluster, orm  # noqa: F401 - fixtures
from tests.support import PASSWORD, make_member, make_org

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL),
    reason="scale-out needs DATABASE_URL (PostgreSQL) and REDIS_URL: runs in the production-profile pass",
)


async def _closed_within(ws: Any, seconds: float) -> tuple[int, str]:
    deadline = time.monotonic() + seconds
    with pytest.raises(ConnectionClosed) as info:
        while True:
            await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
    assert info.value.rcvd is not None
    return info.value.rcvd.code, info.value.rcvd.reason


async def test_logout_and_token_revocation_on_one_process_close_sockets_on_the_other(
    orm: Settings,  # noqa: F811
    cluster: dict[str, Any],  # noqa: F811
) -> None:
    app = create_app(orm, manage_db=False)  # only for its password hasher
    member = await make_member(app, await make_org("dealer"), ["buyer"], "twoproc")
    port_a, port_b = cluster["ports"]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port_a}") as http:
        # The servers run with production cookies (Secure), which httpx keeps off plain http: sent by hand.
        anon = (await http.get("/api/auth/csrf")).json()["csrf_token"]
        login = await http.post(
            "/api/auth/login",
            json={"login": member.login, "password": PASSWORD},
            headers={"X-CSRF-Token": anon, "Cookie": f"mp_csrf={anon}"},
        )
        assert login.status_code == 200, login.text
        session_cookie, csrf_token = login.cookies["mp_session"], login.cookies["mp_csrf"]
        http.cookies.clear()
        csrf = {"X-CSRF-Token": csrf_token, "Cookie": f"mp_session={session_cookie}; mp_csrf={csrf_token}"}
        created = (await http.post("/api/tokens", json={"name": "bot", "scopes": ["read", "bid"]}, headers=csrf)).json()
        on_b = f"ws://127.0.0.1:{port_b}/ws"
        async with (
            connect(on_b, additional_headers={"Cookie": f"mp_session={session_cookie}"}, ping_interval=None) as page,
            connect(
                on_b, additional_headers={"Authorization": f"Bearer {created['token']}"}, ping_interval=None
            ) as bot,
        ):
            for ws in (page, bot):
                assert '"welcome"' in str(await ws.recv())
            assert (await http.delete(f"/api/tokens/{created['id']}", headers=csrf)).status_code == 204
            assert await _closed_within(bot, 1.0) == (4010, "credentials_revoked")
            assert (await http.post("/api/auth/logout", headers=csrf)).status_code == 204
            assert await _closed_within(page, 1.0) == (4010, "credentials_revoked")
