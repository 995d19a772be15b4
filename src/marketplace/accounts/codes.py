"""One-time secrets sent through the mail port: links (confirm registration, reset a password, confirm a
new address) and short login codes. Only their SHA-256 is stored; a use is a conditional update, so a
secret works once even when two requests present it at the same moment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from marketplace.accounts import domain
from marketplace.accounts.auth import token_hash
from marketplace.accounts.models import OneTimeCode
from marketplace.errors import BadRequest
from marketplace.settings import Settings


class Purpose(StrEnum):
    REGISTER = "register"
    RESET = "password_reset"
    LOGIN = "login"
    CONTACT = "contact"


TTL = {
    Purpose.REGISTER: timedelta(hours=24),
    Purpose.RESET: timedelta(minutes=30),
    Purpose.LOGIN: timedelta(minutes=15),
    Purpose.CONTACT: timedelta(hours=24),
}


def link(settings: Settings, page: str, secret: str) -> str:
    return f"{settings.public_url.rstrip('/')}/{page}#token={secret}"


def invalid_link() -> BadRequest:
    return BadRequest("this link is unknown, expired or used already; ask for a new one", code="invalid_link")


@dataclass(frozen=True)
class Issued:
    id: int
    secret: str


def _login_code_hash(user_id: int, code: str) -> str:
    # Eight digits repeat across users: the user id in the hash keeps one user's code from matching another's.
    return token_hash(f"{user_id}:{code}")


async def issue(
    purpose: Purpose,
    *,
    user_id: int | None = None,
    payload: dict[str, Any] | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> Issued:
    """A new secret; earlier unused ones of the same purpose for the same user stop working."""
    now = datetime.now(UTC)
    if user_id is not None:
        await (
            OneTimeCode.filter(purpose=purpose.value, user_id=user_id, used_at=None).using_db(conn).update(used_at=now)
        )
    if purpose is Purpose.LOGIN:
        assert user_id is not None
        secret = f"{secrets.randbelow(10**8):08d}"
        digest = _login_code_hash(user_id, secret)
    else:
        secret = secrets.token_urlsafe(32)
        digest = token_hash(secret)
    row = await OneTimeCode.create(
        purpose=purpose.value,
        user_id=user_id,
        code_hash=digest,
        payload=payload or {},
        expires_at=now + TTL[purpose],
        using_db=conn,
    )
    return Issued(row.id, secret)


async def peek_link(purpose: Purpose, secret: str, conn: BaseDBAsyncClient | None = None) -> OneTimeCode | None:
    """The link's row if it could be used now (nothing is changed)."""
    if not secret or len(secret) > 128:
        return None
    row = await OneTimeCode.get_or_none(code_hash=token_hash(secret), purpose=purpose.value, using_db=conn)
    if row is None or not domain.code_usable(row.expires_at, row.used_at, row.attempts, datetime.now(UTC)):
        return None
    return row


async def consume_link(purpose: Purpose, secret: str, conn: BaseDBAsyncClient | None = None) -> OneTimeCode | None:
    """The link's row, now used; None when it is unknown, expired or used already."""
    row = await peek_link(purpose, secret, conn)
    if row is None:
        return None
    # The payload may hold a password hash (registration): a used row keeps none of it.
    taken = (
        await OneTimeCode.filter(id=row.id, used_at=None).using_db(conn).update(used_at=datetime.now(UTC), payload={})
    )
    return row if taken == 1 else None


async def consume_login_code(user_id: int, code: str, conn: BaseDBAsyncClient | None = None) -> bool:
    """True once for the right, unexpired code; every wrong try counts against the code's attempts."""
    now = datetime.now(UTC)
    row = (
        await OneTimeCode.filter(purpose=Purpose.LOGIN.value, user_id=user_id, used_at=None)
        .using_db(conn)
        .order_by("-id")
        .first()
    )
    if row is None or not domain.code_usable(row.expires_at, row.used_at, row.attempts, now):
        return False
    if not secrets.compare_digest(row.code_hash, _login_code_hash(user_id, code.strip())):
        await OneTimeCode.filter(id=row.id).using_db(conn).update(attempts=F("attempts") + 1)
        return False
    return await OneTimeCode.filter(id=row.id, used_at=None).using_db(conn).update(used_at=now) == 1
