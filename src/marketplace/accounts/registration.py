"""Registration with a confirmed address: the answer never says whether the email or mobile is taken.

`register` answers the same for a free and a taken address; the address's holder learns the rest by
mail: a confirmation link when it is free, "you already have an account" when it is not. The account
exists only once the link is opened (`confirm_registration`), so nobody can hold an address they do
not receive mail at, and invitations addressed to it are safe to show to its holder.
"""

from __future__ import annotations

import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace.accounts import codes, notices, profile
from marketplace.accounts.audit import audit
from marketplace.accounts.models import User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.accounts.schemas import RegisterIn
from marketplace.accounts.sessions import NewSession, open_session, tell_owner
from marketplace.outbox.events import record_event
from marketplace.ports.mail.base import Mailer
from marketplace.settings import Settings


async def register(body: RegisterIn, *, hasher: PasswordHasher, mailer: Mailer, settings: Settings, ip: str) -> None:
    # Hashing first, for a free and a taken address alike, keeps the two answers equally slow.
    password_hash = await hasher.hash(body.password)
    taken = [
        user
        for user in (
            await User.get_or_none(email=body.email) if body.email else None,
            await User.get_or_none(mobile=body.mobile) if body.mobile else None,
        )
        if user is not None
    ]
    if taken:
        attempt = uuid.uuid4().hex
        for user in {u.id: u for u in taken}.values():
            await tell_owner(
                mailer,
                user,
                lambda to: notices.already_registered(
                    to, attempt, f"{settings.public_url.rstrip('/')}/forgot-password"
                ),
            )
        await audit("register.address_taken", actor=None, target=f"user:{taken[0].id}", ip=ip)
        return
    payload = {
        "email": body.email,
        "mobile": body.mobile,
        "display_name": body.display_name,
        "password_hash": password_hash,
    }
    issued = await codes.issue(codes.Purpose.REGISTER, payload=payload)
    to = body.email or body.mobile
    assert to is not None  # the schema requires one of them
    await notices.deliver(
        mailer, notices.confirm_registration(to, issued.id, codes.link(settings, "register/confirm", issued.secret))
    )


async def confirm_registration(
    secret: str, *, mailer: Mailer, settings: Settings, ip: str, user_agent: str
) -> NewSession:
    """Create the account the link was sent for and log in; the link's address is now proven."""
    try:
        async with in_transaction() as conn:
            row = await codes.consume_link(codes.Purpose.REGISTER, secret, conn)
            if row is None:
                raise codes.invalid_link()
            p = row.payload
            # Confirmation goes to the email when both were given: the mobile waits for its own link.
            email, mobile = p.get("email"), p.get("mobile")
            user = await User.create(
                email=email,
                mobile=None if email else mobile,
                display_name=p["display_name"],
                password_hash=p["password_hash"],
                using_db=conn,
            )
            await audit("user.registered", actor=user.id, target=f"user:{user.id}", ip=ip, conn=conn)
            await record_event(conn, "user.registered", {"user_id": user.id})
            new = await open_session(user, settings, ip, user_agent, conn)
    except IntegrityError:
        # Somebody confirmed the same address first (two registrations in flight): that link is spent.
        raise codes.invalid_link() from None
    if email and mobile:
        await profile.send_contact_confirmation(user, "mobile", str(mobile), mailer=mailer, settings=settings)
    return new
