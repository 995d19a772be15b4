"""arq on Redis: the production job queue. JSON, not pickle; ids are deterministic so duplicates drop."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from marketplace.ports.jobs.base import JobRegistry


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), default=str).encode()


def loads(data: bytes) -> Any:
    return json.loads(data)


class ArqJobs:
    name = "arq"

    def __init__(self, url: str, registry: JobRegistry, queue_name: str) -> None:
        self._settings = RedisSettings.from_dsn(url)
        self.queue_name = queue_name
        self._registry = registry
        self._pool: ArqRedis | None = None

    async def start(self) -> None:
        self._pool = await create_pool(
            self._settings, job_serializer=dumps, job_deserializer=loads, default_queue_name=self.queue_name
        )

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

    async def enqueue(
        self, name: str, payload: dict[str, Any], *, job_id: str | None = None, defer_seconds: float | None = None
    ) -> bool:
        if name not in self._registry.functions:
            raise KeyError(f"unknown job {name!r}")
        if self._pool is None:
            await self.start()
        assert self._pool is not None
        job = await self._pool.enqueue_job(
            name,
            payload,
            # arq keeps job and result keys outside the queue's name ("arq:job:<id>"): prefix the id with
            # the queue so deployments (or test runs) sharing one Redis never refuse each other's jobs.
            _job_id=f"{self.queue_name}:{job_id}" if job_id is not None else None,
            _defer_by=timedelta(seconds=defer_seconds) if defer_seconds else None,
        )
        return job is not None
