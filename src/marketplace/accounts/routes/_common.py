"""What the accounts handlers share: the caller's profile, session cookies, the per-address limit."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from marketplace.accounts import sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE
from marketplace.accounts.models import User
from marketplace.accounts.schemas import MembershipOut, MeOut
from marketplace.web.endpoint import Call


async def me_out(user_id: int) -> MeOut:
    user = await User.get(id=user_id)
    memberships = await user.memberships.all().select_related("organisation")
    principal_is_admin = any("platform_admin" in m.roles and m.organisation.kind == "platform" for m in memberships)
    return MeOut(
        id=user.id,
        email=user.email,
        mobile=user.mobile,
        display_name=user.display_name,
        is_platform_admin=principal_is_admin,
        organisations=[
            MembershipOut(
                id=m.organisation.id,
                name=m.organisation.name,
                kind=m.organisation.kind,
                roles=list(m.roles),
                verification_status=m.organisation.verification_status,
            )
            for m in memberships
        ],
    )


def secure(call: Call[Any, Any]) -> bool:
    # Over HTTPS (directly, or per X-Forwarded-Proto from the trusted proxy) cookies are always Secure.
    return bool(call.services.settings.secure_cookies or call.request.url.scheme == "https")


def set_session_cookies(response: Response, call: Call[Any, Any], new: sessions.NewSession) -> None:
    max_age = call.services.settings.session_ttl_hours * 3600
    flag = secure(call)
    response.set_cookie(
        SESSION_COOKIE, new.token, max_age=max_age, httponly=True, secure=flag, samesite="lax", path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, new.csrf_token, max_age=max_age, httponly=False, secure=flag, samesite="lax", path="/"
    )


async def limit_by_address(call: Call[Any, Any]) -> None:
    """The per-address budget of every public accounts endpoint (they hash passwords or send mail)."""
    await call.services.auth_limiter.check(f"ip:{call.client_ip}")
