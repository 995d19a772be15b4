"""`marketplace stats …`: import submissions, print a report, load the national demo dataset."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(soft_wrap=True, highlight=False, stderr=True)


def _settings() -> Any:
    # Not marketplace.cli's: importing the command module would pull in every domain package (see pyproject).
    from marketplace.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise SystemExit(2) from None


def _run(fn: Callable[[], Any]) -> Any:
    from marketplace import db

    settings = _settings()

    async def go() -> Any:
        await db.init_db(settings)
        try:
            return await fn()
        finally:
            await db.close_db()

    return asyncio.run(go())


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)  # fmt: skip


def cmd_import(args: argparse.Namespace) -> int:
    from marketplace.errors import PayloadTooLarge
    from marketplace.stats.services.imports import Upload, import_submission
    from marketplace.stats.services.sources import format_of

    def upload(path: Path | None) -> Upload | None:
        if path is None:
            return None
        if not path.is_file():
            console.print(f"[red]no such file: {path}[/red]")
            raise SystemExit(2)
        return Upload(lambda: path.open("rb"), format_of(path))

    sessions, sales = upload(args.sessions), upload(args.sales)
    if sessions is None and sales is None:
        console.print("[red]give --sessions, --sales or both[/red]")
        return 2
    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=None)
            bar.update(tasks[stage], completed=done)

        try:
            report = _run(lambda: import_submission(sessions, sales, good_rows_only=args.good_rows_only,
                                                    approve=args.approve, progress=progress))  # fmt: skip
        except PayloadTooLarge as exc:
            console.print(f"[red]{exc.code}[/red]: {exc.message}; nothing imported")
            return 1
    for err in report.errors:
        console.print(f"[red]line {err.line}, {err.column}: {err.reason}[/red] {err.value}")
    if report.error_count > len(report.errors):
        console.print(f"… and {report.error_count - len(report.errors)} more errors")
    for warning in report.warnings:
        console.print(f"[yellow]warning {warning.code}[/yellow] {warning.subject}: {warning.detail}")
    console.print(
        f"read {report.sessions_read} sessions and {report.sales_read} sales; "
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}; "
        f"{report.error_count} errors, {report.warning_count} warnings"
    )
    if not report.imported:
        console.print("[red]nothing imported[/red] (fix the rows, or --good-rows-only to import the rest)")
        return 1
    if report.submission_id is not None:
        console.print(f"submission {report.submission_id}: {report.status}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from marketplace.stats.domain.periods import Period
    from marketplace.stats.services import reports

    period = Period.whole_year(args.year)

    async def build() -> dict[str, Any]:
        if args.preview:
            return {**await reports.document(period), "version": None, "preview": True}
        release = await reports.visible_release(period, args.version, analyst=True, now=datetime.now(UTC))
        return {**release.document, "version": release.version, "embargo_until": release.embargo_until.isoformat()}

    from marketplace.errors import NotFound

    try:
        doc = _run(build)
    except NotFound:
        console.print(f"[red]no release for {args.year}[/red] (publish one, or --preview for approved data)")
        return 1
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from marketplace.stats.services.demo import load_national

    with _progress() as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        k = _settings().stats_small_cell_k
        written = _run(lambda: load_national(divisor=args.divisor, small_cell_k=k, progress=progress))
    console.print(f"[green]{written} sales loaded; releases 2022 and 2023 published[/green]")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("stats", help="industry statistics: import, report, demo data",
                       description="The association's statistics (docs/statistics.md).")  # fmt: skip
    stats = p.add_subparsers(dest="stats_command", required=True, metavar="SUBCOMMAND")
    q = stats.add_parser(
        "import",
        help="import a house's sessions and/or sales file (CSV or XLSX)",
        description="Check every row first (nothing changes while a file has bad rows), then import; the same file "
        "twice changes nothing. Formats: docs/statistics.md.",
    )
    q.add_argument("--sessions", type=Path, help="sessions file (.csv or .xlsx)")
    q.add_argument("--sales", type=Path, help="sales file (.csv or .xlsx)")
    q.add_argument("--approve", action="store_true", help="approve the submission (its warnings are listed)")
    q.add_argument("--good-rows-only", action="store_true", help="import the good rows of a file with bad ones")
    q.set_defaults(fn=cmd_import)
    q = stats.add_parser("report", help="print the annual report as JSON",
                         description="The latest published version of a year's report, or --preview.")  # fmt: skip
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--version", type=int, help="an older version")
    q.add_argument("--preview", action="store_true", help="computed now from approved, unpublished data")
    q.add_argument("--format", choices=["json"], default="json")
    q.set_defaults(fn=cmd_report)
    q = stats.add_parser(
        "demo",
        help="load the calibrated national dataset (2022-2023) and publish its releases",
        description="About 1.34 million sales at full size (a few minutes); --divisor 100 for a small demo.",
    )
    q.add_argument("--divisor", type=int, default=1, help="divide every count by this (default 1: full size)")
    q.set_defaults(fn=cmd_demo)
