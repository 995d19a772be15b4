"""Hands committed outbox events to the bus and job queue, and keeps each job owed until it has run.

Events are claimed with a conditional update (a lease), so several relays (one per process)
never publish the same event at the same time; a relay that dies after claiming leaves a lease
that expires, and another relay delivers the event then. Delivery is at least once: consumers
are idempotent (`consume_once`), and job ids are deterministic so arq drops duplicates.

An event is published once (the bus is live fan-out; its readers catch up from the database), but
each job that consumes it is a row in `outbox_deliveries` that stays owed until the job reports its
work done (`JobRegistry.observe`). A job the broker accepted and then lost (Redis restarted empty)
is sent again when the row falls due. Failures back off, and a row's `last_error` says what happened
at its latest attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q

from marketplace.outages import OutageLog, backoff, describe, outage_of
from marketplace.outbox.events import envelope
from marketplace.outbox.models import OutboxDelivery, OutboxEvent
from marketplace.ports.bus.base import EventBus
from marketplace.ports.jobs.base import JobQueue, JobRegistry, RetryJob

log = logging.getLogger("marketplace.outbox")

LEASE = timedelta(seconds=30)
# A job sent and not reported done after this long is sent again: longer than a job may run (the
# worker's job timeout), so a resend normally meets the job still queued or running and is dropped.
REDELIVER_AFTER = timedelta(seconds=120)
BATCH = 100


def _error_text(now: datetime, when: str, exc: BaseException | str) -> str:
    what = exc if isinstance(exc, str) else describe(exc)
    return f"{now:%Y-%m-%dT%H:%M:%SZ} {when}: {what}"[:2000]


class OutboxRelay:
    def __init__(
        self,
        bus: EventBus,
        jobs: JobQueue,
        subscriptions: dict[str, list[str]],
        *,
        interval: float = 0.2,
        lease: timedelta = LEASE,
        redeliver_after: timedelta = REDELIVER_AFTER,
        registry: JobRegistry | None = None,
        before_publish: Callable[[OutboxEvent], Awaitable[None]] | None = None,
    ) -> None:
        self._bus = bus
        self._jobs = jobs
        # topic -> job names that consume it
        self._subscriptions = subscriptions
        self._interval = interval
        self._lease = lease
        self._redeliver_after = redeliver_after
        self._before_publish = before_publish
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._outage = OutageLog(log, "outbox relay")
        if registry is not None:
            registry.observe(self.job_finished)

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
        failures = 0
        while True:
            try:
                delivered = await self._publish_events() + await self._send_due_jobs()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if outage_of(exc) is None:
                    log.exception("outbox relay pass failed")
                else:
                    self._outage.failed(exc)
                failures += 1
                # The database is away: ask it again with backoff, not every tick.
                await asyncio.sleep(backoff(failures, base=self._interval, cap=5.0))
                continue
            failures = 0
            self._outage.recovered()
            if delivered:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    async def deliver_pending(self) -> int:
        """One pass: publish a batch of events, then send the jobs that are due. Returns how many events
        were published."""
        published = await self._publish_events()
        await self._send_due_jobs()
        return published

    async def _publish_events(self) -> int:
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
            attempt = event.attempts + 1
            try:
                await self._owe_jobs(event)
                await self._publish(event)
            except Exception as exc:
                if outage_of(exc) is None:
                    log.warning("outbox event %s not delivered: %s", event.event_id, describe(exc))
                # The lease becomes the backoff: nobody takes the event again before it runs out.
                await OutboxEvent.filter(id=event.id).update(
                    last_error=_error_text(datetime.now(UTC), f"attempt {attempt}", exc),
                    claimed_until=datetime.now(UTC) + timedelta(seconds=backoff(attempt)),
                )
                continue
            await OutboxEvent.filter(id=event.id).update(published_at=datetime.now(UTC), last_error=None)
            delivered += 1
        return delivered

    async def _owe_jobs(self, event: OutboxEvent) -> None:
        jobs = self._subscriptions.get(event.topic, [])
        if not jobs:
            return
        rows: list[Any] = await OutboxDelivery.filter(event_id=event.id).values_list("job", flat=True)
        have = {str(job) for job in rows}
        due = datetime.now(UTC)
        missing = [OutboxDelivery(event_id=event.id, job=job, due_at=due) for job in jobs if job not in have]
        if missing:
            # Another relay can only have written these rows for the same event under an expired
            # lease, so a conflict means they exist already.
            await OutboxDelivery.bulk_create(missing, ignore_conflicts=True)

    async def _publish(self, event: OutboxEvent) -> None:
        if self._before_publish is not None:
            await self._before_publish(event)
        await self._bus.publish(f"events.{event.topic}", envelope(event))

    async def _send_due_jobs(self) -> int:
        now = datetime.now(UTC)
        due = (
            await OutboxDelivery.filter(done_at=None, due_at__lte=now)
            .select_related("event")
            .order_by("due_at", "id")
            .limit(BATCH)
        )
        sent = 0
        for delivery in due:
            claimed = await OutboxDelivery.filter(id=delivery.id, done_at=None, due_at=delivery.due_at).update(
                due_at=now + self._redeliver_after, attempts=F("attempts") + 1
            )
            if claimed != 1:
                continue  # another relay sent it, or the job reported done meanwhile
            attempt = delivery.attempts + 1
            event = delivery.event
            try:
                queued = await self._jobs.enqueue(
                    delivery.job, envelope(event), job_id=f"{delivery.job}:{event.event_id}"
                )
            except Exception as exc:
                if outage_of(exc) is None:
                    log.warning("job %s for event %s not queued: %s", delivery.job, event.event_id, describe(exc))
                await OutboxDelivery.filter(id=delivery.id, done_at=None).update(
                    last_error=_error_text(datetime.now(UTC), f"attempt {attempt}", exc),
                    due_at=datetime.now(UTC) + timedelta(seconds=backoff(attempt)),
                )
                continue
            if queued:
                sent += 1
                if attempt > 1:
                    log.info("job %s for event %s sent again (attempt %d)", delivery.job, event.event_id, attempt)
        return sent

    async def job_finished(self, job: str, message: dict[str, Any], error: BaseException | None) -> None:
        """The registry's report of a job's run: done settles the debt, a failure is recorded on it."""
        if not isinstance(message, dict) or job not in {j for js in self._subscriptions.values() for j in js}:
            return
        try:
            event_id = uuid.UUID(str(message["event_id"]))
        except (KeyError, ValueError):
            return
        event_pk = await OutboxEvent.filter(event_id=event_id).values_list("id", flat=True)
        if not event_pk:
            return
        now = datetime.now(UTC)
        rows = OutboxDelivery.filter(event_id=event_pk[0], job=job, done_at=None)
        if error is None:
            await rows.update(done_at=now, last_error=None)
        else:
            what: BaseException | str = "the job asked to be retried" if isinstance(error, RetryJob) else error
            await rows.update(last_error=_error_text(now, "job run", what))
