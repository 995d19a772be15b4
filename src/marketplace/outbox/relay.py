"""Hands committed outbox events to the bus and job queue.

Events are claimed with a conditional update (a lease), so several relays (one per process)
never publish the same event at the same time; a relay that dies after claiming leaves a lease
that expires, and another relay delivers the event then. Delivery is at least once: consumers
are idempotent (`consume_once`), and job ids are deterministic so arq drops duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q

from marketplace.outbox.events import envelope
from marketplace.outbox.models import OutboxEvent
from marketplace.ports.bus.base import EventBus
from marketplace.ports.jobs.base import JobQueue

log = logging.getLogger("marketplace.outbox")

LEASE = timedelta(seconds=30)
BATCH = 100


class OutboxRelay:
    def __init__(
        self,
        bus: EventBus,
        jobs: JobQueue,
        subscriptions: dict[str, list[str]],
        *,
        interval: float = 0.2,
        lease: timedelta = LEASE,
        before_publish: Callable[[OutboxEvent], Awaitable[None]] | None = None,
    ) -> None:
        self._bus = bus
        self._jobs = jobs
        # topic -> job names that consume it
        self._subscriptions = subscriptions
        self._interval = interval
        self._lease = lease
        self._before_publish = before_publish
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Called after a commit that wrote events: deliver now instead of at the next tick."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                delivered = await self.deliver_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed")
                delivered = 0
            if delivered:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    async def deliver_pending(self) -> int:
        """One pass: claim a batch, publish each, mark it published. Returns how many were delivered."""
        now = datetime.now(UTC)
        candidates = (
            await OutboxEvent.filter(Q(published_at=None) & (Q(claimed_until=None) | Q(claimed_until__lt=now)))
            .order_by("id")
            .limit(BATCH)
        )
        delivered = 0
        for event in candidates:
            claimed = await OutboxEvent.filter(
                Q(id=event.id) & Q(published_at=None) & (Q(claimed_until=None) | Q(claimed_until__lt=now))
            ).update(claimed_until=now + self._lease, attempts=F("attempts") + 1)
            if claimed != 1:
                continue  # another relay holds it
            try:
                await self._publish(event)
            except Exception as exc:
                log.warning("outbox event %s not delivered: %s", event.event_id, exc)
                await OutboxEvent.filter(id=event.id).update(last_error=str(exc)[:2000], claimed_until=None)
                continue
            await OutboxEvent.filter(id=event.id).update(published_at=datetime.now(UTC))
            delivered += 1
        return delivered

    async def _publish(self, event: OutboxEvent) -> None:
        if self._before_publish is not None:
            await self._before_publish(event)
        message = envelope(event)
        for job_name in self._subscriptions.get(event.topic, []):
            await self._jobs.enqueue(job_name, message, job_id=f"{job_name}:{event.event_id}")
        await self._bus.publish(f"events.{event.topic}", message)
