"""Tortoise configuration: one app per package, each with its own committed migrations.

SQLite runs in WAL mode with `synchronous=FULL`: with `NORMAL` a committed transaction can be
lost on power failure, and this database holds money. PostgreSQL keeps `synchronous_commit` on
(its default; `check_durability` verifies it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from tortoise import Tortoise, connections

from marketplace.outages import outage_of
from marketplace.settings import Settings


def _no_traceback_for_outages(record: logging.LogRecord) -> bool:
    # asyncpg's pool logs each failed reconnect with a traceback; a server that is down is not a bug.
    if record.exc_info and record.exc_info[1] is not None and outage_of(record.exc_info[1]) is not None:
        record.msg = f"{record.msg} ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        record.exc_info = None
        record.exc_text = None
    return True


logging.getLogger("asyncpg.pool").addFilter(_no_traceback_for_outages)

# Each package that owns tables registers its Tortoise app here; the order is the migration order.
APPS: dict[str, dict[str, Any]] = {
    "marketplace": {
        "models": ["marketplace.accounts.models", "marketplace.outbox.models", "marketplace.storage.models"],
        "migrations": "marketplace.migrations",
    },
    "listings": {"models": ["listings.models"], "migrations": "listings.migrations"},
    "auctions": {"models": ["auctions.models"], "migrations": "auctions.migrations"},
    "stats": {"models": ["marketplace.stats.models"], "migrations": "marketplace.stats.migrations"},
    "settlement": {"models": ["marketplace.settlement.models"], "migrations": "marketplace.settlement.migrations"},
    "export": {"models": ["export.models"], "migrations": "export.migrations"},
}


def _connection(settings: Settings) -> dict[str, Any] | str:
    if settings.is_postgres:
        url = str(settings.database_url).replace("postgresql://", "postgres://", 1)
        return {
            "engine": "tortoise.backends.asyncpg",
            "credentials": _pg_credentials(url),
        }
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "engine": "tortoise.backends.sqlite",
        "credentials": {
            "file_path": str(path),
            "journal_mode": "WAL",
            "synchronous": "FULL",
            "busy_timeout": 10000,
            "foreign_keys": "ON",
        },
    }


def _pg_credentials(url: str) -> dict[str, Any]:
    from tortoise.backends.base.config_generator import expand_db_url

    expanded: dict[str, Any] = expand_db_url(url)
    creds: dict[str, Any] = expanded["credentials"]
    creds.setdefault("minsize", 1)
    creds.setdefault("maxsize", 10)
    return creds


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(settings)},
        "apps": {label: {**app, "default_connection": "default"} for label, app in APPS.items()},
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings) -> None:
    # The global fallback lets request tasks (started outside the lifespan task) see the ORM.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings, progress: Callable[[str, str, str], object] | None = None) -> None:
    from tortoise.migrations.api import migrate as run_migrate

    await run_migrate(config=tortoise_config(settings), progress=progress)
    await Tortoise.close_connections()


async def pending_model_changes(settings: Settings) -> list[str]:
    """Names of migrations `makemigrations` would write: non-empty means models and migrations disagree."""
    writers = await _migration_writers(settings)
    return [f"{w.app_label}.{w.name}" for w in writers]


async def make_migrations(settings: Settings, app_labels: list[str] | None = None) -> list[str]:
    """Write migrations for model changes, optionally only for some apps (so one team's work-in-progress
    models never end up in another's migration)."""
    writers = await _migration_writers(settings)
    return [str(w.write()) for w in writers if not app_labels or w.app_label in app_labels]


async def _migration_writers(settings: Settings) -> list[Any]:
    from tortoise.context import TortoiseContext
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = tortoise_config(settings)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config, init_connections=False)
        assert ctx.apps is not None
        writers: list[Any] = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        return writers


async def check_durability() -> dict[str, str]:
    """Read back the durability settings actually in force on the live connection."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    if dialect == "sqlite":
        rows = await conn.execute_query_dict("PRAGMA journal_mode")
        sync = await conn.execute_query_dict("PRAGMA synchronous")
        return {"journal_mode": str(rows[0]["journal_mode"]), "synchronous": str(sync[0]["synchronous"])}
    rows = await conn.execute_query_dict("SHOW synchronous_commit")
    return {"synchronous_commit": str(rows[0]["synchronous_commit"])}


def describe(settings: Settings) -> str:
    if settings.is_postgres:
        url = str(settings.database_url)
        safe = url.split("@", 1)[-1] if "@" in url else url.split("://", 1)[-1]
        return f"postgresql ({safe})"
    return f"sqlite ({settings.sqlite_path})"
