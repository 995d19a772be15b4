"""The one notification point for "this user's rights or credentials changed".

HTTP needs no notice: every request builds its principal afresh from the database (`auth.authenticate`),
so a removed member, a revoked role, a revoked session or token counts from the next request. Long-lived
connections (the auction WebSocket) hold a principal for minutes, so they must be told.

Every service that changes what a user may do calls `identity_changed(conn, …)` inside its own
transaction: member removed, roles changed, member left, invitation accepted, logout, password changed or
reset, sessions ended by staff, API token revoked. It records an outbox event, so the notice is durable and
exists only if the change committed; the outbox relay publishes it on the bus channel `IDENTITY_CHANNEL`
(`events.identity.changed`) to every app process (Redis pub/sub in production, in-process otherwise).

A socket holder subscribes with `changes(bus)` and, for each `IdentityChange`, re-resolves the principal
of every socket of `change.user_id` (session or token still live? memberships now?), closing or
downgrading it. The payload says what changed but holds no rights: the database is the truth.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.outbox.events import record_event
from marketplace.ports.bus.base import EventBus

IDENTITY_TOPIC = "identity.changed"
IDENTITY_CHANNEL = f"events.{IDENTITY_TOPIC}"
REASONS = frozenset(
    {
        "member_removed",
        "member_left",
        "roles_changed",
        "invitation_accepted",
        "logout",
        "password_changed",
        "password_reset",
        "sessions_revoked",
        "token_revoked",
        "account_deactivated",
    }
)


@dataclass(frozen=True)
class IdentityChange:
    user_id: int
    reason: str
    organisation_id: int | None = None
    # Credentials that stopped working; empty when only rights changed.
    session_ids: tuple[int, ...] = ()
    token_ids: tuple[int, ...] = ()

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> IdentityChange:
        p = message.get("payload", message)
        return cls(
            user_id=int(p["user_id"]),
            reason=str(p["reason"]),
            organisation_id=None if p.get("organisation_id") is None else int(p["organisation_id"]),
            session_ids=tuple(int(i) for i in p.get("session_ids", ())),
            token_ids=tuple(int(i) for i in p.get("token_ids", ())),
        )


async def identity_changed(
    conn: BaseDBAsyncClient,
    user_id: int,
    reason: str,
    *,
    organisation_id: int | None = None,
    session_ids: Sequence[int] = (),
    token_ids: Sequence[int] = (),
) -> None:
    """Record, in the caller's transaction, that `user_id`'s rights or credentials changed."""
    if reason not in REASONS:
        raise ValueError(f"unknown identity change reason {reason!r}")
    await record_event(
        conn,
        IDENTITY_TOPIC,
        {
            "user_id": user_id,
            "reason": reason,
            "organisation_id": organisation_id,
            "session_ids": sorted(session_ids),
            "token_ids": sorted(token_ids),
        },
    )


@contextlib.asynccontextmanager
async def changes(bus: EventBus) -> AsyncIterator[AsyncIterator[IdentityChange]]:
    """Subscribe to identity changes from every process: `async with changes(bus) as stream: async for c in stream`."""
    async with bus.subscribe(IDENTITY_CHANNEL) as messages:

        async def stream() -> AsyncIterator[IdentityChange]:
            async for message in messages:
                yield IdentityChange.from_message(message)

        yield stream()
