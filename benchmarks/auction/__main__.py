"""Live-auction benchmark: W watchers + B bidders on one lot, and a many-lots mix, against the real stack
(`marketplace serve`) and against a bare `websockets` relay (the physical floor), in one run.

    python -m benchmarks.auction [--watchers 1000] [--bidders 50] [--bids 600] [--lots 100] [--lot-watchers 10]
                                 [--storm 50]

The replay storm runs the one-lot scenario again while `--storm` sockets keep asking for a 500-event replay
without ever reading (reconnecting when dropped), and reports the others' p99 against the calm run and the
app's memory before, during and after the storm.

The profile follows DATABASE_URL / REDIS_URL as for the app (a scratch PostgreSQL database is created).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)  # bid sent -> delivered to every watcher
    fanout: list[float] = field(default_factory=list)  # server decided (server_time) -> every watcher
    accepted: int = 0
    rejects: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    duplicates: int = 0
    lost_acks: int = 0
    seconds: float = 0.0
    rss_per_conn_kib: float | None = None
    storm: str = ""  # the replay storm's account, when there was one

    def line(self) -> str:
        q = statistics.quantiles(self.latencies, n=100) if len(self.latencies) >= 2 else [0.0] * 99
        f = statistics.quantiles(self.fanout, n=100) if len(self.fanout) >= 2 else [0.0] * 99
        return (
            f"{self.name:<30} bid->all p50 {q[49]:6.1f} p95 {q[94]:6.1f} p99 {q[98]:6.1f} ms | "
            f"fan-out p50 {f[49]:5.1f} p95 {f[94]:5.1f} p99 {f[98]:5.1f} ms\n{'':30} "
            f"accepted {self.accepted:5d} ({self.accepted / max(self.seconds, 1e-9):6.1f}/s)  "
            f"lost {self.lost} dup {self.duplicates} lost-acks {self.lost_acks}"
            + (f"  mem/conn {self.rss_per_conn_kib:.0f} KiB" if self.rss_per_conn_kib is not None else "")
            + (f"\n{'':34} rejects {dict(self.rejects)}" if self.rejects else "")
            + (f"\n{'':30} {self.storm}" if self.storm else "")
        )

    def p99(self, fanout: bool = False) -> float:
        data = self.fanout if fanout else self.latencies
        return statistics.quantiles(data, n=100)[98] if len(data) >= 2 else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def run_load(
    url: str,
    lots: list[int],
    watchers_per_lot: int,
    tokens: list[str],
    bids: int,
    name: str,
    pid: int | None,
    headers_for: Any,
    storm: int = 0,
    storm_rounds: int = 1,
) -> Result:
    """Watchers subscribe; bidders bid as fast as acks allow until `bids` attempts; measure delivery."""
    result = Result(name)
    arrivals: dict[tuple[int, int], list[float]] = {}
    walls: dict[tuple[int, int], list[float]] = {}
    decided: dict[tuple[int, int], float] = {}
    seen: dict[int, Counter[tuple[int, int]]] = {}
    sent_at: dict[tuple[int, str, int], float] = {}
    event_keys: dict[tuple[int, int], list[tuple[str, int]]] = {}
    heads: dict[int, int] = dict.fromkeys(lots, 0)
    bases: dict[int, int] = {}  # watcher -> the seq of its snapshot
    next_min: dict[int, int] = dict.fromkeys(lots, 1000000)
    base_rss = rss_kib(pid) if pid else 0

    async def watcher(i: int, lot: int, ready: asyncio.Event, done: asyncio.Event) -> None:
        async with connect(url, max_size=2**20, ping_interval=None, max_queue=None) as ws:
            await ws.send(json.dumps({"type": "subscribe", "lot_id": lot}))
            counter = seen.setdefault(i, Counter())
            while True:
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    if done.is_set() and all(counter[(lot, s)] for s in range(bases[i] + 1, heads[lot] + 1)):
                        return
                    continue
                now = time.perf_counter()
                wall = time.time() * 1000
                msg = json.loads(raw)
                if msg["type"] == "snapshot":
                    bases[i] = int(msg["seq"])  # a lot may start with history (the storm's)
                    ready.set()
                elif msg["type"] == "event":
                    key = (lot, msg["seq"])
                    counter[key] += 1
                    arrivals.setdefault(key, []).append(now)
                    walls.setdefault(key, []).append(wall)
                    decided.setdefault(key, float(msg["server_time"]))
                    if msg["event"]["type"] == "bid" and key not in event_keys:
                        event_keys[key] = [
                            (ln["paddle"], ln["amount"]) for ln in msg["event"]["lines"] if not ln["auto"]
                        ]
                    if done.is_set() and all(counter[(lot, s)] for s in range(bases[i] + 1, heads[lot] + 1)):
                        return
                elif msg["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))

    async def bidder(n: int, token: str, start: asyncio.Event, attempts: list[int]) -> None:
        rng = random.Random(n)
        paddle = str(101 + n)
        async with connect(url, additional_headers=headers_for(token), max_size=2**20, ping_interval=None) as ws:
            await start.wait()
            while attempts[0] > 0:
                attempts[0] -= 1
                lot = rng.choice(lots)
                amount = next_min[lot] + 100_000 * rng.choice([0, 0, 0, 1])
                cid = f"{paddle}-{uuid.uuid4().hex[:12]}"
                sent_at[(lot, paddle, amount)] = time.perf_counter()
                await ws.send(json.dumps({"type": "bid", "lot_id": lot, "client_bid_id": cid, "amount": amount}))
                while True:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if msg["type"] == "bid_result" and msg["client_bid_id"] == cid:
                        break
                if msg["status"] == "accepted":
                    result.accepted += 1
                    heads[lot] = max(heads[lot], msg["seq"])
                else:
                    result.rejects[msg.get("reason") or "?"] += 1
                next_min[lot] = max(next_min[lot], int(msg["next_minimum"]))

    done = asyncio.Event()
    readies = []
    watch_tasks = []
    i = 0
    for lot in lots:
        for _ in range(watchers_per_lot):
            ready = asyncio.Event()
            readies.append(ready)
            watch_tasks.append(asyncio.create_task(watcher(i, lot, ready, done)))
            i += 1
            if i % 100 == 0:
                await asyncio.sleep(0.05)  # do not stampede the accept queue
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    if pid:
        result.rss_per_conn_kib = (rss_kib(pid) - base_rss) / max(1, len(watch_tasks))
    start = asyncio.Event()
    attempts = [bids]
    rounds: list[int] = []  # RSS after each unmeasured storm round: does a storm add memory, or reuse it?

    async def storm_process() -> subprocess.Popen[bytes]:
        return await asyncio.to_thread(
            subprocess.Popen,
            [sys.executable, "-m", "benchmarks.auction.storm", url, str(lots[0]), str(storm), "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    for _ in range(storm_rounds - 1 if storm else 0):
        first = await storm_process()
        await asyncio.sleep(10.0)
        await asyncio.to_thread(first.communicate, b"")
        await asyncio.sleep(8.0)
        rounds.append(rss_kib(pid) if pid else 0)
    rss_before = rss_kib(pid) if pid else 0
    cpu_before, wall_before = (cpu_seconds(pid) if pid else 0.0), time.perf_counter()
    peak = [rss_before]
    stormers = None
    if storm:  # the lot's history is 500 events (prepare): each request asks for all of it
        stormers = await storm_process()
        # The storm is under way (its first sockets dropped and back) before the bids whose delivery is measured.
        await asyncio.sleep(10.0)

    async def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid) if pid else 0)
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    bid_tasks = [asyncio.create_task(bidder(n, t, start, attempts)) for n, t in enumerate(tokens)]
    await asyncio.sleep(0.5)
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*bid_tasks)
    result.seconds = time.perf_counter() - began
    done.set()
    await sampler
    app_cpu = (cpu_seconds(pid) if pid else 0.0) - cpu_before
    wall = time.perf_counter() - wall_before
    if pid:
        result.storm = f"server CPU {app_cpu:.1f} s over {wall:.0f} s"
    if stormers is not None:
        storm_cpu = cpu_seconds(stormers.pid)
        out, _ = await asyncio.to_thread(stormers.communicate, b"")
        storm_stats = json.loads(out or b"{}")
        await asyncio.sleep(8.0)  # dropped sockets' buffers and close timers run out
        result.storm = (
            f"replay storm: {storm} sockets, {storm_stats.get('requests', 0)} replay requests on "
            f"{storm_stats.get('connections', 0)} connections ({storm_stats.get('dropped', 0)} dropped by the server); "
            f"app RSS {rss_before / 1024:.0f} MiB before, {peak[0] / 1024:.0f} peak, "
            f"{(rss_kib(pid) if pid else 0) / 1024:.0f} after; CPU over the {wall:.0f} s: server {app_cpu:.1f} s, "
            f"stormers {storm_cpu:.1f} s"
            + (f"; RSS after earlier rounds {', '.join(f'{r / 1024:.0f}' for r in rounds)} MiB" if rounds else "")
        )
    try:
        await asyncio.wait_for(asyncio.gather(*watch_tasks), 30)
    except TimeoutError:
        for t in watch_tasks:
            t.cancel()
    for key, paddles in event_keys.items():
        got = arrivals.get(key, [])
        starts = [sent_at[(key[0], p, a)] for p, a in paddles if (key[0], p, a) in sent_at]
        if starts and len(got) >= watchers_per_lot:
            result.latencies.append((max(got) - min(starts)) * 1000)
            result.fanout.append(max(walls[key]) - decided[key])
    for idx, counter in seen.items():
        lot = lots[idx // watchers_per_lot]
        result.lost += sum(1 for s in range(bases.get(idx, 0) + 1, heads[lot] + 1) if counter[(lot, s)] == 0)
        result.duplicates += sum(c - 1 for c in counter.values() if c > 1)
    return result


def start_app(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "marketplace", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the app did not start")


async def prepare(env: dict[str, str], lots: int, bidders: int, history: int = 0) -> dict[str, Any]:
    from marketplace import db
    from marketplace.settings import load_settings

    settings = load_settings(database_url=env.get("DATABASE_URL"), var_dir=env["VAR_DIR"], redis_url=None)
    await db.migrate(settings)
    await db.init_db(settings)
    try:
        from benchmarks.auction.seed import seed, seed_history

        world = await seed(lots, bidders)
        if history:
            await seed_history(world["lots"][0], history)
        return world
    finally:
        await db.close_db()


async def scenario(
    args: argparse.Namespace,
    env: dict[str, str],
    lots: int,
    per_lot: int,
    bids: int,
    label: str,
    storm: int = 0,
) -> tuple[Result, Result | None]:
    world = await prepare(env, lots, args.bidders, history=500 if storm else 0)
    port = free_port()
    app = start_app(env, port)
    try:
        app_result = await run_load(
            f"ws://127.0.0.1:{port}/ws",
            world["lots"],
            per_lot,
            world["tokens"],
            bids,
            f"app {label}",
            app.pid,
            lambda t: {"Authorization": f"Bearer {t}"},
            storm=storm,
            storm_rounds=args.storm_rounds,
        )
    finally:
        app.terminate()
        try:
            app.wait(15)
        except subprocess.TimeoutExpired:  # it did not shut down gracefully (reported, then killed)
            print(f"app {label}: no graceful shutdown within 15 s; killed")
            app.kill()
            app.wait()
    if storm:
        return app_result, None  # the bare relay has no replays to storm
    bport = free_port()
    base = await asyncio.to_thread(
        subprocess.Popen, [sys.executable, "-m", "benchmarks.auction.baseline", str(bport)], stderr=subprocess.DEVNULL
    )
    await asyncio.sleep(1.0)
    try:
        base_result = await run_load(
            f"ws://127.0.0.1:{bport}",
            world["lots"],
            per_lot,
            world["tokens"],
            bids,
            f"bare relay {label}",
            base.pid,
            lambda t: {},
        )
    finally:
        base.terminate()
        base.wait(10)
    return app_result, base_result


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.auction", description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--bidders", type=int, default=50)
    parser.add_argument("--bids", type=int, default=400, help="bid attempts per scenario")
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--lot-watchers", type=int, default=10)
    parser.add_argument("--storm", type=int, default=50, help="replay-storm sockets (0: skip that scenario)")
    parser.add_argument(
        "--storm-rounds", type=int, default=1, help="storms in all: RSS after each; the last is measured"
    )
    parser.add_argument("--skip-many", action="store_true", help="skip the many-lots scenario")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-auction-"))
    env = {
        **os.environ,
        "VAR_DIR": str(tmp),
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
        "REDIS_NAMESPACE": f"bench{uuid.uuid4().hex[:6]}",
    }
    pg = os.environ.get("DATABASE_URL")
    scratch = None
    if pg:
        import asyncpg

        scratch = f"bench_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(pg.replace("postgres://", "postgresql://", 1))
        await conn.execute(f'CREATE DATABASE "{scratch}"')
        await conn.close()
        env["DATABASE_URL"] = pg.rsplit("/", 1)[0] + "/" + scratch
    profile = "PostgreSQL + Redis" if pg else "embedded (SQLite, in-process bus)"
    print(f"profile: {profile}; {os.cpu_count()} cores")
    try:
        one_app, one_base = await scenario(args, env, 1, args.watchers, args.bids, f"1 lot x {args.watchers} w")
        many_app, many_base = (
            await scenario(
                args, env, args.lots, args.lot_watchers, args.bids, f"{args.lots} lots x {args.lot_watchers} w"
            )
            if not args.skip_many
            else (None, None)
        )
        stormy = None
        if args.storm:
            label = f"1 lot x {args.watchers} w + storm"
            stormy, _ = await scenario(args, env, 1, args.watchers, args.bids, label, storm=args.storm)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the run's SQLite database and files: nothing is left in /tmp
        if scratch and pg:
            import asyncpg

            conn = await asyncpg.connect(pg.replace("postgres://", "postgresql://", 1))
            await conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            await conn.close()
    for r in (one_app, one_base, many_app, many_base, stormy):
        if r is not None:
            print(r.line())
    if stormy is not None:
        print(
            "replay storm: others' p99 during / without it, 1 lot: "
            f"bid->all {stormy.p99() / max(one_app.p99(), 1e-9):.2f}, "
            f"fan-out {stormy.p99(True) / max(one_app.p99(True), 1e-9):.2f}"
        )
    for label, app_r, base_r in (("1 lot", one_app, one_base), ("many lots", many_app, many_base)):
        if app_r is None or base_r is None:
            continue
        print(
            f"p99 ratio app / bare relay, {label}: fan-out {app_r.p99(True) / max(base_r.p99(True), 1e-9):.2f} "
            f"(target <= 3), bid->all {app_r.p99() / max(base_r.p99(), 1e-9):.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
