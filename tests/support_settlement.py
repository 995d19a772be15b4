"""Test helpers for settlement, and the suite's truncation made aware of the ledger's guards.

On SQLite the ledger refuses DELETE by triggers (PostgreSQL's TRUNCATE does not fire row triggers), so
`truncate_all_models` would fail once a test has posted anything. `install_truncate` wraps it: on SQLite the
guard triggers are dropped for the truncation and created again after it (from the migration's own SQL).
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

import tortoise.contrib.test
from tortoise import Tortoise

_guards = importlib.import_module("marketplace.settlement.migrations.0002_ledger_guards")
_TRIGGER_SQL = [sql for sql in _guards.SQLITE if sql.lstrip().startswith("CREATE TRIGGER")]
_TRIGGER_NAMES = [re.search(r'CREATE TRIGGER "([^"]+)"', sql).group(1) for sql in _TRIGGER_SQL]  # type: ignore[union-attr]


async def drop_guards_sqlite(conn: Any) -> None:
    await conn.execute_script(";\n".join(f'DROP TRIGGER IF EXISTS "{name}"' for name in _TRIGGER_NAMES) + ";")


async def create_guards_sqlite(conn: Any) -> None:
    for sql in _TRIGGER_SQL:
        await conn.execute_script(sql)


def install_truncate() -> None:
    original: Callable[[], Awaitable[None]] = tortoise.contrib.test.truncate_all_models
    if getattr(original, "_settlement_aware", False):
        return

    async def truncate_all_models() -> None:
        models = list(Tortoise.apps.get_models_iterable()) if Tortoise.apps else []
        db = models[0]._meta.db if models else None
        if db is None or db.capabilities.dialect != "sqlite":
            # The app's loops (sweepers, reminders, the relay) may be inside a transaction while the tables are
            # emptied: a TRUNCATE of every table can then deadlock with one of them, and PostgreSQL aborts one
            # side. The truncation is tried again; the loop's transaction went through.
            for attempt in range(5):
                try:
                    await original()
                    return
                except Exception as exc:  # tortoise wraps asyncpg's DeadlockDetectedError
                    if "deadlock detected" not in str(exc) or attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            return
        # A relay of the app under test may settle an event while the tables empty: the guards are off for the
        # whole truncation, not only for the ledger's tables.
        await drop_guards_sqlite(db)
        try:
            await original()
        finally:
            await create_guards_sqlite(db)

    truncate_all_models._settlement_aware = True  # type: ignore[attr-defined]
    tortoise.contrib.test.truncate_all_models = truncate_all_models  # type: ignore[assignment]


# --- a sold lot, and its event handed to settlement -------------------------------------------------------


async def sale_events(topic: str) -> list[dict[str, Any]]:
    """Every committed event of a topic, as the relay would deliver it (envelope)."""
    from marketplace.outbox.events import envelope
    from marketplace.outbox.models import OutboxEvent

    return [envelope(e) for e in await OutboxEvent.filter(topic=topic).order_by("id")]


async def sell_lot(app: Any, *, hammer: int = 300_000, terms: dict[str, Any] | None = None) -> dict[str, Any]:
    """A published online session with one lot, one bidder with a confirmed deposit bidding `hammer`, and the lot
    closed: sold. Returns the world, the buyer and the sold event's envelope."""
    from auctions.services import actions
    from auctions.services.clock import now_ms
    from marketplace.accounts.auth import principal_for_user
    from tests.support_auctions import make_bidder, make_world, set_end

    world = await make_world(app, terms=terms, starting=100_000)
    lot = world.lots[0]
    user, reg = await make_bidder(app, world.session)
    services = app.state.services
    out = await actions.place_bid(services, await principal_for_user(user), lot.id, f"s-{lot.id}-bid", hammer, now_ms())
    assert out["status"] == "accepted", out
    await set_end(lot, now_ms() - 1)
    # The app's sweeper may close the lot first; either way it is sold exactly once.
    await actions.close_if_due(services, lot.id, now_ms())
    for _ in range(100):
        events = [e for e in await sale_events("auctions.lot_sold") if e["payload"]["lot_id"] == lot.id]
        if events:
            break
        await asyncio.sleep(0.05)
    assert len(events) == 1, events
    event = events[0]
    return {"world": world, "lot": lot, "buyer": user, "registration": reg, "event": event}
