"""Registration, login, logout, password change, API tokens: the session-shaped use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts import domain
from marketplace.accounts.audit import audit
from marketplace.accounts.auth import TOKEN_PREFIX, new_secret, token_hash
from marketplace.accounts.models import ApiToken, Session, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.revocation import identity_changed
from marketplace.accounts.schemas import RegisterIn
from marketplace.errors import Conflict, NotFound, TooManyRequests, Unauthenticated
from marketplace.outbox.events import record_event
from marketplace.settings import Settings


@dataclass(frozen=True)
class NewSession:
    user: User
    token: str
    csrf_token: str
    expires_at: datetime


async def _open_session(
    user: User, settings: Settings, ip: str, user_agent: str, conn: BaseDBAsyncClient | None = None
) -> NewSession:
    raw, csrf = new_secret(), new_secret()
    expires = datetime.now(UTC) + timedelta(hours=settings.session_ttl_hours)
    await Session.create(
        token_hash=token_hash(raw),
        csrf_token=csrf,
        user_id=user.id,
        expires_at=expires,
        ip=ip[:64],
        user_agent=user_agent[:300],
        using_db=conn,
    )
    return NewSession(user, raw, csrf, expires)


async def register(
    body: RegisterIn, *, hasher: PasswordHasher, settings: Settings, ip: str, user_agent: str
) -> NewSession:
    if body.email and await User.exists(email=body.email):
        raise Conflict("this email address is already registered", code="login_taken")
    if body.mobile and await User.exists(mobile=body.mobile):
        raise Conflict("this mobile number is already registered", code="login_taken")
    password_hash = await hasher.hash(body.password)
    try:
        async with in_transaction() as conn:
            user = await User.create(
                email=body.email,
                mobile=body.mobile,
                display_name=body.display_name,
                password_hash=password_hash,
                using_db=conn,
            )
            await audit("user.registered", actor=user.id, target=f"user:{user.id}", ip=ip, conn=conn)
            await record_event(conn, "user.registered", {"user_id": user.id})
            return await _open_session(user, settings, ip, user_agent, conn)
    except IntegrityError:
        raise Conflict("this email address or mobile number is already registered", code="login_taken") from None


async def login(
    login_name: str, password: str, *, hasher: PasswordHasher, settings: Settings, ip: str, user_agent: str
) -> NewSession:
    now = datetime.now(UTC)
    try:
        field, value = domain.login_kind(login_name)
    except ValueError:
        field, value = "", ""
    user = await User.get_or_none(email=value) if field == "email" else None
    if field == "mobile":
        user = await User.get_or_none(mobile=value)
    if user is None or not user.is_active:
        await hasher.burn(password)
        await audit("login.failed", actor=None, target=f"login:{login_name[:64]}", ip=ip)
        raise Unauthenticated("wrong login or password", code="invalid_credentials")

    state = domain.LockoutState(user.failed_logins, user.locked_until)
    wait = domain.seconds_locked(state, now)
    if wait:
        await audit("login.locked", actor=None, target=f"user:{user.id}", ip=ip)
        raise TooManyRequests(
            "too many failed logins; try again later", code="too_many_attempts", details={"retry_after_seconds": wait}
        )
    if not await hasher.verify(user.password_hash, password):
        nxt = domain.after_failure(state, now, settings.login_max_failures, settings.login_lockout_seconds)
        await User.filter(id=user.id).update(failed_logins=nxt.failed_logins, locked_until=nxt.locked_until)
        await audit("login.failed", actor=None, target=f"user:{user.id}", ip=ip)
        raise Unauthenticated("wrong login or password", code="invalid_credentials")

    updates: dict[str, object] = {"failed_logins": 0, "locked_until": None}
    if hasher.needs_rehash(user.password_hash):
        updates["password_hash"] = await hasher.hash(password)  # parameters were raised since it was set
    async with in_transaction() as conn:
        await User.filter(id=user.id).using_db(conn).update(**updates)
        await audit("login.succeeded", actor=user.id, target=f"user:{user.id}", ip=ip, conn=conn)
        return await _open_session(user, settings, ip, user_agent, conn)


async def logout(session_id: int, user_id: int, ip: str) -> None:
    async with in_transaction() as conn:
        await Session.filter(id=session_id).using_db(conn).update(revoked_at=datetime.now(UTC))
        await audit("logout", actor=user_id, target=f"session:{session_id}", ip=ip, conn=conn)
        await identity_changed(conn, user_id=user_id, session_ids=[session_id])


async def change_password(
    user_id: int, current_session_id: int | None, current: str, new: str, *, hasher: PasswordHasher, ip: str
) -> None:
    user = await User.get(id=user_id)
    if not await hasher.verify(user.password_hash, current):
        raise Unauthenticated("current password is wrong", code="invalid_credentials")
    new_hash = await hasher.hash(new)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        await User.filter(id=user_id).using_db(conn).update(password_hash=new_hash, password_changed_at=now)
        # Every other session ends now: whoever knew the old password is logged out.
        await (
            Session.filter(user_id=user_id, revoked_at=None)
            .exclude(id=current_session_id or 0)
            .using_db(conn)
            .update(revoked_at=now)
        )
        await audit("password.changed", actor=user_id, target=f"user:{user_id}", ip=ip, conn=conn)
        await identity_changed(conn, user_id=user_id)  # its live sockets re-check: all but this session's close


async def revoke_user_sessions(user_id: int, *, actor: int, ip: str) -> int:
    if not await User.exists(id=user_id):
        raise NotFound("no such user")
    async with in_transaction() as conn:
        count = (
            await Session.filter(user_id=user_id, revoked_at=None).using_db(conn).update(revoked_at=datetime.now(UTC))
        )
        await audit(
            "sessions.revoked", actor=actor, target=f"user:{user_id}", details={"count": count}, ip=ip, conn=conn
        )
        await identity_changed(conn, user_id=user_id)
    return count


async def create_token(user_id: int, name: str, scopes: list[str], ip: str) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + new_secret()
    async with in_transaction() as conn:
        token = await ApiToken.create(
            user_id=user_id, name=name, token_hash=token_hash(raw), scopes=sorted(set(scopes)), using_db=conn
        )
        await audit(
            "token.created",
            actor=user_id,
            target=f"token:{token.id}",
            details={"scopes": token.scopes},
            ip=ip,
            conn=conn,
        )
    return token, raw


async def revoke_token(user_id: int, token_id: int, ip: str) -> None:
    async with in_transaction() as conn:
        updated = (
            await ApiToken.filter(id=token_id, user_id=user_id, revoked_at=None)
            .using_db(conn)
            .update(revoked_at=datetime.now(UTC))
        )
        if not updated:
            raise NotFound("no such token")
        await audit("token.revoked", actor=user_id, target=f"token:{token_id}", ip=ip, conn=conn)
        await identity_changed(conn, user_id=user_id, token_ids=[token_id])
