"""IdentityWatch's edges against the database: the race between reading a credential and registering the
connection, a dead credential found by re-checking, and a change of rights that keeps the connection."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import UTC, datetime, timedelta

from marketplace.accounts.auth import principal_for_user, token_hash
from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Membership, Organisation, Session, User
from marketplace.accounts.revocation import IdentityWatch
from marketplace.ports.bus.memory import InProcessBus
from marketplace.settings import Settings


class Recorder:
    """A live connection as the watch sees one (a /ws socket implements the same two calls)."""

    def __init__(self) -> None:
        self.revoked = asyncio.Event()
        self.principals: list[Principal] = []

    def identity_revoked(self) -> None:
        self.revoked.set()

    def identity_refreshed(self, principal: Principal) -> None:
        self.principals.append(principal)


async def _user_with_session() -> tuple[User, Session]:
    user = await User.create(email=f"w{secrets.token_hex(4)}@example.cn", display_name="w", password_hash="x")
    session = await Session.create(
        token_hash=token_hash(secrets.token_hex(8)),
        csrf_token="c",
        user_id=user.id,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    return user, session


async def test_a_notice_arriving_before_the_connection_registers_still_reaches_it(database: Settings) -> None:
    user, session = await _user_with_session()
    watch = IdentityWatch(InProcessBus())
    authenticated_at = time.monotonic()
    principal = await principal_for_user(user, session_id=session.id)  # the handshake read it: valid
    await Session.filter(id=session.id).update(revoked_at=datetime.now(UTC))
    await watch.apply({"user_id": user.id, "session_ids": [], "token_ids": []})  # nobody registered yet
    holder = Recorder()
    watch.hold(holder, principal, authenticated_at)
    await asyncio.wait_for(holder.revoked.wait(), 2)
    assert watch.holders(user.id) == 0


async def test_listed_credentials_close_and_the_rest_re_resolve(database: Settings) -> None:
    user, dead = await _user_with_session()
    alive = await Session.create(
        token_hash=token_hash(secrets.token_hex(8)),
        csrf_token="c",
        user_id=user.id,
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    org = await Organisation.create(name="o", kind="dealer", business_licence_no=secrets.token_hex(9))
    await Membership.create(user_id=user.id, organisation_id=org.id, roles=["buyer"])
    watch = IdentityWatch(InProcessBus())
    gone, kept = Recorder(), Recorder()
    watch.hold(gone, await principal_for_user(user, session_id=dead.id), time.monotonic())
    watch.hold(kept, await principal_for_user(user, session_id=alive.id), time.monotonic())

    await Membership.filter(user_id=user.id).delete()
    await watch.apply({"user_id": user.id, "session_ids": [dead.id], "token_ids": []})
    assert gone.revoked.is_set()
    assert not kept.revoked.is_set()
    assert [p.memberships for p in kept.principals] == [{}]  # the removed membership is gone from it
    assert watch.holders(user.id) == 1
