"""Identity follows revocation on open connections, on every process: the one notification point.

A use case that ends a session or token, or changes what a user may do (logout, password change, token
revocation, staff ending every session, a removed membership or role), calls
`marketplace.accounts.identity.identity_changed` inside its own transaction. That writes an outbox event, so the
notice is as durable as the change: the relay of any process publishes it after commit on the bus, and every process's
`IdentityWatch` acts on it for the live connections it holds (the `/ws` sockets): a listed session or
token is dead, and its connections close at once; every other connection of that user re-resolves its
principal from the database, dropping memberships, roles or scopes that are gone (and closing if its own
credential turns out dead too).

The bus is fast, not the record, so two back-stops cover a lost notice: a connection re-checks its
credential before acting if its last check is older than a second (`IdentityWatch.current`), and a watch
whose bus subscription was interrupted re-resolves every connection it holds once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any, Protocol

from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.domain import Principal
from marketplace.accounts.identity import IDENTITY_CHANNEL
from marketplace.accounts.models import ApiToken, Session
from marketplace.outages import OutageLog
from marketplace.ports.bus.base import EventBus

log = logging.getLogger("marketplace.accounts.revocation")
_OUTAGE = OutageLog(log, "identity notices (sockets re-check their credential before acting meanwhile)")
_CHECK_OUTAGE = OutageLog(log, "re-checking sockets' credentials (they keep their principal meanwhile)")

# The notices come from `identity.identity_changed` (the one notification point), published by the relay.
CHANNEL = IDENTITY_CHANNEL
# How long a notice is remembered, for a connection that authenticated just before it arrived but
# registered just after (it would otherwise miss it).
_REMEMBER_SECONDS = 30.0


async def current_principal(principal: Principal) -> Principal | None:
    """What the credential a connection was opened with stands for now; None when it is dead."""
    now = datetime.now(UTC)
    if principal.token_id is not None:
        token = await ApiToken.get_or_none(id=principal.token_id, revoked_at=None).select_related("user")
        if token is None or not token.user.is_active:
            return None
        return await principal_for_user(token.user, scopes=frozenset(token.scopes), token_id=token.id)
    if principal.session_id is not None:
        session = await Session.get_or_none(id=principal.session_id, revoked_at=None).select_related("user")
        if session is None or session.expires_at <= now or not session.user.is_active:
            return None
        return await principal_for_user(session.user, session_id=session.id)
    return None  # a principal with no credential cannot be re-checked: treat as gone


class Holder(Protocol):
    """A live connection acting as a principal (a `/ws` socket)."""

    def identity_revoked(self) -> None: ...

    def identity_refreshed(self, principal: Principal) -> None: ...


class IdentityWatch:
    """Per process: which live connections act for which user; applies identity notices to them."""

    def __init__(self, bus: EventBus, *, recheck_seconds: float = 1.0) -> None:
        self._bus = bus
        self.recheck_seconds = recheck_seconds
        self._held: dict[Holder, tuple[Principal, float]] = {}  # holder -> (principal, checked at)
        self._by_user: dict[int, set[Holder]] = {}
        self._noticed: dict[int, float] = {}  # user -> when the last notice arrived (monotonic)
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        self.ready = asyncio.Event()

    # --- connections ------------------------------------------------------------------------
    def hold(self, holder: Holder, principal: Principal, authenticated_at: float) -> None:
        """Register a connection; `authenticated_at` is `time.monotonic()` taken before its credential was read."""
        self._held[holder] = (principal, authenticated_at)
        self._by_user.setdefault(principal.user_id, set()).add(holder)
        if self._noticed.get(principal.user_id, -1.0) >= authenticated_at:
            # A notice arrived between reading the credential and registering: apply it now.
            self._spawn(self._refresh(holder))

    def release(self, holder: Holder) -> None:
        entry = self._held.pop(holder, None)
        if entry is None:
            return
        group = self._by_user.get(entry[0].user_id)
        if group is not None:
            group.discard(holder)
            if not group:
                del self._by_user[entry[0].user_id]

    async def current(self, holder: Holder) -> Principal | None:
        """The holder's principal, re-read from the database when the last check is over `recheck_seconds` old.

        Called before acting on a connection's behalf, so a lost notice cannot keep a dead credential bidding.
        """
        entry = self._held.get(holder)
        if entry is None:
            return None
        principal, checked = entry
        if time.monotonic() - checked <= self.recheck_seconds:
            return principal
        return await self._refresh(holder)

    def holders(self, user_id: int) -> int:
        return len(self._by_user.get(user_id, ()))

    # --- notices ----------------------------------------------------------------------------
    async def apply(self, payload: dict[str, Any]) -> None:
        user_id = int(payload["user_id"])
        now = time.monotonic()
        self._noticed[user_id] = now
        if len(self._noticed) > 10_000:  # bounded memory under a storm of notices
            self._noticed = {u: t for u, t in self._noticed.items() if now - t < _REMEMBER_SECONDS}
        dead_sessions = {int(s) for s in payload.get("session_ids", ())}
        dead_tokens = {int(t) for t in payload.get("token_ids", ())}
        refresh: list[Holder] = []
        for holder in list(self._by_user.get(user_id, ())):
            principal = self._held[holder][0]
            if principal.session_id in dead_sessions or principal.token_id in dead_tokens:
                self.release(holder)
                holder.identity_revoked()
            else:
                refresh.append(holder)
        await asyncio.gather(*(self._refresh(h) for h in refresh))

    async def refresh_all(self) -> None:
        await asyncio.gather(*(self._refresh(h) for h in list(self._held)))

    async def _refresh(self, holder: Holder) -> Principal | None:
        entry = self._held.get(holder)
        if entry is None:
            return None
        checked_at = time.monotonic()
        try:
            now = await current_principal(entry[0])
        except Exception as exc:
            # While the database is away nothing can be acted on either; the connection keeps its principal
            # until the next check (an outage is logged once, a bug with its traceback).
            _CHECK_OUTAGE.report(exc, "re-resolving a connection's identity failed; it keeps its principal")
            return entry[0]
        _CHECK_OUTAGE.recovered()
        if holder not in self._held:
            return None  # released meanwhile
        if now is None:
            self.release(holder)
            holder.identity_revoked()
            return None
        self._held[holder] = (now, checked_at)
        if now != entry[0]:
            holder.identity_refreshed(now)
        return now

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # --- the loop (a BackgroundLoop of every process) -----------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="identity-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self) -> None:
        first = True
        while True:
            try:
                async with self._bus.subscribe(CHANNEL) as messages:
                    if not first:
                        # Notices published while we were not subscribed are lost to us: re-check everyone.
                        await self.refresh_all()
                    first = False
                    _OUTAGE.recovered()
                    self.ready.set()
                    async for message in messages:
                        try:
                            await self.apply(dict(message["payload"]))
                        except Exception:
                            log.exception("bad identity notice")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # An outage is logged once (and reminded), not a traceback per retry; a bug keeps its traceback.
                _OUTAGE.report(exc, "identity notice subscription failed; resubscribing")
            self.ready.clear()
            await asyncio.sleep(0.5)
