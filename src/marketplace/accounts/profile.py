"""A user's own details: display name at once; a new email or mobile only after re-authentication and a
link opened from the new address. Whether the new address belongs to someone else is told to its holder
by mail, never in the answer."""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts import codes, notices
from marketplace.accounts.audit import audit
from marketplace.accounts.models import User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.sessions import tell_owner
from marketplace.errors import Unauthenticated
from marketplace.ports.mail.base import Mailer
from marketplace.settings import Settings


async def rename(user_id: int, display_name: str, ip: str) -> None:
    async with in_transaction() as conn:
        await User.filter(id=user_id).using_db(conn).update(display_name=display_name)
        await audit("profile.renamed", actor=user_id, target=f"user:{user_id}", ip=ip, conn=conn)


async def send_contact_confirmation(user: User, field: str, value: str, *, mailer: Mailer, settings: Settings) -> int:
    issued = await codes.issue(codes.Purpose.CONTACT, user_id=user.id, payload={"field": field, "value": value})
    link = codes.link(settings, "account/confirm-contact", issued.secret)
    await notices.deliver(mailer, notices.confirm_contact(value, issued.id, link))
    return issued.id


async def request_contact_change(
    user_id: int,
    field: str,
    value: str,
    password: str,
    *,
    hasher: PasswordHasher,
    mailer: Mailer,
    settings: Settings,
    ip: str,
) -> None:
    user = await User.get(id=user_id)
    if not await hasher.verify(user.password_hash, password):
        raise Unauthenticated("password is wrong", code="invalid_credentials")
    if getattr(user, field) == value:
        return  # already so: nothing to confirm
    holder = await (User.get_or_none(email=value) if field == "email" else User.get_or_none(mobile=value))
    await audit("contact.change_requested", actor=user_id, target=f"user:{user_id}", details={"field": field}, ip=ip)
    if holder is not None:
        await tell_owner(mailer, holder, lambda to: notices.contact_taken(value, uuid.uuid4().hex))
        return
    code_id = await send_contact_confirmation(user, field, value, mailer=mailer, settings=settings)
    # The current address hears of it too: a stolen session must not move the account away quietly.
    await tell_owner(mailer, user, lambda to: notices.contact_change_requested(to, code_id, field))


async def confirm_contact_change(secret: str, ip: str) -> int:
    """Apply the change the link was sent for; returns the user's id."""
    try:
        async with in_transaction() as conn:
            row = await codes.consume_link(codes.Purpose.CONTACT, secret, conn)
            if row is None or row.user_id is None:
                raise codes.invalid_link()
            field, value = str(row.payload["field"]), str(row.payload["value"])
            await User.filter(id=row.user_id).using_db(conn).update(**{field: value})
            await audit(
                "contact.changed",
                actor=row.user_id,
                target=f"user:{row.user_id}",
                details={"field": field},
                ip=ip,
                conn=conn,
            )
    except IntegrityError:
        raise codes.invalid_link() from None  # someone else confirmed this address first
    return row.user_id
