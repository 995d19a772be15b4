"""arq worker for the production profile: runs every registered job and the outbox relay.

arq's own loop ends the process when Redis goes away (its poll raises `ConnectionError`). Here a
supervisor owns the process instead: the database, the relay and the background loops start once,
and arq's poll loop is (re)started whenever Redis answers, with backoff while it does not. An outage
of any length costs the queue its latency, never the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from pathlib import Path
from typing import Any

from arq.worker import Retry, Worker, create_worker

from marketplace import db
from marketplace.bootstrap import build_services
from marketplace.outages import OutageLog, backoff, describe, outage_of
from marketplace.ports.jobs.arq import dumps, loads
from marketplace.ports.jobs.base import JobFunction, RetryJob
from marketplace.services import Services
from marketplace.settings import Settings

log = logging.getLogger("marketplace.worker")

# A job's own retries (`RetryJob`) are limited; an outage's are not counted against them (see below).
MAX_TRIES = 5
# arq's limit, reached only by a job that meets an outage this many times (hours at the 30 s cap).
ARQ_MAX_TRIES = 1000
HEARTBEAT_FILE = "worker.alive"
HEARTBEAT_SECONDS = 5.0


def _arq_function(name: str, fn: JobFunction) -> Any:
    async def run(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
        tries = int(ctx.get("job_try") or 1)
        try:
            await fn(payload)
        except RetryJob as retry:
            if tries >= MAX_TRIES:
                log.error("job %s gave up after %d tries", name, tries)
                raise
            raise Retry(defer=retry.defer) from retry
        except Exception as exc:
            if outage_of(exc) is None:
                raise
            # The database (or Redis) went away under the job: no fault of the job, so it waits for the
            # service with backoff instead of failing; its outbox delivery stays owed meanwhile.
            delay = backoff(tries, cap=30.0)
            log.warning("job %s met an outage, again in %.1f s: %s", name, delay, describe(exc))
            raise Retry(defer=delay) from exc

    run.__qualname__ = name
    return run


def worker_settings(settings: Settings, services: Services | None = None, *, manage_db: bool = True) -> dict[str, Any]:
    from arq.connections import RedisSettings
    from arq.worker import func

    services = services or build_services(settings)
    registry = services.registry

    def runner(name: str) -> JobFunction:
        async def run(payload: dict[str, Any]) -> None:
            await registry.run(name, payload)

        return run

    async def startup(ctx: dict[str, Any]) -> None:
        if manage_db:
            await db.init_db(settings)
        await services.start()  # the worker also relays the outbox, so events flow with no app process up

    async def shutdown(ctx: dict[str, Any]) -> None:
        await services.close()
        if manage_db:
            await db.close_db()

    assert settings.redis_url
    redis_settings = RedisSettings.from_dsn(settings.redis_url)
    redis_settings.conn_retries = 0  # the supervisor retries, with backoff and one log line per outage
    return {
        "functions": [func(_arq_function(n, runner(n)), name=n) for n in registry.functions],
        "redis_settings": redis_settings,
        "queue_name": f"{settings.redis_namespace}:jobs",
        "job_serializer": dumps,
        "job_deserializer": loads,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": ARQ_MAX_TRIES,
        "job_timeout": 60,
    }


class Supervisor:
    """Keeps one arq poll loop running across Redis outages, around services started once."""

    def __init__(self, settings: Settings, services: Services | None = None, *, burst: bool = False) -> None:
        self.settings = settings
        self.services = services or build_services(settings)
        self.burst = burst
        self.config = worker_settings(settings, self.services, manage_db=False)
        self.outage = OutageLog(log, "worker")
        self.stopping = asyncio.Event()
        self.runs = 0  # arq poll loops started: more than one means the worker rode out an outage
        self._worker: Worker | None = None
        self._heartbeat = Path(settings.var_dir) / HEARTBEAT_FILE

    def stop(self) -> None:
        self.stopping.set()
        worker = self._worker
        if worker is not None and worker.main_task is not None:
            worker.main_task.cancel()

    async def run(self) -> None:
        await self._start_services()
        beat = asyncio.create_task(self._beat(), name="worker-heartbeat")
        try:
            await self._poll_forever()
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            await self.services.close()
            await db.close_db()

    async def _start_services(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                await db.init_db(self.settings)
                await self.services.start()
            except Exception as exc:
                if outage_of(exc) is None:
                    raise
                self.outage.failed(exc)
                failures += 1
                with contextlib.suppress(asyncio.CancelledError):
                    await db.close_db()
                await self._sleep(backoff(failures, cap=10.0))
                continue
            self.outage.recovered()
            return

    async def _poll_forever(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            config = {**self.config, "on_startup": self._polling, "on_shutdown": None}
            worker = create_worker(config, burst=self.burst, handle_signals=False)
            self._worker = worker
            self.runs += 1
            try:
                await self._main(worker)
                if self.burst:
                    return
            except asyncio.CancelledError:
                if not self.stopping.is_set():
                    raise
            except Exception as exc:
                if outage_of(exc) is None:
                    raise
                self.outage.failed(exc)
                failures += 1
                await self._sleep(backoff(failures, cap=10.0))
            finally:
                self._worker = None
                await self._discard(worker)

    async def _main(self, worker: Worker) -> None:
        # arq's main(): the pool is created (once, no retries), then the poll loop runs until it fails.
        main = asyncio.ensure_future(worker.main())
        worker.main_task = main
        await main

    async def _polling(self, ctx: dict[str, Any]) -> None:
        # arq calls its on_startup once it has reached Redis, just before polling.
        self.outage.recovered()

    async def _discard(self, worker: Worker) -> None:
        # Jobs cut off by the outage are abandoned here; arq runs them again once their in-progress
        # marker expires (they are idempotent), and the outbox still owes any it delivered.
        for task in worker.tasks.values():
            task.cancel()
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        if worker._pool is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await worker._pool.aclose()
            worker._pool = None

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    async def _beat(self) -> None:
        # The process's liveness for a container health check: written by the supervisor whatever
        # Redis does, so "unhealthy" means a stuck process, not an outage it is riding out.
        while True:
            with contextlib.suppress(OSError):
                self._heartbeat.parent.mkdir(parents=True, exist_ok=True)
                self._heartbeat.write_text(str(time.time()))
            await asyncio.sleep(HEARTBEAT_SECONDS)


def heartbeat_age(settings: Settings) -> float | None:
    """Seconds since the worker last wrote its heartbeat, None if it never did."""
    try:
        return time.time() - float((Path(settings.var_dir) / HEARTBEAT_FILE).read_text())
    except (OSError, ValueError):
        return None


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    async def main() -> None:
        supervisor = Supervisor(settings, burst=burst)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, supervisor.stop)
        await supervisor.run()

    asyncio.run(main())
