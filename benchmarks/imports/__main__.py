"""`make bench-import`: /healthz latency while hostile and honest spreadsheets are imported.

    python -m benchmarks.imports [--rounds 3]

One app in this process (httpx over ASGI, the embedded default in a temporary directory, or PostgreSQL
and Redis from DATABASE_URL / REDIS_URL). /healthz is asked every 10 ms while each file is imported;
the same files are then parsed on the event loop itself (`sheets.read` called directly: the bounded
parser, as the server ran it before the work moved to worker processes) to show what that costs the
loop in the same run. The numbers are /healthz latencies in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from tests.support import make_certificate, make_member, make_org
from tests.support_sheets import empty_rows_xlsx, sparse_rows_xlsx, zip_bomb_xlsx

from listings.domain import sheets
from listings.domain.vin import with_check_digit
from marketplace import db
from marketplace.accounts import sessions
from marketplace.app import create_app
from marketplace.settings import Settings, load_settings

XLSX = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def honest_rows(n: int) -> bytes:
    rows = [{"vin": with_check_digit(f"LBV5S1100MB{i:06d}"), "make": "丰田", "model": "卡罗拉",
             "energy_type": "hev", "price_yuan": "86000", "title": "卡罗拉 双擎"} for i in range(n)]  # fmt: skip
    return sheets.write_xlsx(rows)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def poll_while(http: httpx.AsyncClient, work: Callable[[], Awaitable[Any]]) -> tuple[list[float], float]:
    started = time.perf_counter()
    task = asyncio.ensure_future(work())
    await asyncio.sleep(0)
    latencies: list[float] = []
    due = time.perf_counter()
    while True:
        # Timed from when the request was due (10 ms after the last answer), not from when the loop got
        # round to sending it: a blocked loop delays the sending too. One more after the work ends.
        await http.get("/healthz")
        end = time.perf_counter()
        latencies.append((end - due) * 1000)
        if task.done():
            break
        await asyncio.sleep(0.01)
        due = end + 0.01
    await task
    return latencies, (time.perf_counter() - started) * 1000


def line(name: str, latencies: list[float], took_ms: float) -> str:
    if not latencies:
        return f"{name:<34} work {took_ms:8.0f} ms   /healthz not asked"
    return (
        f"{name:<34} work {took_ms:8.0f} ms   /healthz n={len(latencies):<4} p50 {statistics.median(latencies):7.1f}"
        f"  p99 {pct(latencies, 99):7.1f}  max {max(latencies):7.1f}"
    )


async def main(rounds: int) -> None:
    import os

    var = Path(tempfile.mkdtemp(prefix="bench-import-"))
    settings = load_settings(
        var_dir=var,
        database_url=os.environ.get("DATABASE_URL") or f"sqlite://{var / 'bench.db'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        redis_namespace=f"bench-{uuid.uuid4().hex[:8]}",
        frontend_dist=var / "none",
        log_json=False,
    )
    try:
        await db.migrate(settings)
        await run(settings, rounds)
    finally:
        shutil.rmtree(var, ignore_errors=True)  # the run's SQLite database and files: nothing is left in /tmp


async def run(settings: Settings, rounds: int) -> None:
    app = create_app(settings)
    async with LifespanManager(app):
        org = await make_org("dealer")
        member = await make_member(app, org, ["dealer_admin"], "bench")
        await make_certificate(org, member.user, status="verified")
        _, token = await sessions.create_token(member.user.id, "bench", ["read", "write"], "127.0.0.1")
        headers = {"Authorization": f"Bearer {token}", **XLSX}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as http:
            url = f"/api/dealers/{org.id}/inventory/import?format=xlsx"
            files = {
                "3,000,000 padded rows (5 kB)": sparse_rows_xlsx(3_000_000),
                "300,000 empty rows (~700 kB)": empty_rows_xlsx(300_000),
                "zip bomb, 200 MB unpacked": zip_bomb_xlsx(200 * 1024 * 1024),
                "honest, 2,000 cars": honest_rows(2_000),
            }
            await http.post(url, content=honest_rows(1), headers=headers)  # start the worker pool
            idle, took = await poll_while(http, lambda: asyncio.sleep(1))
            print(line("idle (1 s)", idle, took))
            for r in range(rounds):
                print(f"-- round {r + 1}: imported through the API (worker processes)")
                for name, data in files.items():
                    print(
                        line(name, *await poll_while(http, lambda d=data: http.post(url, content=d, headers=headers)))
                    )
                print(f"-- round {r + 1}: the same parsing on the event loop (the baseline)")
                for name, data in files.items():

                    async def on_loop(d: bytes = data) -> None:
                        await asyncio.sleep(0.02)  # let the poller ask once first
                        with contextlib.suppress(sheets.SheetError):
                            sheets.read(d, "xlsx")

                    print(line(name, *await poll_while(http, on_loop)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main(parser.parse_args().rounds))
