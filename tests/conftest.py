"""Test wiring shared by every layer.

The suite runs on the embedded default unless DATABASE_URL / REDIS_URL are set, in which case it
runs on PostgreSQL and Redis (`.ci/run` does both). On PostgreSQL each run gets its own database,
created from DATABASE_URL's server and dropped at the end, so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from marketplace import db
from marketplace.settings import Settings, load_settings
from tests.support import ApiClient, Mailbox, make_app_client

PG_URL = os.environ.get("DATABASE_URL") or None
REDIS_URL = os.environ.get("REDIS_URL") or None


def _admin_dsn(url: str) -> tuple[str, str]:
    base, _, _dbname = url.rpartition("/")
    return base, _dbname


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
async def database_url(var_dir: Path) -> AsyncIterator[str]:
    if not PG_URL:
        yield f"sqlite://{var_dir / 'test.db'}"
        return
    import asyncpg

    base, dbname = _admin_dsn(PG_URL.replace("postgresql://", "postgres://", 1))
    name = f"mp_test_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield f"{base}/{name}"
    finally:
        conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://", 1))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


@pytest.fixture(scope="session")
async def settings(database_url: str, var_dir: Path) -> Settings:
    s = load_settings(
        database_url=database_url,
        redis_url=REDIS_URL,
        var_dir=var_dir,
        frontend_dist=var_dir / "no-frontend",
        log_json=False,
        relay_interval_seconds=0.05,
        cookie_secure=False,
        redis_namespace=f"mptest-{uuid.uuid4().hex[:8]}",
    )
    await db.migrate(s)
    return s


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[ApiClient]:
    async with make_app_client(settings) as c:
        yield c


@pytest.fixture
def mailbox(client: ApiClient, tmp_path: Path) -> Mailbox:
    """The app's mail goes to the real directory adapter in this test's own directory."""
    from marketplace.ports.mail.outbox import DirectoryMailer

    client.app.state.services.mailer = DirectoryMailer(tmp_path / "mail")
    return Mailbox(tmp_path / "mail")


@pytest.fixture
def new_client(settings: Settings) -> Any:
    """A factory for more clients on the same app (another browser)."""
    return lambda c: c.fork()


@pytest.fixture(scope="session")
def profile() -> str:
    return "production" if PG_URL or REDIS_URL else "embedded"


@pytest.fixture
def requires_redis() -> str:
    if not REDIS_URL:
        pytest.skip(reason="needs REDIS_URL: runs in the production-profile pass of .ci/run")
    return REDIS_URL


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Settings]:
    """The ORM on a clean database, without an app (integration tests)."""
    from tortoise.contrib.test import truncate_all_models

    await db.init_db(settings)
    await truncate_all_models()
    try:
        yield settings
    finally:
        await db.close_db()


_ALONE_DIRS = ("faults", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Fault and browser tests start servers and browsers and measure time: they run after the parallel workers,
    # by themselves (`make test-suite`), like any test marked `alone`.
    tests_dir = Path(__file__).parent
    for item in items:
        parts = (
            Path(str(item.path)).relative_to(tests_dir).parts if Path(str(item.path)).is_relative_to(tests_dir) else ()
        )
        if parts and parts[0] in _ALONE_DIRS:
            item.add_marker(pytest.mark.alone)
