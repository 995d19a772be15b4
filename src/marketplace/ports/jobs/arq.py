"""arq on Redis: the production job queue. JSON, not pickle; ids are deterministic so duplicates drop."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from marketplace.outages import Breaker, Unreachable
from marketplace.ports.jobs.base import JobRegistry


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), default=str).encode()


def loads(data: bytes) -> Any:
    return json.loads(data)


class ArqJobs:
    name = "arq"

    def __init__(self, url: str, registry: JobRegistry, queue_name: str) -> None:
        # No connection retries inside a call: a request that enqueues (the close of a lot) must not
        # wait seconds for Redis; the caller has a database path (the sweeper, the outbox's redelivery).
        self._settings = RedisSettings.from_dsn(url)
        self._settings.conn_retries = 0
        self.breaker = Breaker("redis")
        self.queue_name = queue_name
        self._registry = registry
        self._pool: ArqRedis | None = None

    async def start(self) -> None:
        # A process starts with Redis down as well: the pool is made by the first enqueue that finds it up.
        with contextlib.suppress(Unreachable):
            await self.breaker.call(self._connect)

    async def _connect(self) -> None:
        if self._pool is None:
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
        return await self.breaker.call(lambda: self._enqueue(name, payload, job_id, defer_seconds))

    async def _enqueue(self, name: str, payload: dict[str, Any], job_id: str | None, defer: float | None) -> bool:
        await self._connect()
        assert self._pool is not None
        job = await self._pool.enqueue_job(
            name,
            payload,
            # arq keeps job and result keys outside the queue's name ("arq:job:<id>"): prefix the id with
            # the queue so deployments (or test runs) sharing one Redis never refuse each other's jobs.
            _job_id=f"{self.queue_name}:{job_id}" if job_id is not None else None,
            _defer_by=timedelta(seconds=defer) if defer else None,
        )
        return job is not None
