"""The one place that picks adapters for the configured profile and wires them into `Services`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.revocation import IdentityWatch
from marketplace.outbox.relay import OutboxRelay
from marketplace.ports.bus.base import EventBus
from marketplace.ports.files.base import FileStorage
from marketplace.ports.jobs.base import JobQueue, JobRegistry
from marketplace.services import Services
from marketplace.settings import Settings
from marketplace.web.ratelimit import RateLimiter


def _installers() -> list[Any]:
    # Each domain package's `plugin.install(services)` registers its jobs, outbox subscriptions,
    # background loops and ports. The order is the start order.
    import auctions.plugin
    import export.plugin
    import listings.plugin
    import marketplace.settlement.plugin

    return [
        listings.plugin.install,
        auctions.plugin.install,
        marketplace.settlement.plugin.install,
        export.plugin.install,
    ]


def build_services(
    settings: Settings,
    *,
    registry: JobRegistry | None = None,
    subscriptions: dict[str, list[str]] | None = None,
) -> Services:
    custom = registry is not None or subscriptions is not None
    registry = registry or JobRegistry()
    subscriptions = {} if subscriptions is None else subscriptions

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

    relay = OutboxRelay(
        bus,
        jobs,
        subscriptions,
        interval=settings.relay_interval_seconds,
        redeliver_after=timedelta(seconds=settings.outbox_redeliver_seconds),
        registry=registry,
    )
    services = Services(settings, bus, jobs, files, PasswordHasher(settings), relay, registry, subscriptions)
    from marketplace.ports import mail

    services.mailer = mail.select(settings)
    services.identities = IdentityWatch(bus)
    services.loops.append(services.identities)
    if settings.redis_url:  # one budget for all app processes behind the load balancer
        from marketplace.web.ratelimit import RedisRateLimiter

        services.auth_limiter = RedisRateLimiter(
            settings.redis_url, settings.auth_requests_per_minute, prefix=f"{settings.redis_namespace}:"
        )
    else:
        services.auth_limiter = RateLimiter(settings.auth_requests_per_minute)
    if not custom:  # tests that pass their own registry get the bare platform
        for install in _installers():
            install(services)
    return services
