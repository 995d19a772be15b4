from __future__ import annotations

from marketplace import db
from marketplace.settings import Settings
from tests.conftest import PG_URL


async def test_durability_settings_in_force(database: Settings) -> None:
    durability = await db.check_durability()
    if PG_URL:
        assert durability == {"synchronous_commit": "on"}
    else:
        # journal_mode WAL, synchronous 2 = FULL: NORMAL could lose a committed transaction on power loss.
        assert durability == {"journal_mode": "wal", "synchronous": "2"}


async def test_models_match_committed_migrations(settings: Settings) -> None:
    assert await db.pending_model_changes(settings) == []


async def test_migrate_is_idempotent(settings: Settings) -> None:
    await db.migrate(settings)  # already applied by the session fixture: nothing to do, no error
    assert await db.pending_model_changes(settings) == []
