"""Background jobs. Every job must be idempotent: it can run more than once (arq's contract)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

JobFunction = Callable[[dict[str, Any]], Awaitable[None]]


class RetryJob(Exception):
    """Raise from a job to run it again after `defer` seconds (the only retried failure, as in arq)."""

    def __init__(self, defer: float = 1.0) -> None:
        super().__init__(f"retry in {defer}s")
        self.defer = defer


class JobRegistry:
    """Job functions by name, shared by both adapters and by the arq worker."""

    def __init__(self) -> None:
        self.functions: dict[str, JobFunction] = {}

    def register(self, name: str, fn: JobFunction) -> None:
        self.functions[name] = fn


class JobQueue(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def enqueue(
        self, name: str, payload: dict[str, Any], *, job_id: str | None = None, defer_seconds: float | None = None
    ) -> bool:
        """Queue a job; False when a job with the same id is already queued (or done recently)."""
        ...
