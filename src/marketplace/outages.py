"""Backing services that go away and come back: recognising an outage, riding it out, logging it sanely.

An outage is not a bug. A request that meets one answers 503 `service_unavailable` with `Retry-After`
(`web.middleware`), a socket bid gets a retryable `bid_result`, background loops keep retrying with
backoff. What an operator sees is one line when a service goes, a reminder now and then while it
stays away, and one line when it is back, instead of a traceback per attempt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

# A Redis call on a request's path waits at most this long: a frozen Redis (SIGSTOP, a network
# partition) accepts connections and never answers, so only a timeout tells it from a slow one.
REDIS_REQUEST_TIMEOUT = 0.5
# After a failed call the request path skips Redis this long, so a frozen Redis costs one timeout
# per process and cool-down, not one per request.
REDIS_COOLDOWN = 2.0
RETRY_AFTER_SECONDS = 2
REMIND_EVERY = 60.0


class Unreachable(Exception):
    """A backing service could not be reached (refused, reset, timed out, or skipped while it is known down)."""

    def __init__(self, service: str, cause: str) -> None:
        super().__init__(f"{service} unreachable: {cause}")
        self.service = service
        self.cause = cause


def _own_outage(exc: BaseException) -> str | None:
    if isinstance(exc, Unreachable):
        return exc.service
    module = type(exc).__module__
    if module.startswith("redis"):
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        return "redis" if isinstance(exc, RedisConnectionError | RedisTimeoutError) else None
    if module.startswith("asyncpg"):
        import asyncpg

        lost = (
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.CannotConnectNowError,
            asyncpg.AdminShutdownError,
            asyncpg.CrashShutdownError,
            # What a pooled connection raises when its server vanished mid-operation ("cannot switch
            # to state …"): the pool discards it, the next one reconnects.
            asyncpg.InternalClientError,
        )
        return "database" if isinstance(exc, lost) else None
    if module.startswith("tortoise"):
        from tortoise.exceptions import DBConnectionError

        return "database" if isinstance(exc, DBConnectionError) else None
    # redis-py wraps its socket errors in its own classes, so a bare one comes from the database driver.
    if isinstance(exc, ConnectionError):
        return "database"
    return None


def outage_of(exc: BaseException) -> str | None:
    """'database' or 'redis' when `exc`, or what caused it, says that service cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        service = _own_outage(current)
        if service is not None:
            return service
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return None


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


class OutageLog:
    """Logs an outage's state changes once, with the cause, and a reminder every `remind_every` seconds."""

    def __init__(
        self,
        log: logging.Logger,
        what: str,
        *,
        remind_every: float = REMIND_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._what = what
        self._remind_every = remind_every
        self._clock = clock
        self._since: float | None = None
        self._reminded = 0.0
        self._failures = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        now = self._clock()
        self._failures += 1
        if self._since is None:
            self._since = self._reminded = now
            self._log.warning("%s: %s unreachable (%s)", self._what, outage_of(exc) or "a service", describe(exc))
        elif now - self._reminded >= self._remind_every:
            self._reminded = now
            self._log.warning(
                "%s: still unreachable after %.0f s, %d failures (%s)",
                self._what,
                now - self._since,
                self._failures,
                describe(exc),
            )

    def report(self, exc: BaseException, message: str, *args: Any) -> None:
        """A failure in a loop or on a path that degrades: an outage is counted and logged as above,
        anything else is a bug and logged with its traceback."""
        if outage_of(exc) is None:
            self._log.exception(message, *args, exc_info=exc)
        else:
            self.failed(exc)

    def recovered(self) -> None:
        if self._since is None:
            return
        self._log.warning(
            "%s: back after %.1f s (%d failures meanwhile)", self._what, self._clock() - self._since, self._failures
        )
        self._since = None
        self._failures = 0


class Breaker:
    """Guards one Redis client on the request path: every call has a deadline, and after a failure the
    service is skipped for a cool-down, during which callers take their degraded path at once."""

    def __init__(
        self,
        service: str = "redis",
        *,
        timeout: float = REDIS_REQUEST_TIMEOUT,
        cooldown: float = REDIS_COOLDOWN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.timeout = timeout
        self.cooldown = cooldown
        self._clock = clock
        self._open_until = 0.0

    @property
    def open(self) -> bool:
        return self._clock() < self._open_until

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        if self.open:
            raise Unreachable(self.service, "skipped while it is known to be down")
        try:
            async with asyncio.timeout(self.timeout):
                result = await operation()
        except TimeoutError as exc:
            self._open_until = self._clock() + self.cooldown
            raise Unreachable(self.service, f"no answer within {self.timeout:g} s") from exc
        except Exception as exc:
            if outage_of(exc) is None:
                raise
            self._open_until = self._clock() + self.cooldown
            raise Unreachable(self.service, describe(exc)) from exc
        self._open_until = 0.0
        return result


def backoff(attempt: int, *, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds before retry number `attempt` (1, 2, 3 …): doubling from `base`, at most `cap`."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
