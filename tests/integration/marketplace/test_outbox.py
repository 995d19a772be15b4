from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from marketplace.accounts.models import Organisation
from marketplace.bootstrap import build_services
from marketplace.outbox.events import consume_once, record_event
from marketplace.outbox.models import OutboxDelivery, OutboxEvent, ProcessedEvent
from marketplace.outbox.relay import OutboxRelay
from marketplace.ports.bus.memory import InProcessBus
from marketplace.ports.jobs.base import JobRegistry, RetryJob
from marketplace.ports.jobs.inprocess import InProcessJobs
from marketplace.settings import Settings
from tests.conftest import REDIS_URL

TOPIC = "organisation.created"
CONSUMER = "test.record_org"


class Recorder:
    """A consumer that counts side effects; `consume_once` must keep redeliveries from repeating them."""

    def __init__(self) -> None:
        self.effects: Counter[int] = Counter()
        self.calls = 0

    async def __call__(self, message: dict[str, Any]) -> None:
        self.calls += 1

        async def handle(conn: Any) -> None:
            self.effects[int(message["payload"]["organisation_id"])] += 1

        await consume_once(CONSUMER, message, handle)


def registry_with(recorder: Recorder) -> JobRegistry:
    registry = JobRegistry()
    registry.register(CONSUMER, recorder)
    return registry


async def create_org_with_event(name: str = "org") -> int:
    async with in_transaction() as conn:
        org = await Organisation.create(name=name, kind="dealer", using_db=conn)
        await record_event(conn, TOPIC, {"organisation_id": org.id})
    return org.id


async def run_jobs(services: Any, settings: Settings) -> None:
    """Run what the relay queued: in-process jobs drain; arq jobs run in a burst worker."""
    if isinstance(services.jobs, InProcessJobs):
        await services.jobs.drain()
        return
    from arq.worker import create_worker

    from marketplace.worker import worker_settings

    config = worker_settings(settings, services, manage_db=False)
    config["on_startup"] = None
    config["on_shutdown"] = None
    worker = create_worker(config, burst=True, poll_delay=0.05)  # type: ignore[arg-type]
    await worker.main()
    await worker.close()


async def wait_until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_event_is_written_in_the_same_transaction(database: Settings) -> None:
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            org = await Organisation.create(name="rolled back", kind="dealer", using_db=conn)
            await record_event(conn, TOPIC, {"organisation_id": org.id})
            raise RuntimeError("the state change fails")
    assert await OutboxEvent.all().count() == 0
    assert await Organisation.all().count() == 0
    await create_org_with_event()
    assert await OutboxEvent.filter(topic=TOPIC, published_at=None).count() == 1


async def test_relay_delivers_to_bus_and_jobs_once(database: Settings) -> None:
    recorder = Recorder()
    services = build_services(database, registry=registry_with(recorder), subscriptions={TOPIC: [CONSUMER]})
    await services.start(relay=False)
    try:
        async with services.bus.subscribe(f"events.{TOPIC}") as messages:
            org_id = await create_org_with_event()
            assert await services.relay.deliver_pending() == 1
            message = await asyncio.wait_for(anext(aiter(messages)), 5)
        assert message["payload"] == {"organisation_id": org_id}
        await run_jobs(services, database)
        assert recorder.effects == Counter({org_id: 1})
        assert await services.relay.deliver_pending() == 0  # published events are not sent again
        assert await OutboxEvent.filter(published_at=None).count() == 0
    finally:
        await services.close()


async def test_redelivered_event_is_harmless(database: Settings) -> None:
    recorder = Recorder()
    org_id = await create_org_with_event()
    event = await OutboxEvent.get(topic=TOPIC)
    message = {"event_id": str(event.event_id), "topic": TOPIC, "payload": event.payload}
    await recorder(message)
    await recorder(message)
    await recorder(dict(message))
    assert recorder.calls == 3
    assert recorder.effects == Counter({org_id: 1})
    assert await ProcessedEvent.filter(consumer=CONSUMER).count() == 1


async def test_failed_consumer_leaves_event_unprocessed(database: Settings) -> None:
    message = {"event_id": str(uuid.uuid4()), "topic": TOPIC, "payload": {}}

    async def broken(conn: Any) -> None:
        raise ValueError("consumer bug")

    with pytest.raises(ValueError, match="consumer bug"):
        await consume_once(CONSUMER, message, broken)
    # The processed mark rolled back with the failed work, so a retry will run the consumer again.
    assert not await ProcessedEvent.exists(consumer=CONSUMER)


async def test_two_relays_never_publish_the_same_event_twice(database: Settings) -> None:
    published: list[str] = []

    class CountingBus(InProcessBus):
        async def publish(self, channel: str, message: dict[str, Any]) -> None:
            published.append(message["event_id"])
            await asyncio.sleep(0)  # let the other relay interleave

    ids = [await create_org_with_event(f"org {i}") for i in range(30)]
    relays = [OutboxRelay(CountingBus(), InProcessJobs(JobRegistry()), {}) for _ in range(3)]
    await asyncio.gather(*(r.deliver_pending() for r in relays))
    assert len(published) == len(ids)
    assert len(set(published)) == len(ids)


async def test_publish_failure_backs_off_and_shows_the_latest_error(database: Settings) -> None:
    class FlakyBus(InProcessBus):
        failures = ["redis went away", "redis still away"]

        async def publish(self, channel: str, message: dict[str, Any]) -> None:
            if self.failures:
                raise ConnectionError(self.failures.pop(0))

    bus = FlakyBus()
    relay = OutboxRelay(bus, InProcessJobs(JobRegistry()), {})
    await create_org_with_event()
    assert await relay.deliver_pending() == 0
    event = await OutboxEvent.get(topic=TOPIC)
    assert event.published_at is None
    assert event.last_error is not None
    assert event.last_error.endswith("attempt 1: ConnectionError: redis went away")
    # Backoff: the next pass does not hammer the broker again at once.
    assert event.claimed_until is not None
    assert event.claimed_until > datetime.now(UTC) + timedelta(seconds=0.2)
    assert await relay.deliver_pending() == 0
    assert (await OutboxEvent.get(id=event.id)).attempts == 1

    await OutboxEvent.filter(id=event.id).update(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
    assert await relay.deliver_pending() == 0
    event = await OutboxEvent.get(id=event.id)
    assert event.last_error is not None
    assert event.last_error.endswith("attempt 2: ConnectionError: redis still away")  # the latest, not the first
    assert event.claimed_until is not None
    assert event.claimed_until > datetime.now(UTC) + timedelta(seconds=0.7)  # doubled

    await OutboxEvent.filter(id=event.id).update(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
    assert await relay.deliver_pending() == 1
    event = await OutboxEvent.get(id=event.id)
    assert event.published_at is not None
    assert event.last_error is None  # the row shows its state now: delivered


async def test_relay_killed_between_commit_and_publish_delivers_after_restart(database: Settings) -> None:
    """The child commits an org and its event, claims it, and dies before publishing (exit 137)."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    env.pop("REDIS_URL", None)
    child = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tests.integration.marketplace.relay_crash_child", str(database.database_url)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert child.returncode == 137, child.stderr
    org_id = int(child.stdout.split("committed org ")[1].split()[0])

    event = await OutboxEvent.get(topic=TOPIC)
    assert event.published_at is None  # committed, claimed, never published
    assert event.attempts == 1
    assert await Organisation.exists(id=org_id)

    recorder = Recorder()
    services = build_services(database, registry=registry_with(recorder), subscriptions={TOPIC: [CONSUMER]})
    services.relay = OutboxRelay(
        services.bus, services.jobs, {TOPIC: [CONSUMER]}, interval=0.05, lease=timedelta(seconds=1)
    )
    await services.start()  # the restarted process: its relay runs in the background
    try:

        async def published() -> bool:
            return await OutboxEvent.filter(id=event.id).exclude(published_at=None).exists()

        await wait_until(published, timeout=10)  # after the dead relay's 1 s lease ran out
        await run_jobs(services, database)
        assert recorder.effects == Counter({org_id: 1})
        # A second delivery of the same event (say the relay died after publishing) changes nothing.
        await services.jobs.enqueue(
            CONSUMER,
            {"event_id": str(event.event_id), "topic": TOPIC, "payload": event.payload},
            job_id=f"again:{event.event_id}",
        )
        await run_jobs(services, database)
        assert recorder.effects == Counter({org_id: 1})
        assert (await OutboxEvent.get(id=event.id)).attempts == 2
    finally:
        await services.close()


def test_production_pass_uses_redis_when_configured(settings: Settings) -> None:
    services = build_services(settings)
    assert (services.jobs.name, services.bus.name) == (("arq", "redis") if REDIS_URL else ("in-process", "in-process"))


async def test_a_job_stays_owed_until_it_has_run_and_shows_its_latest_error(database: Settings) -> None:
    runs: Counter[str] = Counter()

    async def flaky_then_fine(message: dict[str, Any]) -> None:
        runs["flaky"] += 1
        if runs["flaky"] == 1:
            raise RetryJob(defer=0.01)

    async def broken(message: dict[str, Any]) -> None:
        runs["broken"] += 1
        raise ValueError("a bug in the consumer")

    registry = JobRegistry()
    registry.register("test.flaky", flaky_then_fine)
    registry.register("test.broken", broken)
    subscriptions = {TOPIC: ["test.flaky", "test.broken"]}
    services = build_services(database, registry=registry, subscriptions=subscriptions)
    services.relay = OutboxRelay(services.bus, services.jobs, subscriptions, registry=registry)
    await services.start(relay=False)
    try:
        await create_org_with_event()
        assert await services.relay.deliver_pending() == 1
        owed = {d.job: d for d in await OutboxDelivery.all()}
        assert set(owed) == {"test.flaky", "test.broken"}
        assert all(d.done_at is None and d.attempts == 1 for d in owed.values())  # queued is not done
        await run_jobs(services, database)
        flaky = await OutboxDelivery.get(job="test.flaky")
        assert flaky.done_at is not None
        assert flaky.last_error is None  # its latest state: done, not the retry before it
        broken_row = await OutboxDelivery.get(job="test.broken")
        assert broken_row.done_at is None  # still owed: an operator sees it, and why
        assert broken_row.last_error is not None
        assert broken_row.last_error.endswith("job run: ValueError: a bug in the consumer")
        assert runs == Counter({"flaky": 2, "broken": 1})
    finally:
        await services.close()
