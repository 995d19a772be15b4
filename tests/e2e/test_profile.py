"""A user changes their display name, email and mobile: re-authentication, then a link to the new address."""

from __future__ import annotations

from marketplace.accounts.models import AuditEntry, User
from tests.support import PASSWORD, ApiClient, Mailbox, make_user


async def test_display_name_changes_at_once(client: ApiClient) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    r = await client.patch("/api/me", json={"display_name": "  王五  "})
    assert (r.status_code, r.json()["display_name"]) == (200, "王五")
    assert (await client.patch("/api/me", json={"display_name": ""})).status_code == 422
    assert await AuditEntry.filter(action="profile.renamed").exists()


async def test_new_email_needs_the_password_and_a_link_from_the_new_address(
    client: ApiClient, mailbox: Mailbox
) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    wrong = await client.post(
        "/api/me/contact", json={"field": "email", "value": "new@example.cn", "password": "not-my-password"}
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    assert mailbox.messages() == []
    r = await client.post("/api/me/contact", json={"field": "email", "value": "New@Example.cn", "password": PASSWORD})
    assert (r.status_code, r.json()) == (202, {"status": "sent"})
    assert (await User.get(id=user.id)).email == user.email  # nothing changes before the link is opened
    assert "change of your account's email" in Mailbox.body(mailbox.last(str(user.email)))  # the old one is told
    token = mailbox.token("new@example.cn")
    confirmed = await client.fork().post("/api/me/contact/confirm", json={"token": token})
    assert confirmed.status_code == 204, confirmed.text
    assert (await client.get("/api/me")).json()["email"] == "new@example.cn"
    again = await client.post("/api/me/contact/confirm", json={"token": token})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_link")
    await client.fork().login("new@example.cn")


async def test_taking_someone_elses_address_answers_the_same_and_tells_its_holder(
    client: ApiClient, mailbox: Mailbox
) -> None:
    user = await make_user(client.app)
    holder = await make_user(client.app, mobile=True)
    await client.login(str(user.email))
    taken = await client.post("/api/me/contact", json={"field": "mobile", "value": holder.mobile, "password": PASSWORD})
    free = await client.post("/api/me/contact", json={"field": "mobile", "value": "13600000009", "password": PASSWORD})
    assert (taken.status_code, taken.json()) == (free.status_code, free.json()) == (202, {"status": "sent"})
    notice = Mailbox.body(mailbox.last(str(holder.mobile)))
    assert "#token=" not in notice
    assert "Nothing changed on your account" in notice
    assert (await User.get(id=user.id)).mobile is None


async def test_api_tokens_cannot_move_an_account(client: ApiClient) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    bot = client.fork()
    bot.bearer = (await client.post("/api/tokens", json={"name": "w", "scopes": ["write"]})).json()["token"]
    r = await bot.post("/api/me/contact", json={"field": "email", "value": "x@example.cn", "password": PASSWORD})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
