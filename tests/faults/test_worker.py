"""The worker rides out Redis outages, and nothing queued is lost when Redis comes back empty."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

import redis.asyncio as aioredis
from tortoise.transactions import in_transaction

from marketplace.bootstrap import build_services
from marketplace.outbox.events import record_event
from marketplace.outbox.models import OutboxDelivery, OutboxEvent
from marketplace.outbox.relay import OutboxRelay
from marketplace.settings import Settings
from tests.faults.conftest import Worker, eventually, process_env
from tests.faults.servers import RedisServer
from tests.integration.marketplace.test_outbox import (
    CONSUMER,
    TOPIC,
    Recorder,
    create_org_with_event,
    registry_with,
    run_jobs,
)


async def _index_event(listing_id: int) -> int:
    # `listings.index` is a real subscribed job; for a listing that does not exist it removes nothing.
    async with in_transaction() as conn:
        await record_event(conn, "listing.changed", {"listing_id": listing_id, "change": "edited"})
    return int((await OutboxEvent.get(topic="listing.changed", payload__contains={"listing_id": listing_id})).id)


async def _done(event_pk: int) -> bool:
    return await OutboxDelivery.filter(event_id=event_pk, job="listings.index").exclude(done_at=None).exists()


async def test_worker_rides_out_a_redis_outage_and_takes_up_its_queue_again(
    fault_db: Settings, redis_server: RedisServer, worker_process: Any
) -> None:
    worker: Worker = worker_process()
    first = await _index_event(900_001)
    await eventually(lambda: _done(first), timeout=20)  # up and working

    redis_server.stop()
    await asyncio.sleep(4)  # arq's own loop ended the process about a second after this
    assert worker.alive(), worker.log
    alive = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "marketplace", "worker", "--alive"],
        env=process_env(fault_db),
        capture_output=True,
        timeout=60,
    )
    assert alive.returncode == 0, alive.stderr  # the container health check: alive through the outage
    during = await _index_event(900_002)  # committed while Redis is away: owed, not lost
    await asyncio.sleep(1)

    redis_server.start()  # empty: nothing of the old queue survives
    await eventually(lambda: _done(during), timeout=20)
    assert worker.alive()

    log = worker.log
    assert "Traceback" not in log, log
    went = [line for line in log.splitlines() if "unreachable" in line and "worker" in line]
    assert len(went) == 1, log  # the state change once (reminders come after a minute)
    assert "worker: back after" in log, log
    assert worker.stop() == 0  # and it still stops cleanly on SIGTERM


async def test_worker_started_while_redis_is_down_waits_for_it(
    fault_db: Settings, redis_server: RedisServer, worker_process: Any
) -> None:
    redis_server.stop()
    worker: Worker = worker_process()
    event = await _index_event(900_003)
    await asyncio.sleep(3)
    assert worker.alive(), worker.log
    redis_server.start()
    await eventually(lambda: _done(event), timeout=20)
    assert "Traceback" not in worker.log, worker.log


async def test_a_job_lost_with_redis_is_sent_again_and_runs_once(fault_db: Settings, redis_server: RedisServer) -> None:
    """arq accepted the job, then Redis restarted empty before any worker ran it."""
    settings = fault_db
    recorder = Recorder()
    registry = registry_with(recorder)
    services = build_services(settings, registry=registry, subscriptions={TOPIC: [CONSUMER]})
    services.relay = OutboxRelay(
        services.bus, services.jobs, services.subscriptions, redeliver_after=timedelta(seconds=0.5), registry=registry
    )
    queue = f"{settings.redis_namespace}:jobs"

    async def queued() -> int:
        client = aioredis.Redis.from_url(redis_server.url)  # a fresh connection: Redis restarts below
        try:
            return int(await client.zcard(queue))
        finally:
            await client.aclose()

    await services.start(relay=False)
    try:
        org_id = await create_org_with_event()
        assert await services.relay.deliver_pending() == 1
        assert await queued() == 1  # the broker has it

        redis_server.stop()
        redis_server.start()  # restarted empty, before any worker ran the job
        assert await queued() == 0
        await run_jobs(services, settings)
        assert recorder.calls == 0
        delivery = await OutboxDelivery.get(event__topic=TOPIC)
        assert delivery.done_at is None  # still owed: a queued job is not a done job

        async def sent_again() -> bool:
            await services.relay.deliver_pending()
            return bool(await queued())

        await eventually(sent_again, timeout=10)
        await run_jobs(services, settings)
        assert recorder.effects == Counter({org_id: 1})
        delivery = await OutboxDelivery.get(id=delivery.id)
        assert delivery.done_at is not None
        assert delivery.attempts >= 2

        await asyncio.sleep(0.6)  # past the redelivery time: a done job is never sent again
        await services.relay.deliver_pending()
        assert await queued() == 0
        assert recorder.calls == 1
    finally:
        await services.close()
