"""`make bench-stats`: the annual report over the national dataset, against DuckDB on the same rows.

    python -m benchmarks.stats [--scale 1] [--requests 300] [--reimport] [--per-row]

Scale 1 is the calibrated national dataset: 702,500 sales in 2023 and 640,000 in 2022 (`benchmarks/stats/data.py`;
--scale 10 multiplies it, --scale 0.1 divides it). The embedded default (SQLite in a temporary directory), or with
DATABASE_URL a fresh database on that PostgreSQL server (dropped at the end). In one run:

1. the rows are written as a house's two submission files (sessions.csv, sales.csv);
2. they are imported through the real import service (`import_submission`, both passes, approved): rows/s;
   --reimport imports the same files again (nothing may change: created = updated = 0);
3. the 2023 release is built from the stored rows (`reports.publish`: both years' levels, rankings, growth);
   --per-row also times the per-row reference path (`levels_by_rows`) and checks it gives the same document;
4. the published report is read over HTTP through the real app (httpx over ASGI), --requests times: p50/p95;
5. DuckDB computes the same levels from the same CSV files (and again from a table it loaded), folded into the
   same document: it must equal the published one, or the comparison is meaningless and the run fails.

The targets (issue 11): reading a published report ≤ 1× DuckDB's time to compute it; building a release from
raw rows ≤ 3× DuckDB; import ≥ 50,000 rows/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from benchmarks.stats import data, duck
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from marketplace.stats.domain.periods import Period
from marketplace.stats.models import ReportingHouse
from marketplace.stats.services import reports
from marketplace.stats.services.imports import ImportReport, Upload, import_submission

console = Console(stderr=True, highlight=False)
YEAR = 2023
K = 5  # a published release suppresses province cells of fewer sales (as `publish` does by default)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def canonical(doc: Any) -> Any:
    return json.loads(json.dumps(doc, default=str, sort_keys=True))


async def fresh_database() -> tuple[str, str | None]:
    """(DATABASE_URL to use, name of a database to drop at the end)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "", None
    import asyncpg

    name = f"bench_stats_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return f"{url.rpartition('/')[0]}/{name}", name


async def drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def timed_import(bar: Progress, sessions: Path, sales: Path, label: str) -> tuple[ImportReport, float]:
    tasks: dict[str, Any] = {}

    def progress(stage: str, done: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(f"{label}: {stage}", total=None)
        bar.update(tasks[stage], completed=done)

    started = time.perf_counter()
    files = Upload(lambda: sessions.open("rb"), "csv"), Upload(lambda: sales.open("rb"), "csv")
    report = await import_submission(*files, approve=True, progress=progress)
    took = time.perf_counter() - started
    if report.error_count or not report.imported:
        raise SystemExit(f"the import refused the generated files: {report.errors[:5]}")
    return report, took


async def main(args: argparse.Namespace) -> None:
    var = Path(tempfile.mkdtemp(prefix="bench-stats-"))
    url, to_drop = await fresh_database()
    profile = "PostgreSQL" if url else "embedded (SQLite)"
    settings = load_settings(
        var_dir=var,
        database_url=url or f"sqlite://{var / 'bench.db'}",
        redis_url=os.environ.get("REDIS_URL") or None,
        redis_namespace=f"bench-{uuid.uuid4().hex[:8]}",
        frontend_dist=var / "none",
        log_json=False,
    )
    rows: list[tuple[str, str, str]] = []
    try:
        await db.migrate(settings)
        app = create_app(settings)
        async with LifespanManager(app):
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console) as bar:  # fmt: skip
                task = bar.add_task("writing the files (sales rows)", total=None)
                started = time.perf_counter()
                sessions_csv, sales_csv, n_sales = data.write(var, args.scale, lambda n: bar.update(task, completed=n))
                bar.update(task, completed=n_sales)
                console.print(f"files: {n_sales:,} sales in {time.perf_counter() - started:.1f} s")
                report, took = await timed_import(bar, sessions_csv, sales_csv, "import")
                n_rows = report.sessions_read + report.sales_read
                rows.append(("import (both passes)", f"{n_rows:,} rows in {took:.1f} s = {n_rows / took:,.0f} rows/s",
                             f"{n_rows / took / 50_000:.2f}× of ≥ 50,000 rows/s"))  # fmt: skip
                if args.reimport:
                    again, took2 = await timed_import(bar, sessions_csv, sales_csv, "again")
                    assert (again.created, again.updated, again.submission_id) == (0, 0, None), again
                    rows.append(("import the same files again", f"{n_rows / took2:,.0f} rows/s, {again.unchanged:,}"
                                 " unchanged, nothing written", ""))  # fmt: skip

            period = Period.whole_year(YEAR)
            started = time.perf_counter()
            release = await reports.publish(period, datetime.now(UTC) - timedelta(seconds=1), "bench", None, K)
            build_s = time.perf_counter() - started
            published = canonical(release.document)
            if args.per_row:
                started = time.perf_counter()
                current = await reports.levels_by_rows(period)
                base = await reports.levels_by_rows(period.year_earlier())
                slow = canonical(reports.document_of(period, current, base, K))
                per_row_s = time.perf_counter() - started
                assert slow == published, "the per-row path and the SQL path disagree"

            latencies: list[float] = []
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=60) as http:
                for i in range(args.requests + 10):
                    t0 = time.perf_counter()
                    response = await http.get(f"/api/stats/annual/{YEAR}")
                    if i >= 10:  # the first ten warm the app up
                        latencies.append(time.perf_counter() - t0)
                    assert response.status_code == 200, response.text[:200]
            body = response.json()
            assert (body["version"], body["units"]) == (release.version, published["units"])

            house_ids = {name: str(i) for i, name in await ReportingHouse.all().values_list("id", "name")}
        peer = duck.run(sessions_csv, sales_csv, period, house_ids, K)
        for name, doc in (("from the CSV files", peer.from_files_doc), ("from its table", peer.from_table_doc)):
            if canonical(doc) != published:
                raise SystemExit(f"DuckDB's figures {name} differ from the published release: nothing to compare")
    finally:
        await db.close_db()
        if to_drop:
            await drop_database(to_drop)
        shutil.rmtree(var, ignore_errors=True)  # the files and the SQLite database: a gigabyte at scale 1

    p50, p95 = statistics.median(latencies) * 1000, pct(latencies, 95) * 1000
    rows.append(("build the release (SQL)", f"{build_s:.2f} s", f"{build_s / peer.from_files_s:.2f}× DuckDB (files)"
                 f", {build_s / peer.from_table_s:.1f}× DuckDB (table); target ≤ 3×"))  # fmt: skip
    if args.per_row:
        rows.append(("build, per-row reference path", f"{per_row_s:.2f} s", f"{per_row_s / build_s:.1f}× the SQL path"))
    rows.append((f"read the report (HTTP, n={len(latencies)})", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms",
                 f"p95 = {p95 / 1000 / peer.from_files_s:.3f}× DuckDB (files), "
                 f"{p95 / 1000 / peer.from_table_s:.2f}× DuckDB (table); target ≤ 1×"))  # fmt: skip
    rows.append(("DuckDB: figures from the CSV files", f"{peer.from_files_s:.2f} s", "the peer (same document)"))
    rows.append(("DuckDB: load its table / figures from it", f"{peer.load_s:.2f} s / {peer.from_table_s:.3f} s",
                 "(same document)"))  # fmt: skip
    load = os.getloadavg()
    print(f"\nbench-stats: scale {args.scale:g} ({n_sales:,} sales, {YEAR - 1}+{YEAR}), {profile}; "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    for name, value, ratio in rows:
        print(f"  {name:<{width}}  {value:<{value_width}}  {ratio}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the national dataset; 10 = ten times it")
    parser.add_argument("--requests", type=int, default=300, help="report reads over HTTP (after 10 to warm up)")
    parser.add_argument("--reimport", action="store_true", help="import the same files a second time")
    parser.add_argument("--per-row", action="store_true", help="also time the per-row reference path")
    asyncio.run(main(parser.parse_args()))
