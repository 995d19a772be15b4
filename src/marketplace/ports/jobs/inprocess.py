"""In-process job runner: the embedded default. Same job functions and contract as arq, no Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import Any

from marketplace.outages import backoff, describe, outage_of
from marketplace.ports.jobs.base import JobRegistry, RetryJob

log = logging.getLogger("marketplace.jobs")


class InProcessJobs:
    name = "in-process"

    def __init__(self, registry: JobRegistry, *, max_tries: int = 5, remember: int = 10_000) -> None:
        self._registry = registry
        self._max_tries = max_tries
        self._tasks: set[asyncio.Task[None]] = set()
        # Ids of queued or recently finished jobs, bounded, so a duplicate enqueue is refused like arq's.
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def drain(self) -> None:
        """Wait until every queued job has finished (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def enqueue(
        self, name: str, payload: dict[str, Any], *, job_id: str | None = None, defer_seconds: float | None = None
    ) -> bool:
        if name not in self._registry.functions:
            raise KeyError(f"unknown job {name!r}")
        if job_id is not None:
            if job_id in self._seen:
                return False
            self._seen[job_id] = None
            while len(self._seen) > self._remember:
                self._seen.popitem(last=False)
        task = asyncio.create_task(self._run(name, payload, defer_seconds or 0.0), name=f"job:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, name: str, payload: dict[str, Any], delay: float) -> None:
        attempt = outages_met = 0
        while attempt < self._max_tries:
            if delay:
                await asyncio.sleep(delay)
            try:
                await self._registry.run(name, payload)
                return
            except RetryJob as retry:
                attempt += 1
                delay = retry.defer
                log.info("job %s retry %d in %.1fs", name, attempt, delay)
            except Exception as exc:
                if outage_of(exc) is None:
                    log.exception("job %s failed", name)
                    return
                # The database went away under the job: that is no fault of the job, so it does not use
                # up its tries; it waits for the service with backoff (the outbox also still owes it).
                outages_met += 1
                delay = backoff(outages_met)
                log.warning("job %s met an outage, again in %.1fs: %s", name, delay, describe(exc))
        log.error("job %s gave up after %d tries", name, self._max_tries)
