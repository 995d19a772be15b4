"""Append-only audit log of security-relevant actions."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.models import AuditEntry


async def audit(
    action: str,
    *,
    actor: int | None,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str = "",
    conn: BaseDBAsyncClient | None = None,
) -> None:
    await AuditEntry.create(
        action=action, actor_user_id=actor, target=target, details=details or {}, ip=ip[:64], using_db=conn
    )
