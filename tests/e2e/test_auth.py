from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.accounts.models import AuditEntry, Session, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import Settings
from tests.support import PASSWORD, ApiClient, make_member, make_org, make_platform_admin, make_user


async def register(client: ApiClient, **body: str) -> dict[str, object]:
    body.setdefault("password", "a-long-password-1")
    body.setdefault("display_name", "Tester")
    r = await client.post("/api/auth/register", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_register_with_mobile_sets_secure_cookies(client: ApiClient) -> None:
    r = await client.post(
        "/api/auth/register", json={"mobile": "138-0013-8000", "password": "a-long-password-1", "display_name": "张三"}
    )
    assert r.status_code == 201
    assert r.json()["mobile"] == "13800138000"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("mp_session="))
    csrf = next(c for c in cookies if c.startswith("mp_csrf="))
    assert "HttpOnly" in session
    assert "samesite=lax" in session.lower()
    assert "HttpOnly" not in csrf  # the page must read it to echo it in X-CSRF-Token
    user = await User.get(mobile="13800138000")
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"password": "a-long-password-1", "display_name": "x"}, "email address or a mobile"),
        ({"email": "a@b.cn", "password": "short", "display_name": "x"}, "at least 10"),
        ({"email": "not-an-email", "password": "a-long-password-1", "display_name": "x"}, "email"),
        ({"mobile": "12345", "password": "a-long-password-1", "display_name": "x"}, "mobile"),
        ({"email": "a@b.cn", "password": "a-long-password-1", "display_name": ""}, "display_name"),
    ],
)
async def test_register_rejects_bad_input(client: ApiClient, body: dict[str, str], fragment: str) -> None:
    r = await client.post("/api/auth/register", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert fragment in str(r.json()["error"]["details"])
    assert await User.all().count() == 0


async def test_duplicate_registration_conflicts(client: ApiClient) -> None:
    await register(client, email="dup@example.cn")
    r = await client.fork().post(
        "/api/auth/register", json={"email": "DUP@example.cn", "password": "another-password-2", "display_name": "y"}
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "login_taken"
    assert await User.all().count() == 1


async def test_login_wrong_password_and_unknown_user_look_the_same(client: ApiClient) -> None:
    user = await make_user(client.app)
    wrong = await client.post("/api/auth/login", json={"login": user.email, "password": "wrong-password-x"})
    unknown = await client.post("/api/auth/login", json={"login": "ghost@example.cn", "password": "wrong-password-x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert await AuditEntry.filter(action="login.failed").count() == 2


async def test_lockout_after_repeated_failures(client: ApiClient, settings: Settings) -> None:
    user = await make_user(client.app)
    for _ in range(settings.login_max_failures):
        r = await client.post("/api/auth/login", json={"login": user.email, "password": "wrong-password-x"})
        assert r.status_code == 401
    locked = await client.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    retry = locked.json()["error"]["details"]["retry_after_seconds"]
    assert 0 < retry <= settings.login_lockout_seconds
    assert locked.headers["retry-after"] == str(retry)
    assert not await Session.exists(user_id=user.id)
    # Once the lock has passed, the right password works again and the counter resets.
    await User.filter(id=user.id).update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    assert (await client.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})).status_code == 200
    assert (await User.get(id=user.id)).failed_logins == 0


async def test_logout_revokes_the_session_on_the_server(client: ApiClient) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    stolen = client.http.cookies.get("mp_session")
    assert (await client.post("/api/auth/logout")).status_code == 204
    replay = client.fork()
    replay.http.cookies.set("mp_session", str(stolen))
    r = await replay.get("/api/me")
    assert r.status_code == 401
    assert (await Session.get(user_id=user.id)).revoked_at is not None


async def test_expired_session_is_refused(client: ApiClient) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    await Session.filter(user_id=user.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    assert (await client.get("/api/me")).status_code == 401


async def test_password_change_ends_other_sessions(client: ApiClient) -> None:
    user = await make_user(client.app)
    laptop, phone = client, client.fork()
    await laptop.login(str(user.email))
    await phone.login(str(user.email))
    wrong = await laptop.post(
        "/api/auth/password", json={"current_password": "nope-nope-nope", "new_password": "x" * 3}
    )
    assert wrong.status_code == 422  # new password too weak is caught before the current one is checked
    wrong = await laptop.post(
        "/api/auth/password", json={"current_password": "nope-nope-nope", "new_password": "brand-new-secret-9"}
    )
    assert wrong.status_code == 401
    ok = await laptop.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "brand-new-secret-9"}
    )
    assert ok.status_code == 204
    assert (await laptop.get("/api/me")).status_code == 200
    assert (await phone.get("/api/me")).status_code == 401
    fresh = client.fork()
    old = await fresh.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert old.status_code == 401
    await fresh.login(str(user.email), "brand-new-secret-9")


async def test_admin_revokes_sessions_at_once(client: ApiClient) -> None:
    admin = await make_platform_admin(client.app)
    victim = await make_user(client.app)
    victim_client = client.fork()
    await victim_client.login(str(victim.email))
    await client.login(admin.login)
    r = await client.post(f"/api/admin/users/{victim.id}/sessions/revoke")
    assert r.status_code == 204
    assert (await victim_client.get("/api/me")).status_code == 401
    assert await AuditEntry.filter(action="sessions.revoked", target=f"user:{victim.id}").exists()


async def test_api_tokens_scopes_and_revocation(client: ApiClient) -> None:
    org = await make_org("dealer")
    member = await make_member(client.app, org, ["dealer_admin"])
    await client.login(member.login)
    r = await client.post("/api/tokens", json={"name": "erp sync", "scopes": ["read"]})
    assert r.status_code == 201
    token = r.json()["token"]
    assert token.startswith("mpt_")
    assert "token" not in (await client.get("/api/tokens")).json()["items"][0]  # shown once only

    bot = client.fork()
    bot.bearer = token
    me = await bot.get("/api/me")
    assert me.status_code == 200
    assert me.json()["organisations"][0]["roles"] == ["dealer_admin"]
    denied = await bot.post(f"/api/organisations/{org.id}/members", json={"login": member.login, "roles": ["buyer"]})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "insufficient_scope"
    assert (await bot.post("/api/tokens", json={"name": "x", "scopes": ["read"]})).status_code == 403

    admin_scope = await client.post("/api/tokens", json={"name": "x", "scopes": ["admin"]})
    assert admin_scope.status_code == 403
    token_id = r.json()["id"]
    assert (await client.delete(f"/api/tokens/{token_id}")).status_code == 204
    revoked = await bot.get("/api/me")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "invalid_token"
    assert (await client.delete(f"/api/tokens/{token_id}")).status_code == 404


async def test_garbage_authorization_header_is_401(client: ApiClient) -> None:
    for header in ("Basic abc", "Bearer", "Bearer mpt_nope", "Bearer " + "x" * 5000):
        r = await client.get("/api/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert r.json()["error"]["code"] == "invalid_token"


async def test_hashing_concurrency_is_bounded(settings: Settings) -> None:
    hasher = PasswordHasher(settings.model_copy(update={"hash_concurrency": 2}))
    active = peak = 0
    real = hasher._hasher

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def hash(self, password: str) -> str:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            try:
                return real.hash(password)
            finally:
                active -= 1

    hasher._hasher = Counting()  # type: ignore[assignment]
    hashes = await asyncio.gather(*(hasher.hash(f"password-{n}") for n in range(8)))
    assert len(set(hashes)) == 8
    assert peak == 2
    assert await hasher.verify(hashes[3], "password-3")
    assert not await hasher.verify(hashes[3], "password-4")
    assert not await hasher.verify("not-a-hash", "password-4")


async def test_me_lists_organisations_and_roles(client: ApiClient) -> None:
    dealer = await make_org("dealer", name="甬车")
    member = await make_member(client.app, dealer, ["dealer_staff", "buyer"])
    await client.login(member.login)
    me = (await client.get("/api/me")).json()
    assert me["is_platform_admin"] is False
    assert me["organisations"] == [
        {
            "id": dealer.id,
            "name": "甬车",
            "kind": "dealer",
            "roles": ["dealer_staff", "buyer"],
            "verification_status": "verified",
        }
    ]


async def test_login_flood_from_one_address_is_rate_limited(client: ApiClient, settings: Settings) -> None:
    from marketplace.web.ratelimit import RateLimiter

    # A stopped clock: no token refills while the flood runs, however slow the machine is.
    client.app.state.services.auth_limiter = RateLimiter(settings.auth_requests_per_minute, clock=lambda: 0.0)
    statuses = []
    for _ in range(settings.auth_requests_per_minute + 5):
        r = await client.post("/api/auth/login", json={"login": "ghost@example.cn", "password": "x"})
        statuses.append(r.status_code)
    assert statuses[: settings.auth_requests_per_minute] == [401] * settings.auth_requests_per_minute
    assert set(statuses[settings.auth_requests_per_minute :]) == {429}
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1
