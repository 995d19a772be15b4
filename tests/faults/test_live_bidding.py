"""Live bidding through faults, as deployed: two app processes and a worker on private PostgreSQL and
Redis, bidders and watchers over WebSockets, while Redis is stopped, frozen and restarted empty and
PostgreSQL is killed twice.

Checked afterwards: every acknowledged bid is in the database, no watcher saw a gap, the lots closed on
time, every queued job ran, HTTP answered 503 `service_unavailable` (never 500) during the outages,
and every process recovered without a manual step.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tortoise.transactions import in_transaction
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from auctions.models import BidReceipt, Lot, LotEvent, SaleRecord
from marketplace.app import create_app
from marketplace.outbox.events import record_event
from marketplace.outbox.models import OutboxDelivery
from marketplace.settings import Settings
from tests.faults.conftest import Worker, eventually, process_env
from tests.faults.servers import PostgresServer, RedisServer, free_port
from tests.support_auctions import make_bidder, make_world, set_end, token_for

LOG = logging.getLogger(__name__)
BIDDING_SECONDS = 34.0  # the faults below take about 25 s of it
STEP = 10_000


@dataclass
class Record:
    acked: list[tuple[int, str]] = field(default_factory=list)  # (user id, client bid id) answered accepted
    unavailable: int = 0
    http: Counter[tuple[int, str]] = field(default_factory=Counter)
    gaps: list[str] = field(default_factory=list)
    watched: dict[tuple[int, int], int] = field(default_factory=dict)  # (watcher, lot) -> last seq
    sold_at: dict[int, int] = field(default_factory=dict)  # lot -> `at` of its closing event


class App:
    def __init__(self, settings: Settings, name: str) -> None:
        Path(settings.var_dir).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(settings.var_dir) / f"{name}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "marketplace", "serve", "--port", str(self.port)],
            env=process_env(settings),
            cwd=settings.var_dir,
            stdout=subprocess.DEVNULL,
            stderr=self.log_path.open("wb"),
        )

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


async def _bidder(app: App, token: str, user_id: int, lots: list[int], stop_at: float, rec: Record) -> None:
    ids = itertools.count()
    pending: dict[str, Any] | None = None
    nxt = dict.fromkeys(lots, 100_000)
    turn = itertools.cycle(lots)
    while time.monotonic() < stop_at:
        try:
            async with connect(
                app.ws_url, additional_headers={"Authorization": f"Bearer {token}"}, ping_interval=None, open_timeout=3
            ) as ws:
                while time.monotonic() < stop_at:
                    if pending is None:
                        lot = next(turn)
                        pending = {
                            "type": "bid",
                            "lot_id": lot,
                            "client_bid_id": f"u{user_id}-{next(ids):05d}",
                            "amount": nxt[lot],
                        }
                    await ws.send(json.dumps(pending))  # the same id until it is decided (the protocol's rule)
                    async with asyncio.timeout(5):
                        while True:
                            msg = json.loads(await ws.recv())
                            if msg.get("type") == "bid_result" and msg["client_bid_id"] == pending["client_bid_id"]:
                                break
                    if msg["status"] == "unavailable":
                        rec.unavailable += 1
                        await asyncio.sleep(msg["retry_after_ms"] / 1000 / 4)
                        continue
                    if msg["status"] == "accepted":
                        rec.acked.append((user_id, pending["client_bid_id"]))
                    if msg.get("next_minimum"):
                        nxt[pending["lot_id"]] = int(msg["next_minimum"])
                    pending = None
                    await asyncio.sleep(0.15)
        except (ConnectionClosed, InvalidStatus, OSError, TimeoutError):
            await asyncio.sleep(0.3)  # reconnect; an unanswered bid is sent again with its id


async def _watcher(n: int, app: App, lots: list[int], stop: asyncio.Event, rec: Record) -> None:
    last: dict[int, int] = {}

    def take(lot: int, seq: int, event: dict[str, Any] | None) -> None:
        have = last.get(lot)
        if have is not None and seq <= have:
            return  # a duplicate is harmless
        if have is not None and seq != have + 1:
            rec.gaps.append(f"watcher {n} lot {lot}: {have} -> {seq}")
        last[lot] = seq
        rec.watched[(n, lot)] = seq
        if event and event.get("type") in ("sold", "passed", "conditional"):
            rec.sold_at[lot] = int(event["at"])

    while not stop.is_set():
        try:
            async with connect(app.ws_url, ping_interval=None, open_timeout=3) as ws:
                for lot in lots:
                    resume = {"last_seq": last[lot]} if lot in last else {}
                    await ws.send(json.dumps({"type": "subscribe", "lot_id": lot, **resume}))
                while not stop.is_set():
                    try:
                        async with asyncio.timeout(1):
                            msg = json.loads(await ws.recv())
                    except TimeoutError:
                        continue
                    kind = msg.get("type")
                    if kind == "snapshot":
                        if msg["lot_id"] in last and msg["seq"] > last[msg["lot_id"]]:
                            rec.gaps.append(f"watcher {n} lot {msg['lot_id']}: snapshot instead of replay")
                        last.setdefault(msg["lot_id"], msg["seq"])
                        rec.watched[(n, msg["lot_id"])] = last[msg["lot_id"]]
                    elif kind == "replay":
                        for item in msg["events"]:
                            take(msg["lot_id"], item["seq"], item["event"])
                    elif kind == "event":
                        take(msg["lot_id"], msg["seq"], msg["event"])
        except (ConnectionClosed, InvalidStatus, OSError, TimeoutError):
            await asyncio.sleep(0.3)


async def _probe(apps: list[App], token: str, stop: asyncio.Event, rec: Record) -> None:
    async with httpx.AsyncClient(timeout=3, headers={"Authorization": f"Bearer {token}"}) as http:
        for app in itertools.cycle(apps):
            if stop.is_set():
                return
            try:
                r = await http.get(f"{app.url}/api/me")
                code = r.json()["error"]["code"] if r.status_code >= 400 else ""
                rec.http[(r.status_code, code)] += 1
                if r.status_code == 503:
                    assert r.headers.get("Retry-After"), r.headers
            except httpx.TimeoutException:
                rec.http[(0, "timeout")] += 1
            await asyncio.sleep(0.1)


async def _jobs(stop: asyncio.Event, owed: list[int]) -> None:
    """Keep work flowing through the outbox to the worker, through the faults (`listings.index`)."""
    n = 0
    while not stop.is_set():
        n += 1
        with contextlib.suppress(Exception):  # the database may be down: that event was never committed
            async with in_transaction() as conn:
                await record_event(conn, "listing.changed", {"listing_id": 800_000 + n, "change": "edited"})
            owed.append(n)
        await asyncio.sleep(0.5)


async def _faults(redis: RedisServer, pg: PostgresServer) -> list[str]:
    done: list[str] = []

    async def step(name: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        done.append(name)

    await step("warm up", 3)
    redis.stop()
    await step("redis stopped 4 s", 4)
    redis.start()  # empty: no persistence
    await step("redis back (empty)", 3)
    redis.freeze()
    await step("redis frozen 3 s", 3)
    redis.thaw()
    await step("redis thawed", 2)
    for n in (1, 2):
        pg.kill()
        await step(f"postgres killed ({n})", 2)
        await asyncio.to_thread(pg.start)
        await step(f"postgres back ({n})", 3)
    redis.stop()
    redis.start()
    await step("redis restarted empty", 1)
    return done


async def test_live_bidding_rides_out_redis_and_postgres_faults(
    fault_db: Settings, redis_server: RedisServer, pg_server: PostgresServer
) -> None:
    settings = fault_db
    builder = create_app(settings)  # only for its services (password hasher, payments) in the fixtures
    world = await make_world(builder, lots=2, terms={"soft_close_seconds": 0})
    lots = [lot.id for lot in world.lots]
    bidders = [await make_bidder(builder, world.session) for _ in range(4)]
    tokens = [await token_for(user) for user, _ in bidders]

    apps = [App(settings, "app1"), App(settings, "app2")]
    worker = Worker(settings)
    rec = Record()
    try:
        for app in apps:

            async def ready(app: App = app) -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    async with httpx.AsyncClient(timeout=1) as http:
                        return (await http.get(f"{app.url}/readyz")).status_code == 200
                return False

            await eventually(ready, timeout=30)
        ends_at_ms = int(time.time() * 1000 + (BIDDING_SECONDS + 4) * 1000)
        for lot in world.lots:
            await set_end(lot, ends_at_ms)

        stop = asyncio.Event()
        stop_bidding = time.monotonic() + BIDDING_SECONDS
        owed: list[int] = []
        background = [
            *[asyncio.create_task(_watcher(n, apps[n % 2], lots, stop, rec)) for n in range(2)],
            asyncio.create_task(_probe(apps, tokens[0], stop, rec)),
            asyncio.create_task(_jobs(stop, owed)),
        ]
        bidding = [
            asyncio.create_task(_bidder(apps[i % 2], tokens[i], bidders[i][0].id, lots, stop_bidding, rec))
            for i in range(len(tokens))
        ]
        steps = await _faults(redis_server, pg_server)
        await asyncio.gather(*bidding)
        assert len(steps) == 10
        assert worker.alive(), worker.log

        # The lots close on time, from whichever process gets there first (the sweepers, arq's fast path).
        async def closed() -> bool:
            return not await Lot.filter(id__in=lots, status="open").exists()

        await eventually(closed, timeout=15)
        await eventually(lambda: all(lot in rec.sold_at for lot in lots), timeout=10)
        stop.set()
        await asyncio.gather(*background)

        # No acknowledged bid lost.
        assert len(rec.acked) >= 10, rec
        for user_id, client_id in rec.acked:
            receipt = await BidReceipt.get_or_none(user_id=user_id, client_bid_id=client_id)
            assert receipt is not None, (user_id, client_id)
            assert receipt.response["status"] == "accepted", (user_id, client_id)
        LOG.info("%d bids acknowledged, %d answered unavailable, HTTP %s", len(rec.acked), rec.unavailable, rec.http)
        assert rec.unavailable > 0  # the outages were met, and answered as outages

        # No watcher gap, and every watcher reached each lot's last event.
        assert rec.gaps == []
        for lot in lots:
            head = max(await LotEvent.filter(lot_id=lot).values_list("seq", flat=True))
            assert rec.watched[(0, lot)] == rec.watched[(1, lot)] == head

        # Closed on time: the closing event within 3 s of the end (no bid extended it: soft close off).
        for lot in lots:
            assert 0 <= rec.sold_at[lot] - ends_at_ms < 3_000, (lot, rec.sold_at[lot] - ends_at_ms)
            assert await SaleRecord.filter(lot_id=lot).count() <= 1  # closed once

        # Every queued job ran: each committed event's `listings.index` delivery is done.
        async def all_done() -> bool:
            return not await OutboxDelivery.filter(done_at=None).exists()

        try:
            await eventually(all_done, timeout=30)
        except AssertionError:
            owed_rows = await OutboxDelivery.filter(done_at=None).values("job", "attempts", "due_at", "last_error")
            raise AssertionError(f"deliveries still owed: {owed_rows}\nworker log:\n{worker.log[-4000:]}") from None
        assert await OutboxDelivery.filter(job="listings.index").count() == len(owed)

        # Outages answered 503 service_unavailable, never 500; recovery needed no manual step.
        assert rec.http[(503, "service_unavailable")] > 0, rec.http
        assert not [k for k in rec.http if k[0] == 500], rec.http
        async with httpx.AsyncClient(timeout=3) as http:
            for app in apps:
                assert app.proc.poll() is None, app.log
                assert (await http.get(f"{app.url}/readyz")).status_code == 200
        assert worker.alive(), worker.log
        for log in (worker.log, *(app.log for app in apps)):
            assert "Traceback" not in log, log[-5000:]
    finally:
        for app in apps:
            app.stop()
        worker.stop()
