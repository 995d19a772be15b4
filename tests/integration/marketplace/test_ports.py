"""One behaviour suite per port, run against each adapter (Redis ones when REDIS_URL is set)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from marketplace.ports.bus.base import EventBus
from marketplace.ports.bus.memory import InProcessBus
from marketplace.ports.files.base import FileStorage, check_key
from marketplace.ports.files.database import DatabaseFileStorage
from marketplace.ports.files.local import LocalFileStorage
from marketplace.ports.jobs.base import JobQueue, JobRegistry, RetryJob
from marketplace.ports.jobs.inprocess import InProcessJobs
from marketplace.settings import Settings
from tests.conftest import REDIS_URL

BUSES = ["memory", "redis"]


@pytest.fixture(params=BUSES)
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    b: EventBus
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip(reason="needs REDIS_URL: runs in the production-profile pass of .ci/run")
        from marketplace.ports.bus.redis import RedisBus

        b = RedisBus(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}:")
    else:
        b = InProcessBus()
    await b.start()
    yield b
    await b.close()


async def test_bus_fans_out_to_every_subscriber_in_order(bus: EventBus) -> None:
    async with bus.subscribe("lot.1") as first, bus.subscribe("lot.1") as second, bus.subscribe("lot.2") as other:
        for n in range(5):
            await bus.publish("lot.1", {"n": n})
        await bus.publish("lot.2", {"n": 99})
        got_first = [(await asyncio.wait_for(anext(first), 5))["n"] for _ in range(5)]
        got_second = [(await asyncio.wait_for(anext(second), 5))["n"] for _ in range(5)]
        assert got_first == got_second == [0, 1, 2, 3, 4]
        assert (await asyncio.wait_for(anext(other), 5)) == {"n": 99}


async def test_bus_message_survives_json_round_trip(bus: EventBus) -> None:
    message = {"price_fen": 4527100, "paddle": "A-017", "名称": "宝马 3系", "nested": {"ok": True}}
    async with bus.subscribe("roundtrip") as messages:
        await bus.publish("roundtrip", message)
        assert await asyncio.wait_for(anext(messages), 5) == message


async def test_bus_publish_without_subscribers_is_fine(bus: EventBus) -> None:
    await bus.publish("nobody-listens", {"x": 1})
    await bus.ping()


async def test_slow_in_process_subscriber_is_cut_off_not_blocking() -> None:
    bus = InProcessBus(queue_size=3)
    async with bus.subscribe("busy") as slow, bus.subscribe("busy") as fast_sub:
        received: list[int] = []
        for n in range(10):
            await bus.publish("busy", {"n": n})
            received.append((await anext(fast_sub))["n"])
        assert received == list(range(10))
        drained = [m["n"] async for m in slow]
        assert drained == [0, 1, 2]  # what it had queued, in order; then cut off, so its iteration ends


@pytest.fixture(params=["in-process", "arq"])
async def jobs(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[tuple[JobQueue, JobRegistry, Any]]:
    registry = JobRegistry()
    if request.param == "arq":
        if not REDIS_URL:
            pytest.skip(reason="needs REDIS_URL: runs in the production-profile pass of .ci/run")
        from marketplace.ports.jobs.arq import ArqJobs

        queue: JobQueue = ArqJobs(REDIS_URL, registry, queue_name=f"test-{uuid.uuid4().hex[:8]}:jobs")
    else:
        queue = InProcessJobs(registry)
    await queue.start()

    async def run_all() -> None:
        if isinstance(queue, InProcessJobs):
            await queue.drain()
            return
        from arq.worker import create_worker

        from marketplace.worker import _arq_function

        worker = create_worker(
            {
                "functions": [
                    __import__("arq.worker", fromlist=["func"]).func(_arq_function(n, f), name=n)
                    for n, f in registry.functions.items()
                ],
                "redis_settings": __import__("arq.connections", fromlist=["RedisSettings"]).RedisSettings.from_dsn(
                    REDIS_URL
                ),
                "queue_name": queue.queue_name,  # type: ignore[attr-defined]
                "job_serializer": __import__("marketplace.ports.jobs.arq", fromlist=["dumps"]).dumps,
                "job_deserializer": __import__("marketplace.ports.jobs.arq", fromlist=["loads"]).loads,
            },
            burst=True,
            poll_delay=0.05,
        )
        await worker.main()
        await worker.close()

    yield queue, registry, run_all
    await queue.close()


async def test_jobs_run_with_json_payload_and_duplicate_ids_drop(jobs: tuple[JobQueue, JobRegistry, Any]) -> None:
    queue, registry, run_all = jobs
    seen: list[dict[str, Any]] = []

    async def record(payload: dict[str, Any]) -> None:
        seen.append(payload)

    registry.register("record", record)
    # arq remembers finished job ids in Redis for a while: an id unique to this run keeps runs independent.
    job_id = f"lot:close:1:{uuid.uuid4().hex}"
    assert await queue.enqueue("record", {"lot": 1, "amount_fen": 100}, job_id=job_id) is True
    assert await queue.enqueue("record", {"lot": 1, "amount_fen": 100}, job_id=job_id) is False
    assert await queue.enqueue("record", {"lot": 2}) is True
    await run_all()
    assert sorted(seen, key=lambda p: p["lot"]) == [{"lot": 1, "amount_fen": 100}, {"lot": 2}]


async def test_jobs_retry_only_on_retry(jobs: tuple[JobQueue, JobRegistry, Any]) -> None:
    queue, registry, run_all = jobs
    attempts = {"flaky": 0, "broken": 0}

    async def flaky(payload: dict[str, Any]) -> None:
        attempts["flaky"] += 1
        if attempts["flaky"] < 3:
            raise RetryJob(defer=0.01)

    async def broken(payload: dict[str, Any]) -> None:
        attempts["broken"] += 1
        raise ValueError("a bug is not retried")

    registry.register("flaky", flaky)
    registry.register("broken", broken)
    await queue.enqueue("flaky", {})
    await queue.enqueue("broken", {})
    await run_all()
    assert attempts == {"flaky": 3, "broken": 1}


async def test_unknown_job_is_refused(jobs: tuple[JobQueue, JobRegistry, Any]) -> None:
    queue, _, _ = jobs
    with pytest.raises(KeyError, match="unknown job"):
        await queue.enqueue("no-such-job", {})


@pytest.fixture(params=["local", "database"])
async def files(request: pytest.FixtureRequest, database: Settings, tmp_path: Path) -> FileStorage:
    return LocalFileStorage(tmp_path / "files") if request.param == "local" else DatabaseFileStorage()


async def test_files_save_load_overwrite_delete(files: FileStorage) -> None:
    await files.save("photos/1/front.jpg", b"\xff\xd8first", "image/jpeg")
    await files.save("photos/1/front.jpg", b"\xff\xd8second", "image/jpeg")
    stored = await files.load("photos/1/front.jpg")
    assert stored is not None
    assert (stored.data, stored.content_type) == (b"\xff\xd8second", "image/jpeg")
    assert await files.load("photos/1/missing.jpg") is None
    await files.delete("photos/1/front.jpg")
    assert await files.load("photos/1/front.jpg") is None
    await files.delete("photos/1/front.jpg")  # deleting twice is fine


@pytest.mark.parametrize("key", ["../etc/passwd", "a/../../b", "/abs", "", "a//b", "a\\b", "x\x00y", "a" * 300])
async def test_files_refuse_escaping_keys(files: FileStorage, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        await files.save(key, b"x", "text/plain")
    with pytest.raises(ValueError, match="invalid storage key"):
        check_key(key)


async def test_arq_job_ids_are_per_queue(requires_redis: str) -> None:
    """arq keeps job keys outside the queue's name: the same id in two namespaces must not collide."""
    from marketplace.ports.jobs.arq import ArqJobs

    registry = JobRegistry()
    registry.register("record", lambda payload: None)
    run = uuid.uuid4().hex[:8]
    one = ArqJobs(requires_redis, registry, queue_name=f"test-{run}-a:jobs")
    two = ArqJobs(requires_redis, registry, queue_name=f"test-{run}-b:jobs")
    try:
        assert await one.enqueue("record", {}, job_id="lot:close:1:1000") is True
        assert await two.enqueue("record", {}, job_id="lot:close:1:1000") is True  # another deployment's lot 1
        assert await one.enqueue("record", {}, job_id="lot:close:1:1000") is False  # still one job per queue
    finally:
        for q in (one, two):
            assert q._pool is not None
            await q._pool.delete(q.queue_name)
            await q.close()
