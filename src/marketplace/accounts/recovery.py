"""Ways back in for the real owner, through the mail port: "forgot password" links and login codes.

Both answer the same whether or not an account has the login; only the account's own mailbox learns more.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from marketplace.accounts import codes, notices, throttle
from marketplace.accounts.audit import audit
from marketplace.accounts.models import User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.sessions import check_new_password, find_user, set_password
from marketplace.ports.mail.base import Mailer
from marketplace.settings import Settings


async def forgot_password(login: str, *, mailer: Mailer, settings: Settings, ip: str) -> None:
    user = await find_user(login)
    if user is None or not user.is_active:
        return
    issued = await codes.issue(codes.Purpose.RESET, user_id=user.id)
    await audit("password.reset_requested", actor=None, target=f"user:{user.id}", ip=ip)
    to = user.email or user.mobile
    assert to is not None
    await notices.deliver(
        mailer, notices.password_reset(to, issued.id, codes.link(settings, "reset-password", issued.secret))
    )


async def reset_password(secret: str, new_password: str, *, hasher: PasswordHasher, ip: str) -> None:
    """Set a new password from a reset link: once, before it expires; every session and API token ends."""
    peeked = await codes.peek_link(codes.Purpose.RESET, secret)
    if peeked is None or peeked.user_id is None:
        raise codes.invalid_link()
    user = await User.get(id=peeked.user_id)
    check_new_password(user, new_password)  # a refused password leaves the link usable for a better one
    new_hash = await hasher.hash(new_password)  # outside the transaction: hashing takes a while
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        if await codes.consume_link(codes.Purpose.RESET, secret, conn) is None:
            raise codes.invalid_link()  # used meanwhile by a concurrent request
        tokens = await set_password(conn, user, new_hash, now, keep_session=None, reason="password_reset")
        await audit(
            "password.reset",
            actor=user.id,
            target=f"user:{user.id}",
            details={"tokens_revoked": len(tokens)},
            ip=ip,
            conn=conn,
        )
    await throttle.clear_logins(user.email, user.mobile)


async def send_login_code(login: str, *, mailer: Mailer, ip: str) -> None:
    user = await find_user(login)
    if user is None or not user.is_active:
        return
    issued = await codes.issue(codes.Purpose.LOGIN, user_id=user.id)
    await audit("login.code_sent", actor=None, target=f"user:{user.id}", ip=ip)
    to = user.email or user.mobile
    assert to is not None
    await notices.deliver(mailer, notices.login_code(to, issued.id, issued.secret))
