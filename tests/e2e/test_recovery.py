"""Forgot password: a one-time, expiring, single-use link through the mail port; the same answer for anyone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from marketplace.accounts.models import ApiToken, LoginThrottle, OneTimeCode, Session
from marketplace.settings import Settings
from tests.support import PASSWORD, ApiClient, Mailbox, make_user


async def test_reset_link_sets_a_new_password_once_and_ends_every_login(
    client: ApiClient, mailbox: Mailbox, settings: Settings
) -> None:
    user = await make_user(client.app)
    phone = client.fork()
    await phone.login(str(user.email))
    bot = client.fork()
    bot.bearer = (await phone.post("/api/tokens", json={"name": "t", "scopes": ["read"]})).json()["token"]
    for _ in range(settings.login_free_failures):  # somebody has been guessing from here
        await client.post("/api/auth/login", json={"login": user.email, "password": "guess-guess-1"})

    asked = await client.post("/api/auth/password/forgot", json={"login": user.email})
    nobody = await client.post("/api/auth/password/forgot", json={"login": "ghost@example.cn"})
    assert (asked.status_code, asked.json()) == (nobody.status_code, nobody.json()) == (202, {"status": "sent"})
    assert [m["To"] for m in mailbox.messages()] == [user.email]
    token = mailbox.token(str(user.email))
    assert "/reset-password#token=" in Mailbox.body(mailbox.last(str(user.email)))

    weak = await client.post("/api/auth/password/reset", json={"token": token, "new_password": "qwertyuiop"})
    assert weak.status_code == 422  # refused before the link is spent
    r = await client.post("/api/auth/password/reset", json={"token": token, "new_password": "a-fresh-secret-7"})
    assert r.status_code == 204, r.text
    again = await client.post("/api/auth/password/reset", json={"token": token, "new_password": "b-fresh-secret-8"})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_link")

    assert (await phone.get("/api/me")).status_code == 401
    assert (await bot.get("/api/me")).status_code == 401
    assert not await Session.filter(user_id=user.id, revoked_at=None).exists()
    assert not await ApiToken.filter(user_id=user.id, revoked_at=None).exists()
    assert not await LoginThrottle.exists()  # the owner proved themself: the guesses' delays are gone
    old = await client.fork().post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert old.status_code == 401
    await client.fork().login(str(user.email), "a-fresh-secret-7")


async def test_reset_link_expires_and_a_newer_one_replaces_it(client: ApiClient, mailbox: Mailbox) -> None:
    user = await make_user(client.app, mobile=True)
    await client.post("/api/auth/password/forgot", json={"login": user.mobile})
    first = mailbox.token(str(user.mobile))
    await client.post("/api/auth/password/forgot", json={"login": user.mobile})
    second = mailbox.token(str(user.mobile))
    assert first != second
    r = await client.post("/api/auth/password/reset", json={"token": first, "new_password": "a-fresh-secret-7"})
    assert r.json()["error"]["code"] == "invalid_link"
    await OneTimeCode.filter(purpose="password_reset").update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await client.post("/api/auth/password/reset", json={"token": second, "new_password": "a-fresh-secret-7"})
    assert r.json()["error"]["code"] == "invalid_link"
    for bogus in ("x", "y" * 128):
        r = await client.post("/api/auth/password/reset", json={"token": bogus, "new_password": "a-fresh-secret-7"})
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_link")


async def test_two_uses_of_one_link_at_the_same_moment_change_the_password_once(
    client: ApiClient, mailbox: Mailbox
) -> None:
    user = await make_user(client.app)
    await client.post("/api/auth/password/forgot", json={"login": user.email})
    token = mailbox.token(str(user.email))
    answers = await asyncio.gather(
        *(
            client.fork().post("/api/auth/password/reset", json={"token": token, "new_password": f"race-secret-{n}x"})
            for n in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [204, 400, 400, 400]
    winner = next(n for n, a in enumerate(answers) if a.status_code == 204)
    await client.fork().login(str(user.email), f"race-secret-{winner}x")
