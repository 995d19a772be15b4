"""Login throttling that a stranger cannot turn against an account.

Failures are counted per (login, client address) and per login over every address (`ANY_SOURCE`), in the
database so every process agrees. Each count has a free allowance, then doubling delays
(`domain.throttle_delay`). A stranger guessing from one address slows only that address; guessing spread
over many addresses slows the login everywhere, and the owner gets past with a one-time code sent to them
(`recovery.send_login_code`). The login string is hashed and counted whether or not an account has it, so
a throttled answer says nothing about which accounts exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from marketplace.accounts import domain
from marketplace.accounts.auth import token_hash
from marketplace.accounts.models import LoginThrottle
from marketplace.settings import Settings

ANY_SOURCE = "*"


def login_hash(login: str) -> str:
    try:
        _, value = domain.login_kind(login)
    except ValueError:
        value = login.strip().lower()
    return token_hash(f"login:{value}")


def _source(ip: str) -> str:
    return (ip or "unknown")[:64]


async def seconds_to_wait(login: str, ip: str, now: datetime) -> int:
    rows = await LoginThrottle.filter(login_hash=login_hash(login), source__in=[_source(ip), ANY_SOURCE])
    return max((domain.seconds_blocked(r.blocked_until, now) for r in rows), default=0)


async def record_failure(login: str, ip: str, settings: Settings, now: datetime) -> None:
    key = login_hash(login)
    await _bump(key, _source(ip), settings.login_free_failures, settings, now)
    await _bump(key, ANY_SOURCE, settings.login_account_free_failures, settings, now)


async def _bump(key: str, source: str, free: int, settings: Settings, now: datetime) -> None:
    # Compare-and-set on the count: concurrent failures each add one (a lost race retries).
    for _ in range(5):
        row = await LoginThrottle.get_or_none(login_hash=key, source=source)
        # A count left alone past the forget horizon starts afresh, whether or not the prune has run yet.
        forgotten = row is not None and row.updated_at < now - timedelta(hours=settings.login_forget_hours)
        failures = (row.failures if row and not forgotten else 0) + 1
        delay = domain.throttle_delay(failures, free, settings.login_max_delay_seconds)
        blocked = now + timedelta(seconds=delay) if delay else None
        if row is None:
            try:
                await LoginThrottle.create(login_hash=key, source=source, failures=failures, blocked_until=blocked)
            except IntegrityError:
                continue
            await forget_old(settings, now)
            return
        if await LoginThrottle.filter(id=row.id, failures=row.failures).update(
            failures=failures, blocked_until=blocked, updated_at=now
        ):
            return


async def forget_old(settings: Settings, now: datetime) -> int:
    """Drop counts nobody has touched for `login_forget_hours` and that no longer block.

    Called whenever a new count is created, so a flood of made-up logins (each a new row) prunes as it
    grows: the table holds at most about a day's worth of distinct failing logins.
    """
    cutoff = now - timedelta(hours=settings.login_forget_hours)
    stale = Q(updated_at__lt=cutoff) & (Q(blocked_until__isnull=True) | Q(blocked_until__lt=now))
    return await LoginThrottle.filter(stale).delete()


async def clear(login: str, ip: str | None = None) -> None:
    """After a success: this address starts afresh, and so does the count over every address."""
    sources = [ANY_SOURCE] if ip is None else [_source(ip), ANY_SOURCE]
    await LoginThrottle.filter(login_hash=login_hash(login), source__in=sources).delete()


async def clear_logins(*logins: str | None) -> None:
    """A password reset proves the owner: every count for their logins, from every address, goes."""
    keys = [login_hash(v) for v in logins if v]
    if keys:
        await LoginThrottle.filter(login_hash__in=keys).delete()
