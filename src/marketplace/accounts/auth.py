"""Who is calling: server-side sessions (cookie) and revocable scoped API tokens (Bearer).

Sessions live in the database so logout, a password change or an admin revokes them at once;
the cookie carries only a random token whose SHA-256 is stored. CSRF uses a per-session token
echoed in the `X-CSRF-Token` header (double submit: the `mp_csrf` cookie is readable by the page).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from starlette.requests import HTTPConnection

from marketplace.accounts.domain import Principal
from marketplace.accounts.models import ApiToken, Membership, Session, User
from marketplace.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "mp_session"
CSRF_COOKIE = "mp_csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_PREFIX = "mpt_"
_TOUCH_EVERY = timedelta(minutes=5)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


async def principal_for_user(user: User, **extra: object) -> Principal:
    memberships = await Membership.filter(user_id=user.id).select_related("organisation")
    return Principal(
        user_id=user.id,
        display_name=user.display_name,
        memberships={m.organisation_id: frozenset(m.roles) for m in memberships},
        org_kinds={m.organisation_id: m.organisation.kind for m in memberships},
        **extra,  # type: ignore[arg-type]
    )


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def authenticate(conn: HTTPConnection, *, csrf_required: bool) -> Principal | None:
    now = datetime.now(UTC)
    auth_header = conn.headers.get("authorization", "")
    if auth_header:
        scheme, _, raw = auth_header.partition(" ")
        if scheme.lower() != "bearer" or not raw.startswith(TOKEN_PREFIX):
            raise Unauthenticated("unsupported Authorization header; use 'Bearer mpt_…'", code="invalid_token")
        return await _token_principal(raw.strip(), now)

    raw_session = conn.cookies.get(SESSION_COOKIE)
    session = None
    if raw_session:
        session = await Session.get_or_none(token_hash=token_hash(raw_session), revoked_at=None).select_related("user")
        if session is not None and (session.expires_at <= now or not session.user.is_active):
            session = None
    if csrf_required:
        expected = session.csrf_token if session is not None else conn.cookies.get(CSRF_COOKIE)
        if not _same(conn.headers.get(CSRF_HEADER), expected):
            raise Forbidden(
                "missing or wrong CSRF token (send the mp_csrf cookie value in X-CSRF-Token)", code="csrf_failed"
            )
    if session is None:
        return None
    if session.last_seen_at is None or now - session.last_seen_at > _TOUCH_EVERY:
        await Session.filter(id=session.id).update(last_seen_at=now)
    return await principal_for_user(session.user, session_id=session.id)


async def _token_principal(raw: str, now: datetime) -> Principal:
    token = await ApiToken.get_or_none(token_hash=token_hash(raw), revoked_at=None).select_related("user")
    if token is None or not token.user.is_active:
        raise Unauthenticated("API token is unknown or revoked", code="invalid_token")
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return await principal_for_user(token.user, scopes=frozenset(token.scopes), token_id=token.id)
