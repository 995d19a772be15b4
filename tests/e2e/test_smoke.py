from __future__ import annotations

from tests.support import ApiClient, Mailbox


async def test_register_me_logout(client: ApiClient, mailbox: Mailbox) -> None:
    r = await client.post(
        "/api/auth/register",
        json={"email": "Alice@Example.cn", "password": "a-long-password-1", "display_name": "Alice"},
    )
    assert r.status_code == 202, r.text
    r = await client.post("/api/auth/register/confirm", json={"token": mailbox.token("alice@example.cn")})
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "alice@example.cn"
    me = await client.get("/api/me")
    assert me.status_code == 200
    assert me.json()["display_name"] == "Alice"
    assert (await client.post("/api/auth/logout")).status_code == 204
    assert (await client.get("/api/me")).status_code == 401
