"""The fault suite: private PostgreSQL and Redis servers that the tests stop, kill, freeze and restart.

It runs in the production-profile pass (`make test-production`, hence `.ci/run`) and is skipped in the
embedded pass. Where its servers cannot be started it skips on a developer's machine and fails in CI
(`CI` set), so a CI without the binaries cannot pass by skipping it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from marketplace import db
from marketplace.settings import Settings, load_settings
from tests.conftest import PG_URL, REDIS_URL
from tests.faults.servers import PostgresServer, RedisServer, ServerUnavailable

HERE = Path(__file__).parent
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
            if not (PG_URL or REDIS_URL):
                item.add_marker(pytest.mark.skip(reason="runs in the production pass (make test-production)"))


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"the fault suite cannot start its servers: {reason}", pytrace=False)
    pytest.skip(reason=f"the fault suite cannot start its servers: {reason}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = RedisServer()
        server.start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
        server.start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def _servers_up(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts, and leaves, with its servers running and answering."""
    servers = [request.getfixturevalue(n) for n in ("redis_server", "pg_server") if n in request.fixturenames]

    def restore() -> None:
        for server in servers:
            if server.frozen:
                server.thaw()
            if server.proc is None or server.proc.poll() is not None:
                server.start()

    restore()
    yield
    restore()


@pytest.fixture(scope="session")
async def fault_base_settings(
    pg_server: PostgresServer, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    var = tmp_path_factory.mktemp("faults-var")
    s = load_settings(
        database_url=pg_server.url,
        redis_url=redis_server.url,
        var_dir=var,
        frontend_dist=var / "no-frontend",
        log_json=False,
        relay_interval_seconds=0.05,
        outbox_redeliver_seconds=1.0,
        cookie_secure=False,
        redis_namespace="faults",
    )
    await db.migrate(s)
    return s


@pytest.fixture
def fault_settings(fault_base_settings: Settings, tmp_path: Path) -> Settings:
    # Each test its own queue and channels, and its own VAR_DIR (search index, worker heartbeat).
    return fault_base_settings.model_copy(
        update={"redis_namespace": f"f{uuid.uuid4().hex[:10]}", "var_dir": tmp_path / "var"}
    )


@pytest.fixture
async def fault_db(fault_settings: Settings) -> AsyncIterator[Settings]:
    """The ORM on the private PostgreSQL, emptied."""
    from tortoise.contrib.test import truncate_all_models

    await db.init_db(fault_settings)
    await truncate_all_models()
    try:
        yield fault_settings
    finally:
        await db.close_db()


def process_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=str(settings.database_url),
        REDIS_URL=str(settings.redis_url),
        REDIS_NAMESPACE=settings.redis_namespace,
        VAR_DIR=str(settings.var_dir),
        LOG_JSON="false",
        LOG_LEVEL="INFO",
        RELAY_INTERVAL_SECONDS="0.05",
        OUTBOX_REDELIVER_SECONDS=str(settings.outbox_redeliver_seconds),
        **extra,
    )
    return env


class Worker:
    """`marketplace worker` as deployed: its own process, its log kept for the assertions."""

    def __init__(self, settings: Settings) -> None:
        Path(settings.var_dir).mkdir(parents=True, exist_ok=True)
        self.log_path = Path(settings.var_dir) / "worker.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "marketplace", "worker"],
            env=process_env(settings),
            cwd=settings.var_dir,
            stdout=subprocess.DEVNULL,
            stderr=self.log_path.open("wb"),
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return int(self.proc.returncode)


@pytest.fixture
def worker_process(fault_settings: Settings) -> Iterator[Callable[[], Worker]]:
    started: list[Worker] = []

    def start() -> Worker:
        w = Worker(fault_settings)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


async def eventually(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll `predicate` (sync or async) until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        await asyncio.sleep(interval)
