"""The one place that picks adapters for the configured profile and wires them into `Services`."""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.accounts.passwords import PasswordHasher
from marketplace.outbox.relay import OutboxRelay
from marketplace.ports.bus.base import EventBus
from marketplace.ports.files.base import FileStorage
from marketplace.ports.jobs.base import JobQueue, JobRegistry
from marketplace.settings import Settings


@dataclass
class Services:
    settings: Settings
    bus: EventBus
    jobs: JobQueue
    files: FileStorage
    hasher: PasswordHasher
    relay: OutboxRelay
    registry: JobRegistry
    subscriptions: dict[str, list[str]] = field(default_factory=dict)

    async def start(self, *, relay: bool = True) -> None:
        await self.bus.start()
        await self.jobs.start()
        if relay:
            await self.relay.start()

    async def close(self) -> None:
        await self.relay.stop()
        await self.jobs.close()
        await self.bus.close()

    def describe(self) -> dict[str, str]:
        from marketplace import db

        return {
            "profile": self.settings.profile,
            "database": db.describe(self.settings),
            "pubsub": self.bus.name,
            "jobs": self.jobs.name,
            "files": f"{self.files.name}"
            + (f" ({self.settings.var_dir / 'files'})" if self.files.name == "local" else ""),
            "search": "embedded (coming with the listings issue)" if not self.settings.meili_url else "meilisearch",
            "payments": "offline bank transfer" if not self.settings.stripe_secret_key else "stripe",
        }


def job_registry() -> tuple[JobRegistry, dict[str, list[str]]]:
    """Every package's jobs and the outbox topics they consume."""
    registry = JobRegistry()
    subscriptions: dict[str, list[str]] = {}
    return registry, subscriptions


def build_services(
    settings: Settings,
    *,
    registry: JobRegistry | None = None,
    subscriptions: dict[str, list[str]] | None = None,
) -> Services:
    default_registry, default_subs = job_registry()
    registry = registry or default_registry
    subscriptions = default_subs if subscriptions is None else subscriptions

    bus: EventBus
    jobs: JobQueue
    if settings.redis_url:
        from marketplace.ports.bus.redis import RedisBus
        from marketplace.ports.jobs.arq import ArqJobs

        bus = RedisBus(settings.redis_url, prefix=f"{settings.redis_namespace}:")
        jobs = ArqJobs(settings.redis_url, registry, queue_name=f"{settings.redis_namespace}:jobs")
    else:
        from marketplace.ports.bus.memory import InProcessBus
        from marketplace.ports.jobs.inprocess import InProcessJobs

        bus = InProcessBus()
        jobs = InProcessJobs(registry)

    files: FileStorage
    if settings.file_storage == "database":
        from marketplace.ports.files.database import DatabaseFileStorage

        files = DatabaseFileStorage()
    else:
        from marketplace.ports.files.local import LocalFileStorage

        files = LocalFileStorage(settings.var_dir / "files")

    relay = OutboxRelay(bus, jobs, subscriptions, interval=settings.relay_interval_seconds)
    return Services(settings, bus, jobs, files, PasswordHasher(settings), relay, registry, subscriptions)
