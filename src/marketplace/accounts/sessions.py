"""Login, logout, password change, ending sessions, API tokens: the session-shaped use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from marketplace.accounts import codes, domain, notices, policy, throttle
from marketplace.accounts.audit import audit
from marketplace.accounts.auth import TOKEN_PREFIX, new_secret, token_hash
from marketplace.accounts.identity import identity_changed
from marketplace.accounts.models import ApiToken, Session, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.errors import NotFound, TooManyRequests, Unauthenticated, ValidationFailed
from marketplace.ports.mail.base import Mail, Mailer
from marketplace.settings import Settings


@dataclass(frozen=True)
class NewSession:
    user: User
    token: str
    csrf_token: str
    expires_at: datetime


async def open_session(
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


async def find_user(login_name: str) -> User | None:
    try:
        field, value = domain.login_kind(login_name)
    except ValueError:
        return None
    return await (User.get_or_none(email=value) if field == "email" else User.get_or_none(mobile=value))


async def login(
    login_name: str,
    password: str,
    *,
    hasher: PasswordHasher,
    settings: Settings,
    ip: str,
    user_agent: str,
    login_code: str | None = None,
) -> NewSession:
    """Every refusal reads the same for an existing and a missing account (see `throttle`)."""
    now = datetime.now(UTC)
    user = await find_user(login_name)
    if user is not None and not user.is_active:
        user = None
    # A valid one-time code from the owner's mailbox skips the wait that failures caused.
    code_ok = bool(login_code) and user is not None and await codes.consume_login_code(user.id, str(login_code))
    wait = 0 if code_ok else await throttle.seconds_to_wait(login_name, ip, now)
    if wait:
        await audit("login.throttled", actor=None, target=f"login:{login_name[:64]}", ip=ip)
        raise TooManyRequests(
            "too many failed logins from here; wait, or ask for a login code by mail",
            code="login_throttled",
            details={"retry_after_seconds": wait},
        )
    if user is None or not await hasher.verify(user.password_hash, password):
        if user is None:
            await hasher.burn(password)
        await throttle.record_failure(login_name, ip, settings, now)
        target = f"user:{user.id}" if user is not None else f"login:{login_name[:64]}"
        await audit("login.failed", actor=None, target=target, ip=ip)
        raise Unauthenticated("wrong login or password", code="invalid_credentials")

    await throttle.clear(login_name, ip)
    async with in_transaction() as conn:
        if hasher.needs_rehash(user.password_hash):  # parameters were raised since it was set
            await User.filter(id=user.id).using_db(conn).update(password_hash=await hasher.hash(password))
        await audit("login.succeeded", actor=user.id, target=f"user:{user.id}", ip=ip, conn=conn)
        return await open_session(user, settings, ip, user_agent, conn)


async def logout(session_id: int, user_id: int, ip: str) -> None:
    async with in_transaction() as conn:
        await Session.filter(id=session_id).using_db(conn).update(revoked_at=datetime.now(UTC))
        await audit("logout", actor=user_id, target=f"session:{session_id}", ip=ip, conn=conn)
        await identity_changed(conn, user_id, "logout", session_ids=[session_id])


async def _end_credentials(
    conn: BaseDBAsyncClient, user_id: int, now: datetime, *, keep_session: int | None = None
) -> tuple[list[int], list[int]]:
    """Revoke the user's sessions (all but `keep_session`) and every API token; return their ids."""
    sessions = Session.filter(user_id=user_id, revoked_at=None).exclude(id=keep_session or 0).using_db(conn)
    session_ids = [s.id for s in await sessions.only("id")]
    token_ids = [t.id for t in await ApiToken.filter(user_id=user_id, revoked_at=None).using_db(conn).only("id")]
    await Session.filter(id__in=session_ids).using_db(conn).update(revoked_at=now)
    await ApiToken.filter(id__in=token_ids).using_db(conn).update(revoked_at=now)
    return session_ids, token_ids


async def set_password(
    conn: BaseDBAsyncClient, user: User, new_hash: str, now: datetime, *, keep_session: int | None, reason: str
) -> list[int]:
    """A new password ends every other session and every API token (a token is a standing login: whoever
    knew the old password could have minted one). Returns the revoked token ids; the owner is told by mail."""
    await User.filter(id=user.id).using_db(conn).update(password_hash=new_hash, password_changed_at=now)
    session_ids, token_ids = await _end_credentials(conn, user.id, now, keep_session=keep_session)
    await identity_changed(conn, user.id, reason, session_ids=session_ids, token_ids=token_ids)
    return token_ids


def check_new_password(user: User, password: str) -> None:
    problems = policy.password_problems(password, user.email, user.mobile)
    if problems:
        raise ValidationFailed(
            "new password " + "; ".join(problems),
            details=[{"loc": ["body", "new_password"], "msg": "; ".join(problems), "type": "password_policy"}],
        )


async def change_password(
    user_id: int,
    current_session_id: int | None,
    current: str,
    new: str,
    *,
    hasher: PasswordHasher,
    mailer: Mailer,
    ip: str,
) -> None:
    user = await User.get(id=user_id)
    check_new_password(user, new)
    if not await hasher.verify(user.password_hash, current):
        raise Unauthenticated("current password is wrong", code="invalid_credentials")
    new_hash = await hasher.hash(new)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        tokens = await set_password(
            conn, user, new_hash, now, keep_session=current_session_id, reason="password_changed"
        )
        await audit(
            "password.changed",
            actor=user_id,
            target=f"user:{user_id}",
            details={"tokens_revoked": len(tokens)},
            ip=ip,
            conn=conn,
        )
    await tell_owner(mailer, user, lambda to: notices.password_changed(to, f"{user_id}-{now.timestamp()}", len(tokens)))


async def tell_owner(mailer: Mailer, user: User, build: Callable[[str], Mail]) -> None:
    """Mail the account's own address (email first, else mobile); a mail failure never undoes the change."""
    to = user.email or user.mobile
    if to:
        await notices.deliver(mailer, build(to))


async def revoke_user_sessions(user_id: int, *, actor: int, ip: str) -> int:
    """Staff's "end every session": sessions and API tokens alike, or the account stays open through a token."""
    if not await User.exists(id=user_id):
        raise NotFound("no such user")
    async with in_transaction() as conn:
        session_ids, token_ids = await _end_credentials(conn, user_id, datetime.now(UTC))
        await audit(
            "sessions.revoked",
            actor=actor,
            target=f"user:{user_id}",
            details={"count": len(session_ids), "tokens": len(token_ids)},
            ip=ip,
            conn=conn,
        )
        await identity_changed(conn, user_id, "sessions_revoked", session_ids=session_ids, token_ids=token_ids)
    return len(session_ids)


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
        await identity_changed(conn, user_id, "token_revoked", token_ids=[token_id])
