"""Test helpers for settlement, and the suite's truncation made aware of the ledger's guards.

On SQLite the ledger refuses DELETE by triggers (PostgreSQL's TRUNCATE does not fire row triggers), so
`truncate_all_models` would fail once a test has posted anything. `install_truncate` wraps it: on SQLite the
guard triggers are dropped, the ledger emptied and the triggers created again, in one transaction.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

import tortoise.contrib.test
from tortoise import Tortoise

_guards = importlib.import_module("marketplace.settlement.migrations.0002_ledger_guards")
LEDGER_TABLES = ("settlement_entries", "settlement_transactions", "settlement_accounts")
_TRIGGER_SQL = [sql for sql in _guards.SQLITE if sql.lstrip().startswith("CREATE TRIGGER")]
_TRIGGER_NAMES = [re.search(r'CREATE TRIGGER "([^"]+)"', sql).group(1) for sql in _TRIGGER_SQL]  # type: ignore[union-attr]


async def purge_ledger_sqlite(conn: Any) -> None:
    script = ["BEGIN"]
    script += [f'DROP TRIGGER IF EXISTS "{name}"' for name in _TRIGGER_NAMES]
    script += [f'DELETE FROM "{table}"' for table in LEDGER_TABLES]
    script += [*_TRIGGER_SQL, "COMMIT"]
    await conn.execute_script(";\n".join(script) + ";")


def install_truncate() -> None:
    original: Callable[[], Awaitable[None]] = tortoise.contrib.test.truncate_all_models
    if getattr(original, "_settlement_aware", False):
        return

    async def truncate_all_models() -> None:
        if Tortoise.apps:
            models = list(Tortoise.apps.get_models_iterable())
            db = models[0]._meta.db if models else None
            if db is not None and db.capabilities.dialect == "sqlite":
                await purge_ledger_sqlite(db)
        await original()

    truncate_all_models._settlement_aware = True  # type: ignore[attr-defined]
    tortoise.contrib.test.truncate_all_models = truncate_all_models  # type: ignore[assignment]
