"""Scale-out on PostgreSQL + Redis: two `marketplace serve` processes and a `marketplace worker`.

A bid taken by process A reaches a watcher on process B; A dies right after taking the lot's last
bid inside the soft-close window; the lot still closes exactly once, within a second of its
(extended, capped) end, and no bid is accepted after it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from auctions.models import Bid, Lot, LotEvent, SaleRecord
from auctions.services.clock import now_ms
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import Settings
from tests.conftest import PG_URL, REDIS_URL
from tests.support_auctions import make_bidder, make_world, set_end, token_for

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL),
    reason="scale-out needs DATABASE_URL (PostgreSQL) and REDIS_URL: runs in the production-profile pass",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(settings: Settings, var_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return {
        **base,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "REDIS_NAMESPACE": settings.redis_namespace,
        "VAR_DIR": str(var_dir),
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
        "FRONTEND_DIST": str(var_dir / "no-frontend"),
    }


@pytest.fixture
def cluster(settings: Settings, tmp_path: Path) -> Iterator[dict[str, Any]]:
    env = _env(settings, tmp_path)
    ports = [_free_port(), _free_port()]
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "marketplace", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for name, args in (
            ("a", ["serve", "--port", str(ports[0])]),
            ("b", ["serve", "--port", str(ports[1])]),
            ("worker", ["worker"]),
        )
    }
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("servers did not start: " + str(procs["a"].stderr))
                time.sleep(0.1)
        yield {"procs": procs, "ports": ports}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
async def orm(settings: Settings) -> AsyncIterator[Settings]:
    from tortoise.contrib.test import truncate_all_models

    await db.init_db(settings)
    await truncate_all_models()
    try:
        yield settings
    finally:
        await db.close_db()


async def _next(ws: Any, type_: str, timeout: float = 5.0) -> dict[str, Any]:
    while True:
        msg = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if msg["type"] == type_:
            return dict(msg)


async def _bid(ws: Any, lot_id: int, cid: str, amount: int) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "bid", "lot_id": lot_id, "client_bid_id": cid, "amount": amount}))
    return await _next(ws, "bid_result")


async def test_two_processes_and_a_worker_close_once_on_time_after_a_crash(
    orm: Settings, cluster: dict[str, Any]
) -> None:
    app = create_app(orm, manage_db=False)  # only for its password hasher and payment port
    world = await make_world(app, terms={"soft_close_seconds": 2, "extension_cap_seconds": 2})
    lot = world.lots[0]
    (u1, r1), (u2, r2), (u3, r3) = [await make_bidder(app, world.session) for _ in range(3)]
    t1, t2, t3 = [await token_for(u) for u in (u1, u2, u3)]
    end = now_ms() + 4_000
    await set_end(lot, end)
    port_a, port_b = cluster["ports"]

    def url(port: int) -> str:
        return f"ws://127.0.0.1:{port}/ws"

    async with (
        connect(url(port_a), additional_headers={"Authorization": f"Bearer {t1}"}) as on_a,
        connect(url(port_b)) as watcher_b,
        connect(url(port_b), additional_headers={"Authorization": f"Bearer {t2}"}) as b2,
        connect(url(port_b), additional_headers={"Authorization": f"Bearer {t3}"}) as b3,
    ):
        await watcher_b.send(json.dumps({"type": "subscribe", "lot_id": lot.id}))
        await _next(watcher_b, "snapshot")
        # a bid taken by A reaches a watcher on B
        assert (await _bid(on_a, lot.id, "so-a-0001", 100_000))["status"] == "accepted"
        assert (await _next(watcher_b, "event"))["event"]["lot"]["leader"] == r1.paddle

        # A takes the last bid inside the soft-close window, then dies at once
        await asyncio.sleep(max(0.0, (end - 1_500 - now_ms()) / 1000))
        await _bid(b2, lot.id, "so-b2-0001", 110_000)
        last = await _bid(on_a, lot.id, "so-a-0002", 120_000)
        assert last["status"] == "accepted"
        assert last["ends_at"] > end
        os.killpg(cluster["procs"]["a"].pid, signal.SIGKILL)

        # bidders on B keep bidding through the (capped) end; nothing is accepted after the close
        answers: list[tuple[int, dict[str, Any]]] = []
        n = 0
        while now_ms() < end + 3_000:
            ws, cid = (b2, f"so-b2-{n:04d}x") if n % 2 == 0 else (b3, f"so-b3-{n:04d}x")
            minimum = answers[-1][1]["next_minimum"] if answers else 130_000
            answers.append((now_ms(), await _bid(ws, lot.id, cid, minimum)))
            n += 1
            await asyncio.sleep(0.1)
        sold = None
        while sold is None:
            msg = await _next(watcher_b, "event", timeout=3)
            if msg["event"]["type"] == "sold":
                sold = msg

    final = await Lot.get(id=lot.id)
    capped_end = end + 2_000
    assert final.status == "sold"
    closed_at = sold["event"]["at"]
    final_end = sold["event"]["lot"]["ends_at"]
    assert final_end <= capped_end
    assert final_end <= closed_at <= final_end + 1_000, (final_end, closed_at)
    sold_events = [e for e in await LotEvent.filter(lot_id=lot.id) if e.payload["type"] == "sold"]
    assert len(sold_events) == 1
    assert await SaleRecord.filter(lot_id=lot.id).count() == 1
    after = [a for t, a in answers if t >= closed_at]
    assert after
    assert all(a["status"] == "rejected" for a in after)
    for bid in await Bid.filter(lot_id=lot.id):
        assert int(bid.received_at.timestamp() * 1000) < final_end
    accepted_on_b = [a for _, a in answers if a["status"] == "accepted"]
    assert accepted_on_b, "bids on B were taken while the lot was open"
