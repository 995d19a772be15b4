"""The platform's wired services: the ports a request, job or loop uses. Built by `bootstrap.build_services`;
domain packages' plugins extend it. It sits below both, so neither imports the other to name the type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.revocation import IdentityWatch
from marketplace.outbox.relay import OutboxRelay
from marketplace.ports.bus.base import EventBus
from marketplace.ports.files.base import FileStorage
from marketplace.ports.jobs.base import JobQueue, JobRegistry
from marketplace.settings import Settings
from marketplace.web.ratelimit import Limiter, RateLimiter


class BackgroundLoop(Protocol):
    """A task every app process (and the worker) runs, e.g. a sweeper of due work."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


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
    # Ports added by domain packages' issues; each is chosen by its port's `select(settings)`.
    search: Any = None
    payments: Any = None
    # Card-held deposits (settlement.services.deposits.DepositHolds): set by settlement's plugin with the card rail;
    # None without Stripe, and the sweeper then leaves card refunds as tasks.
    deposit_holds: Any = None
    loops: list[BackgroundLoop] = field(default_factory=list)
    auth_limiter: Limiter = field(default_factory=lambda: RateLimiter(30))
    mailer: Any = None  # marketplace.ports.mail.base.Mailer, chosen by `mail.select(settings)`
    # Vehicle facts for documents (a VIN, make, model … by vehicle id): `async describe(id) -> summary | None`,
    # set by listings' plugin (listings.vehicles); the core reads vehicles only through it.
    vehicles: Any = None
    # Live connections (the /ws sockets) by user, told when a session, token or right is revoked.
    identities: IdentityWatch | None = None

    async def start(self, *, relay: bool = True, loops: bool = True) -> None:
        await self.bus.start()
        await self.jobs.start()
        if relay:
            await self.relay.start()
        if loops:
            for loop in self.loops:
                await loop.start()

    async def close(self) -> None:
        for loop in reversed(self.loops):
            await loop.stop()
        await self.relay.stop()
        await self.jobs.close()
        await self.bus.close()
        await self.auth_limiter.close()

    def describe(self) -> dict[str, str]:
        from marketplace import db

        return {
            "profile": self.settings.profile,
            "database": db.describe(self.settings),
            "pubsub": self.bus.name,
            "jobs": self.jobs.name,
            "files": f"{self.files.name}"
            + (f" ({self.settings.var_dir / 'files'})" if self.files.name == "local" else ""),
            "search": "meilisearch" if self.settings.meili_url else f"embedded ({self.settings.var_dir / 'search'})",
            "rate limits": self.auth_limiter.name,
            "payments": "offline bank transfer" if not self.settings.stripe_secret_key else "stripe",
        }
