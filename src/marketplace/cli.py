"""The `marketplace` command: serve, worker, migrate, makemigrations, demo, createuser, check, search, stats."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from marketplace.settings import Settings, SettingsError, load_settings

console = Console(soft_wrap=True, highlight=False)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        console.print(f"[red]{exc}[/red]")
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from marketplace.app import create_app
    from marketplace.web.http_protocol import with_header_limit
    from marketplace.web.middleware import configure_logging
    from marketplace.web.serving import WS_OPTIONS

    settings = _settings()
    configure_logging(settings.log_level, settings.log_json)
    host = args.host or settings.host
    port = args.port or settings.port
    console.print(f"Serving on [bold]http://{host}:{port}[/bold] ({settings.profile} profile)")
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        # httptools buffers headers without limit: this protocol answers 431 past MAX_HEADER_BYTES.
        http=with_header_limit(settings.max_header_bytes),
        **WS_OPTIONS,  # see marketplace.web.serving
        log_config=None,
        proxy_headers=args.proxy_headers,
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.redis_url:
        console.print("[yellow]No REDIS_URL: on the embedded default jobs run inside `marketplace serve`.[/yellow]")
        return 2
    from marketplace.web.middleware import configure_logging
    from marketplace.worker import HEARTBEAT_SECONDS, heartbeat_age, run_worker

    if args.alive:  # a container health check: is the worker on this VAR_DIR still running its loop?
        age = heartbeat_age(settings)
        return 0 if age is not None and age < 6 * HEARTBEAT_SECONDS else 1
    configure_logging(settings.log_level, settings.log_json)
    run_worker(settings, burst=args.burst)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from marketplace import db

    settings = _settings()
    with Progress(TextColumn("{task.description}"), BarColumn(), console=console) as progress:
        task = progress.add_task("migrations", total=None)

        def report(event: str, app_label: str, name: str) -> None:
            if event == "apply_done":
                progress.update(task, description=f"applied {app_label}.{name}")
                progress.advance(task)

        asyncio.run(db.migrate(settings, progress=report))
    console.print(f"[green]database up to date[/green]: {db.describe(settings)}")
    return 0


def cmd_makemigrations(args: argparse.Namespace) -> int:
    from marketplace import db

    settings = _settings()
    if args.check:
        pending = asyncio.run(db.pending_model_changes(settings))
        if pending:
            console.print(f"[red]models and committed migrations disagree; would create: {', '.join(pending)}[/red]")
            console.print("run `marketplace makemigrations` and commit the new files")
            return 1
        console.print("[green]models match the committed migrations[/green]")
        return 0
    for path in asyncio.run(db.make_migrations(settings, args.apps or None)):
        console.print(f"created {path}")
    return 0


async def _with_db(settings: Settings, fn: Any) -> Any:
    from marketplace import db

    await db.init_db(settings)
    try:
        return await fn()
    finally:
        await db.close_db()


def cmd_demo(args: argparse.Namespace) -> int:
    from marketplace.accounts.passwords import PasswordHasher
    from marketplace.demo import DEMO_PASSWORD, database_is_empty, existing_demo_accounts, load_demo

    settings = _settings()

    async def run() -> tuple[bool, list[Any]]:
        from marketplace.bootstrap import build_services

        if not await database_is_empty():
            return False, await existing_demo_accounts()
        return True, await load_demo(PasswordHasher(settings), files=build_services(settings).files)

    loaded, accounts = asyncio.run(_with_db(settings, run))
    console.print("[green]demo data loaded[/green]" if loaded else "database already has data; demo data not loaded")
    if accounts:
        console.print(f"demo accounts (password [bold]{DEMO_PASSWORD}[/bold]):")
        for acc in accounts:
            console.print(f"  {acc.role:<28} {acc.login:<22} {acc.organisation or ''}")
    return 0


def cmd_search_reindex(args: argparse.Namespace) -> int:
    from listings.services import indexing
    from marketplace.bootstrap import build_services

    settings = _settings()

    async def run() -> int:
        index = build_services(settings).search
        await index.start()
        try:
            with Progress(
                TextColumn("[bold]reindexing listings[/bold]"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                console=console,
            ) as progress:
                task = progress.add_task("reindex", total=None)
                return await indexing.reindex(
                    index, lambda done, total: progress.update(task, completed=done, total=total)
                )
        finally:
            await index.close()

    done = asyncio.run(_with_db(settings, run))
    console.print(
        f"[green]{done} published listings indexed[/green] ({'meilisearch' if settings.meili_url else 'embedded'})"
    )
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from marketplace.accounts.schemas import RegisterIn

    settings = _settings()
    password = args.password or os.environ.get("MARKETPLACE_PASSWORD") or getpass.getpass("Password: ")
    try:
        body = RegisterIn(email=args.email, mobile=args.mobile, password=password, display_name=args.name)
    except ValidationError as exc:
        for err in exc.errors():
            console.print(f"[red]{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}[/red]")
        return 2

    async def run() -> int:
        from tortoise.transactions import in_transaction

        from marketplace.accounts.audit import audit
        from marketplace.accounts.models import Membership, Organisation, User
        from marketplace.accounts.passwords import PasswordHasher

        if (body.email and await User.exists(email=body.email)) or (
            body.mobile and await User.exists(mobile=body.mobile)
        ):
            console.print("[red]a user with this login exists[/red]")
            return 1
        password_hash = await PasswordHasher(settings).hash(body.password)
        async with in_transaction() as conn:
            user = await User.create(
                email=body.email,
                mobile=body.mobile,
                display_name=body.display_name,
                password_hash=password_hash,
                using_db=conn,
            )
            if args.platform_admin:
                platform = await Organisation.filter(kind="platform").using_db(conn).first()
                if platform is None:
                    platform = await Organisation.create(
                        name="Platform", kind="platform", verification_status="verified", using_db=conn
                    )
                await Membership.create(
                    user_id=user.id, organisation_id=platform.id, roles=["platform_admin"], using_db=conn
                )
            await audit(
                "user.created_by_cli",
                actor=None,
                target=f"user:{user.id}",
                details={"platform_admin": bool(args.platform_admin)},
                conn=conn,
            )
        console.print(f"[green]created user {user.id}[/green] {body.email or body.mobile}")
        return 0

    return int(asyncio.run(_with_db(settings, run)))


def cmd_check(args: argparse.Namespace) -> int:
    from marketplace import db
    from marketplace.bootstrap import build_services

    settings = _settings()
    services = build_services(settings)
    failures = 0
    for key, value in services.describe().items():
        console.print(f"{key}: {value}")

    async def reach() -> list[tuple[str, str | None]]:
        results: list[tuple[str, str | None]] = []
        try:
            await db.init_db(settings)
            from tortoise import connections

            await connections.get("default").execute_query("SELECT 1")
            durability = await db.check_durability()
            results.append(("database", None))
            console.print(f"database durability: {durability}")
            pending = await db.pending_model_changes(settings)
            if pending:
                results.append(("migrations", f"model changes without migrations: {pending}"))
        except Exception as exc:
            results.append(("database", f"{type(exc).__name__}: {exc}"))
        finally:
            await db.close_db()
        if settings.redis_url:
            try:
                await services.bus.ping()
                await services.bus.close()
                results.append(("redis", None))
            except Exception as exc:
                results.append(("redis", f"{type(exc).__name__}: {exc}"))
        return results

    for name, error in asyncio.run(reach()):
        if error:
            failures += 1
            console.print(f"[red]{name}: unreachable or wrong: {error}[/red]")
        else:
            console.print(f"[green]{name}: reachable[/green]")
    return 1 if failures else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketplace",
        description="Used-vehicle auction and trade-listing marketplace. Settings come from the environment "
        "(DATABASE_URL, REDIS_URL, MEILI_URL, STRIPE_SECRET_KEY, HOST, PORT …) or a .env file; with none set it runs "
        "on the embedded default (SQLite in ./var, in-process pub/sub and jobs).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="serve the web app and API", description="Serve HTTP and WebSockets with uvicorn.")
    p.add_argument("--host", help="bind address (default: HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    p.add_argument("--proxy-headers", action="store_true", help="trust X-Forwarded-* from a load balancer")
    p.set_defaults(fn=cmd_serve)

    p = sub.add_parser(
        "worker",
        help="run the arq worker (production profile)",
        description="Run background jobs from Redis (needs REDIS_URL).",
    )
    p.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    p.add_argument("--alive", action="store_true", help="health check: exit 0 if this VAR_DIR's worker is running")
    p.set_defaults(fn=cmd_worker)

    p = sub.add_parser("migrate", help="apply database migrations", description="Apply every committed migration.")
    p.set_defaults(fn=cmd_migrate)

    p = sub.add_parser(
        "makemigrations",
        help="write migrations for model changes",
        description="Detect model changes and write migration files (developers).",
    )
    p.add_argument("--check", action="store_true", help="fail if models and committed migrations disagree")
    p.add_argument("apps", nargs="*", help="only these apps (marketplace, listings, auctions); default all")
    p.set_defaults(fn=cmd_makemigrations)

    p = sub.add_parser(
        "demo",
        help="load demo data into an empty database",
        description="Load demo organisations and one account per role; does nothing if data exists.",
    )
    p.set_defaults(fn=cmd_demo)

    p = sub.add_parser(
        "search",
        help="manage the listings search index",
        description="Manage the listings search index (embedded engine or Meilisearch).",
    )
    search_sub = p.add_subparsers(dest="search_command", required=True, metavar="SUBCOMMAND")
    q = search_sub.add_parser(
        "reindex",
        help="rebuild the index from the database (safe while the site serves)",
        description="Write every published listing into the search index in batches, with a progress bar, then remove "
        "documents that are no longer published. Searches keep being answered from the live index meanwhile.",
    )
    q.set_defaults(fn=cmd_search_reindex)

    p = sub.add_parser("createuser", help="create a user", description="Create a user from the command line.")
    p.add_argument("--email")
    p.add_argument("--mobile")
    p.add_argument("--name", required=True, help="display name")
    p.add_argument("--password", help="password (default: MARKETPLACE_PASSWORD or a prompt)")
    p.add_argument("--platform-admin", action="store_true", help="make the user a platform admin")
    p.set_defaults(fn=cmd_createuser)

    p = sub.add_parser(
        "check",
        help="validate settings and reach every configured service",
        description="Print what each port uses and check that it is reachable.",
    )
    p.set_defaults(fn=cmd_check)

    from marketplace.stats.commands import add_parser as add_stats_parser

    add_stats_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    sys.exit(args.fn(args))
