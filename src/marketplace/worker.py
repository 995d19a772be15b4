"""arq worker for the production profile: runs every registered job and the outbox relay."""

from __future__ import annotations

from typing import Any

from arq.worker import Retry, create_worker

from marketplace import db
from marketplace.bootstrap import build_services
from marketplace.ports.jobs.arq import dumps, loads
from marketplace.ports.jobs.base import JobFunction, RetryJob
from marketplace.services import Services
from marketplace.settings import Settings


def _arq_function(name: str, fn: JobFunction) -> Any:
    async def run(ctx: dict[str, Any], payload: dict[str, Any]) -> None:
        try:
            await fn(payload)
        except RetryJob as retry:
            raise Retry(defer=retry.defer) from retry

    run.__qualname__ = name
    return run


def worker_settings(settings: Settings, services: Services | None = None, *, manage_db: bool = True) -> dict[str, Any]:
    from arq.connections import RedisSettings
    from arq.worker import func

    services = services or build_services(settings)

    async def startup(ctx: dict[str, Any]) -> None:
        if manage_db:
            await db.init_db(settings)
        await services.start()  # the worker also relays the outbox, so events flow with no app process up

    async def shutdown(ctx: dict[str, Any]) -> None:
        await services.close()
        if manage_db:
            await db.close_db()

    assert settings.redis_url
    return {
        "functions": [func(_arq_function(n, f), name=n) for n, f in services.registry.functions.items()],
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": f"{settings.redis_namespace}:jobs",
        "job_serializer": dumps,
        "job_deserializer": loads,
        "on_startup": startup,
        "on_shutdown": shutdown,
        "max_tries": 5,
        "job_timeout": 60,
    }


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    worker = create_worker(worker_settings(settings), burst=burst)
    worker.run()
