from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from marketplace.accounts.models import AuditEntry, Session, User
from marketplace.accounts.passwords import PasswordHasher
from marketplace.settings import Settings
from tests.support import PASSWORD, ApiClient, Mailbox, make_member, make_org, make_platform_admin, make_user


async def register(client: ApiClient, mailbox: Mailbox, **body: str) -> dict[str, object]:
    """Register and open the confirmation link, as a person would: returns the new account's profile."""
    body.setdefault("password", "a-long-password-1")
    body.setdefault("display_name", "Tester")
    r = await client.post("/api/auth/register", json=body)
    assert (r.status_code, r.json()) == (202, {"status": "sent"}), r.text
    confirmed = await client.post(
        "/api/auth/register/confirm", json={"token": mailbox.token(body.get("email") or body["mobile"])}
    )
    assert confirmed.status_code == 201, confirmed.text
    return dict(confirmed.json())


async def test_register_confirms_the_address_then_logs_in(client: ApiClient, mailbox: Mailbox) -> None:
    r = await client.post(
        "/api/auth/register", json={"mobile": "138-0013-8000", "password": "a-long-password-1", "display_name": "张三"}
    )
    assert (r.status_code, r.json()) == (202, {"status": "sent"})
    assert not await User.exists(mobile="13800138000")  # no account before the link is opened
    assert "mp_session" not in r.headers.get("set-cookie", "")
    token = mailbox.token("13800138000")
    r = await client.post("/api/auth/register/confirm", json={"token": token})
    assert r.status_code == 201, r.text
    assert r.json()["mobile"] == "13800138000"
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("mp_session="))
    csrf = next(c for c in cookies if c.startswith("mp_csrf="))
    assert "HttpOnly" in session
    assert "samesite=lax" in session.lower()
    assert "HttpOnly" not in csrf  # the page must read it to echo it in X-CSRF-Token
    assert (await client.get("/api/me")).json()["display_name"] == "张三"
    user = await User.get(mobile="13800138000")
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in user.password_hash
    again = await client.fork().post("/api/auth/register/confirm", json={"token": token})
    assert (again.status_code, again.json()["error"]["code"]) == (400, "invalid_link")  # single use
    assert await User.filter(mobile="13800138000").count() == 1


async def test_register_with_both_confirms_the_mobile_separately(client: ApiClient, mailbox: Mailbox) -> None:
    me = await register(client, mailbox, email="both@example.cn", mobile="13911112222")
    assert (me["email"], me["mobile"]) == ("both@example.cn", None)
    r = await client.fork().post("/api/me/contact/confirm", json={"token": mailbox.token("13911112222")})
    assert r.status_code == 204, r.text
    assert (await client.get("/api/me")).json()["mobile"] == "13911112222"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"password": "a-long-password-1", "display_name": "x"}, "email address or a mobile"),
        ({"email": "a@b.cn", "password": "short", "display_name": "x"}, "at least 10"),
        ({"email": "a@b.cn", "password": "password2024!", "display_name": "x"}, "too common"),
        ({"email": "wang.li@b.cn", "password": "wang.li-secret-9", "display_name": "x"}, "must not contain"),
        ({"email": "not-an-email", "password": "a-long-password-1", "display_name": "x"}, "email"),
        ({"mobile": "12345", "password": "a-long-password-1", "display_name": "x"}, "mobile"),
        ({"email": "a@b.cn", "password": "a-long-password-1", "display_name": ""}, "display_name"),
    ],
)
async def test_register_rejects_bad_input(
    client: ApiClient, mailbox: Mailbox, body: dict[str, str], fragment: str
) -> None:
    r = await client.post("/api/auth/register", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert fragment in str(r.json()["error"]["details"])
    assert await User.all().count() == 0
    assert mailbox.messages() == []


async def test_registering_a_taken_address_answers_the_same_and_tells_the_owner(
    client: ApiClient, mailbox: Mailbox
) -> None:
    owner = await make_user(client.app)
    free = await client.post(
        "/api/auth/register", json={"email": "free@example.cn", "password": "another-password-2", "display_name": "y"}
    )
    taken = await client.fork().post(
        "/api/auth/register",
        json={"email": str(owner.email).upper(), "password": "another-password-2", "display_name": "y"},
    )
    assert (taken.status_code, taken.json()) == (free.status_code, free.json()) == (202, {"status": "sent"})
    assert taken.headers.get("set-cookie") == free.headers.get("set-cookie")
    notice = mailbox.last(str(owner.email))
    assert "already has an account" in Mailbox.body(notice)
    assert "#token=" not in Mailbox.body(notice)  # nothing in it lets the registrant in
    assert await User.all().count() == 1
    assert (await User.get(id=owner.id)).display_name == owner.display_name


async def test_login_wrong_password_and_unknown_user_look_the_same(client: ApiClient) -> None:
    user = await make_user(client.app)
    wrong = await client.post("/api/auth/login", json={"login": user.email, "password": "wrong-password-x"})
    unknown = await client.post("/api/auth/login", json={"login": "ghost@example.cn", "password": "wrong-password-x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert await AuditEntry.filter(action="login.failed").count() == 2


async def _fail(client: ApiClient, login: str, times: int) -> list[int]:
    statuses = []
    for _ in range(times):
        r = await client.post("/api/auth/login", json={"login": login, "password": "wrong-password-x"})
        statuses.append(r.status_code)
    return statuses


async def test_throttling_slows_the_stranger_not_the_owner(client: ApiClient, settings: Settings) -> None:
    user = await make_user(client.app)
    stranger = await _as_address(client, "203.0.113.7")
    owner = await _as_address(client, "198.51.100.9")
    free = settings.login_free_failures
    assert set(await _fail(stranger, str(user.email), free)) == {401}
    blocked = await stranger.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "login_throttled"
    assert blocked.headers["retry-after"] == str(blocked.json()["error"]["details"]["retry_after_seconds"])
    # The owner, from their own address, is not held back by the stranger's guesses.
    assert (await owner.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})).status_code == 200
    assert await Session.filter(user_id=user.id).count() == 1


async def test_throttled_answers_are_the_same_for_existing_and_missing_accounts(
    client: ApiClient, settings: Settings
) -> None:
    user = await make_user(client.app)
    answers = []
    for login in (str(user.email), "ghost@example.cn"):
        c = await _as_address(client, "203.0.113.8")
        statuses = await _fail(c, login, settings.login_free_failures + 1)
        answers.append((statuses, (await c.post("/api/auth/login", json={"login": login, "password": "x"})).json()))
    (existing, existing_body), (missing, missing_body) = answers
    assert existing == missing == [401] * settings.login_free_failures + [429]
    for body in (existing_body, missing_body):
        body["error"]["details"]["retry_after_seconds"] = "n"
    assert existing_body == missing_body


async def test_delays_grow_and_expire(client: ApiClient, settings: Settings) -> None:
    from marketplace.accounts.models import LoginThrottle

    user = await make_user(client.app)
    c = await _as_address(client, "203.0.113.9")
    await _fail(c, str(user.email), settings.login_free_failures)
    waits = []
    for _ in range(3):
        # Let the current wait pass, then fail once more: the next wait is twice as long.
        await LoginThrottle.filter(source="203.0.113.9").update(blocked_until=datetime.now(UTC) - timedelta(seconds=1))
        assert await _fail(c, str(user.email), 1) == [401]
        r = await c.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
        waits.append(r.json()["error"]["details"]["retry_after_seconds"])
    assert waits == [2, 4, 8]
    await LoginThrottle.filter(source="203.0.113.9").update(blocked_until=datetime.now(UTC) - timedelta(seconds=1))
    assert (await c.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})).status_code == 200
    assert not await LoginThrottle.filter(source="203.0.113.9").exists()  # a success starts the address afresh


async def test_guessing_spread_over_addresses_is_held_and_the_owner_gets_in_with_a_mailed_code(
    client: ApiClient, settings: Settings, mailbox: Mailbox
) -> None:
    user = await make_user(client.app)
    for n in range(settings.login_account_free_failures):
        attacker = await _as_address(client, f"192.0.2.{n + 1}")
        assert await _fail(attacker, str(user.email), 1) == [401]
    owner = await _as_address(client, "198.51.100.10")
    held = await owner.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert (held.status_code, held.json()["error"]["code"]) == (429, "login_throttled")
    # The owner asks for a code; the answer is the same as for a login nobody has.
    sent = await owner.post("/api/auth/login/code", json={"login": user.email})
    nobody = await owner.post("/api/auth/login/code", json={"login": "ghost@example.cn"})
    assert (sent.status_code, sent.json()) == (nobody.status_code, nobody.json()) == (202, {"status": "sent"})
    code = mailbox.code(str(user.email))
    assert len(mailbox.messages()) == 1  # nothing was sent for the missing account
    wrong = await owner.post("/api/auth/login", json={"login": user.email, "password": "wrong-one-x", "code": code})
    assert wrong.status_code == 401  # the code lifts the wait, not the password
    r = await owner.post("/api/auth/login", json={"login": user.email, "password": PASSWORD, "code": code})
    assert r.status_code == 429  # and it is single use: the wrong password spent it
    await owner.post("/api/auth/login/code", json={"login": user.email})
    code = mailbox.code(str(user.email))
    r = await owner.post("/api/auth/login", json={"login": user.email, "password": PASSWORD, "code": code})
    assert r.status_code == 200, r.text


async def test_a_login_code_dies_after_five_wrong_tries(client: ApiClient, mailbox: Mailbox) -> None:
    user = await make_user(client.app)
    await client.post("/api/auth/login/code", json={"login": user.email})
    code = mailbox.code(str(user.email))
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        r = await client.post("/api/auth/login", json={"login": user.email, "password": "wrong-x-1", "code": wrong})
        assert r.status_code in (401, 429)
    from marketplace.accounts import codes

    assert not await codes.consume_login_code(user.id, code)


async def _as_address(client: ApiClient, ip: str) -> ApiClient:
    """A client whose requests come from `ip` (the ASGI scope's client, as uvicorn fills it)."""
    other = client.fork()
    transport = httpx.ASGITransport(app=client.app, client=(ip, 50000))
    other.http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    return other


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


async def test_password_change_ends_other_sessions_and_every_token(client: ApiClient, mailbox: Mailbox) -> None:
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
    token = (await laptop.post("/api/tokens", json={"name": "erp", "scopes": ["read"]})).json()["token"]
    bot = client.fork()
    bot.bearer = token
    assert (await bot.get("/api/me")).status_code == 200
    ok = await laptop.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "brand-new-secret-9"}
    )
    assert ok.status_code == 204
    assert (await laptop.get("/api/me")).status_code == 200
    assert (await phone.get("/api/me")).status_code == 401
    # A token is a standing login: it ends with the old password, and the owner is told so.
    assert (await bot.get("/api/me")).json()["error"]["code"] == "invalid_token"
    assert "1 API token(s) were revoked" in Mailbox.body(mailbox.last(str(user.email)))
    fresh = client.fork()
    old = await fresh.post("/api/auth/login", json={"login": user.email, "password": PASSWORD})
    assert old.status_code == 401
    await fresh.login(str(user.email), "brand-new-secret-9")


async def test_a_new_password_must_not_contain_the_login(client: ApiClient) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    for new in (f"{user.email}-secret", f"x-{str(user.email).split('@')[0]}-9z"):
        r = await client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": new})
        assert (r.status_code, r.json()["error"]["details"][0]["loc"]) == (422, ["body", "new_password"])
        assert "must not contain" in r.text


async def test_admin_ends_every_session_and_token_at_once(client: ApiClient) -> None:
    admin = await make_platform_admin(client.app)
    victim = await make_user(client.app)
    victim_client = client.fork()
    await victim_client.login(str(victim.email))
    bot = client.fork()
    bot.bearer = (await victim_client.post("/api/tokens", json={"name": "t", "scopes": ["read"]})).json()["token"]
    await client.login(admin.login)
    r = await client.post(f"/api/admin/users/{victim.id}/sessions/revoke")
    assert r.status_code == 204
    assert (await victim_client.get("/api/me")).status_code == 401
    assert (await bot.get("/api/me")).json()["error"]["code"] == "invalid_token"
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
    for n in range(settings.auth_requests_per_minute + 5):  # other logins each time: the per-address budget
        r = await client.post("/api/auth/login", json={"login": f"ghost{n}@example.cn", "password": "x"})
        statuses.append(r.status_code)
    assert statuses[: settings.auth_requests_per_minute] == [401] * settings.auth_requests_per_minute
    assert set(statuses[settings.auth_requests_per_minute :]) == {429}
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) >= 1


async def test_a_mail_that_cannot_be_sent_does_not_change_the_answer(client: ApiClient, tmp_path: Path) -> None:
    from marketplace.ports.mail.outbox import DirectoryMailer

    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    client.app.state.services.mailer = DirectoryMailer(blocked)  # every send fails: it cannot create the outbox
    owner = await make_user(client.app)
    for email in (str(owner.email), "free@example.cn"):
        r = await client.fork().post(
            "/api/auth/register", json={"email": email, "password": "a-long-password-1", "display_name": "x"}
        )
        assert (r.status_code, r.json()) == (202, {"status": "sent"})
    forgot = await client.post("/api/auth/password/forgot", json={"login": owner.email})
    assert forgot.status_code == 202


async def test_old_failure_counts_are_forgotten_and_pruned(client: ApiClient, settings: Settings) -> None:
    from marketplace.accounts import throttle
    from marketplace.accounts.models import LoginThrottle

    now = datetime.now(UTC)
    horizon = timedelta(hours=settings.login_forget_hours)
    for _ in range(settings.login_free_failures + 2):
        await throttle.record_failure("old@example.cn", "203.0.113.20", settings, now - horizon - timedelta(hours=1))
    await LoginThrottle.filter(login_hash=throttle.login_hash("old@example.cn")).update(
        updated_at=now - horizon - timedelta(minutes=1)
    )
    # A count left alone past the horizon starts afresh: one more failure is within the free allowance.
    await throttle.record_failure("old@example.cn", "203.0.113.20", settings, now)
    assert await throttle.seconds_to_wait("old@example.cn", "203.0.113.20", now) == 0
    assert {r.failures for r in await LoginThrottle.filter(login_hash=throttle.login_hash("old@example.cn"))} == {1}

    # A flood of made-up logins prunes as it grows: a new count removes the stale ones, keeps fresh and blocking ones.
    for i in range(5):
        await throttle.record_failure(f"ghost{i}@example.cn", "203.0.113.21", settings, now)
    await LoginThrottle.filter(login_hash__in=[throttle.login_hash(f"ghost{i}@example.cn") for i in range(3)]).update(
        updated_at=now - horizon - timedelta(minutes=1)
    )
    still_blocking = throttle.login_hash("ghost3@example.cn")
    await LoginThrottle.filter(login_hash=still_blocking).update(
        updated_at=now - horizon - timedelta(minutes=1), blocked_until=now + timedelta(minutes=5)
    )
    await throttle.record_failure("newcomer@example.cn", "203.0.113.22", settings, now)
    left = {r.login_hash for r in await LoginThrottle.all()}
    assert not left & {throttle.login_hash(f"ghost{i}@example.cn") for i in range(3)}
    assert {
        still_blocking,
        throttle.login_hash("ghost4@example.cn"),
        throttle.login_hash("newcomer@example.cn"),
    } <= left
