"""Helpers for tests: an HTTP client that speaks our CSRF protocol, and fast fixtures of users and orgs."""

from __future__ import annotations

import contextlib
import email
import email.policy
import itertools
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise.contrib.test import truncate_all_models

from marketplace.accounts import domain
from marketplace.accounts.models import AgentCertificate, Membership, Organisation, User
from marketplace.app import create_app
from marketplace.settings import Settings
from marketplace.web.ratelimit import RedisRateLimiter

PASSWORD = "correct-horse-battery"
# Seed scripts of the browser tests run in their own processes against the run's shared PostgreSQL
# database: a block of numbers per process keeps their licence numbers and logins apart.
_seq = itertools.count((os.getpid() % 9_000) * 1_000 + 1)
_hash_cache: dict[str, str] = {}


class ApiClient:
    """httpx client against the in-process app; unsafe requests carry the CSRF header automatically."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        self.bearer: str | None = None

    def fork(self) -> ApiClient:
        return ApiClient(self.app)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, url: str, *, csrf: bool = True, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if self.bearer:
            headers.setdefault("Authorization", f"Bearer {self.bearer}")
        elif csrf and method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
            token = self.http.cookies.get("mp_csrf")
            if token is None:
                token = (await self.http.get("/api/auth/csrf")).json()["csrf_token"]
            headers.setdefault("X-CSRF-Token", token)
        return await self.http.request(method, url, headers=headers, **kw)

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("POST", url, **kw)

    async def delete(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kw)

    async def put(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("PUT", url, **kw)

    async def patch(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kw)

    async def login(self, login: str, password: str = PASSWORD) -> httpx.Response:
        self.http.cookies.clear()
        r = await self.post("/api/auth/login", json={"login": login, "password": password})
        assert r.status_code == 200, r.text
        return r


@contextlib.asynccontextmanager
async def make_app_client(settings: Settings) -> AsyncIterator[ApiClient]:
    app = create_app(settings)
    async with LifespanManager(app):
        await truncate_all_models()
        if settings.redis_url:
            # Each test starts with an empty job queue, as it starts with empty tables: a job an earlier test
            # left (a lot's close deferred for hours) would keep a burst worker (`settle`) from ever finishing.
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url)
            try:
                await redis.delete(f"{settings.redis_namespace}:jobs")
            finally:
                await redis.aclose()
        limiter = app.state.services.auth_limiter
        if isinstance(limiter, RedisRateLimiter):
            # Each test's app starts with full login buckets, as an in-process limiter does: the Redis
            # namespace is per test run, and every test client comes from the same address.
            limiter.prefix = f"{limiter.prefix}{uuid.uuid4().hex[:8]}:"
        client = ApiClient(app)
        try:
            yield client
        finally:
            await client.aclose()


async def password_hash(app: Starlette, password: str = PASSWORD) -> str:
    if password not in _hash_cache:
        _hash_cache[password] = await app.state.services.hasher.hash(password)
    return _hash_cache[password]


@dataclass
class Member:
    user: User
    login: str
    org: Organisation | None


async def make_user(app: Starlette, name: str = "user", *, mobile: bool = False) -> User:
    n = next(_seq)
    pw = await password_hash(app)
    if mobile:
        return await User.create(mobile=f"139{n:08d}", display_name=f"{name}{n}", password_hash=pw)
    return await User.create(email=f"{name}{n}@example.cn", display_name=f"{name}{n}", password_hash=pw)


def uscc(n: int) -> str:
    body = f"91110000MA{n:07d}"
    return body + domain.uscc_check_char(body)


async def make_org(kind: str = "dealer", status: str = "verified", name: str | None = None) -> Organisation:
    n = next(_seq)
    return await Organisation.create(
        name=name or f"{kind} {n}", kind=kind, business_licence_no=uscc(n), verification_status=status
    )


async def make_member(app: Starlette, org: Organisation | None, roles: list[str], name: str = "m") -> Member:
    user = await make_user(app, name)
    if org is not None:
        await Membership.create(user_id=user.id, organisation_id=org.id, roles=roles)
    return Member(user, str(user.email), org)


async def make_platform_admin(app: Starlette) -> Member:
    platform = await Organisation.filter(kind="platform").first() or await make_org("platform")
    return await make_member(app, platform, ["platform_admin"], "admin")


async def make_certificate(org: Organisation, holder: User | None = None, status: str = "pending") -> AgentCertificate:
    from datetime import UTC, datetime, timedelta

    today = datetime.now(UTC).date()

    n = next(_seq)
    return await AgentCertificate.create(
        organisation_id=org.id,
        holder_user_id=holder.id if holder else None,
        holder_name="holder",
        certificate_no=f"CERT-{n:06d}",
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=365),
        status=status,
    )


class Mailbox:
    """Reads what the real directory mail adapter wrote (each test gets its own directory)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        found = []
        for path in sorted(self.directory.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(msg, EmailMessage)
            if to is None or msg["To"] == to:
                found.append(msg)
        return found

    def last(self, to: str) -> EmailMessage:
        found = self.messages(to)
        assert found, f"no mail to {to}: {[m['To'] for m in self.messages()]}"
        return found[-1]

    @staticmethod
    def body(msg: EmailMessage) -> str:
        part = msg.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def token(self, to: str) -> str:
        match = re.search(r"#token=([A-Za-z0-9_-]+)", self.body(self.last(to)))
        assert match, self.body(self.last(to))
        return match.group(1)

    def code(self, to: str) -> str:
        match = re.search(r"\b(\d{8})\b", self.body(self.last(to)))
        assert match
        return match.group(1)


async def accounts_snapshot() -> dict[str, Any]:
    """Everything an accounts request could write, in a comparable form (a refused request changes none of it)."""
    from marketplace.accounts.models import ApiToken, AuditEntry, Invitation, OneTimeCode, Penalty, Session

    return {
        "users": await User.all().count(),
        "user_details": sorted(tuple(r) for r in await User.all().values_list("id", "display_name", "email", "mobile")),
        "organisations": sorted(tuple(r) for r in await Organisation.all().values_list("id", "verification_status")),
        "memberships": sorted((m.user_id, m.organisation_id, tuple(sorted(m.roles))) for m in await Membership.all()),
        "invitations": sorted((i.id, i.status, tuple(i.roles)) for i in await Invitation.all()),
        "codes": sorted((c.id, c.used_at is None) for c in await OneTimeCode.all()),
        "certificates": sorted(tuple(r) for r in await AgentCertificate.all().values_list("id", "status")),
        "penalties": await Penalty.all().count(),
        "sessions_active": await Session.filter(revoked_at=None).count(),
        "tokens_active": await ApiToken.filter(revoked_at=None).count(),
        "password_changes": await User.filter(password_changed_at__isnull=False).count(),
        "audit": await AuditEntry.all().count(),
    }
