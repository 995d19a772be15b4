"""Background jobs. Every job must be idempotent: it can run more than once (arq's contract)."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

JobFunction = Callable[[dict[str, Any]], Awaitable[None]]
# Told after every run of a job: its name, its payload and the exception it ended with (None: done).
JobObserver = Callable[[str, dict[str, Any], BaseException | None], Awaitable[None]]


class RetryJob(Exception):
    """Raise from a job to run it again after `defer` seconds (the only retried failure, as in arq)."""

    def __init__(self, defer: float = 1.0) -> None:
        super().__init__(f"retry in {defer}s")
        self.defer = defer


class JobRegistry:
    """Job functions by name, shared by both adapters and by the arq worker."""

    def __init__(self) -> None:
        self.functions: dict[str, JobFunction] = {}
        self._observers: list[JobObserver] = []

    def register(self, name: str, fn: JobFunction) -> None:
        self.functions[name] = fn

    def observe(self, observer: JobObserver) -> None:
        """Be told how each run ended (the outbox learns here that a consumer has done its work)."""
        self._observers.append(observer)

    async def run(self, name: str, payload: dict[str, Any]) -> None:
        """Run a job as both adapters do: the function, then its observers. An observer that fails after
        a successful run fails the run, so the job is tried again rather than its completion forgotten."""
        try:
            await self.functions[name](payload)
        except Exception as exc:
            for observer in self._observers:
                with contextlib.suppress(Exception):  # the job's own error is the one to report
                    await observer(name, payload, exc)
            raise
        for observer in self._observers:
            await observer(name, payload, None)


class JobQueue(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def enqueue(
        self, name: str, payload: dict[str, Any], *, job_id: str | None = None, defer_seconds: float | None = None
    ) -> bool:
        """Queue a job; False when a job with the same id is already queued (or done recently)."""
        ...
