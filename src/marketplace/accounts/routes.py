"""HTTP handlers for accounts: parse, call one service, serialise."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.accounts import organisations as orgs
from marketplace.accounts import sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret
from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.schemas import (
    AuditPage,
    CertificateIn,
    CertificateOut,
    CertificatePage,
    CsrfOut,
    DecisionIn,
    LoginIn,
    MemberIn,
    MemberOut,
    MemberPage,
    MembershipOut,
    MeOut,
    NewTokenOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrgFilter,
    PasswordChangeIn,
    PenaltyIn,
    PenaltyOut,
    PenaltyPage,
    RegisterIn,
    TokenIn,
    TokenOut,
    TokenPage,
)
from marketplace.errors import Forbidden
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.pagination import PageQuery, paginate


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


def _set_session_cookies(response: Response, call: Call[Any, Any], new: sessions.NewSession) -> None:
    secure = call.services.settings.secure_cookies
    max_age = call.services.settings.session_ttl_hours * 3600
    response.set_cookie(
        SESSION_COOKIE, new.token, max_age=max_age, httponly=True, secure=secure, samesite="lax", path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, new.csrf_token, max_age=max_age, httponly=False, secure=secure, samesite="lax", path="/"
    )


def _client(call: Call[Any, Any]) -> dict[str, Any]:
    s = call.services
    return {
        "hasher": s.hasher,
        "settings": s.settings,
        "ip": call.client_ip,
        "user_agent": call.request.headers.get("user-agent", ""),
    }


@endpoint(
    "GET",
    "/api/auth/csrf",
    summary="Get a CSRF token (sets the mp_csrf cookie)",
    tag="auth",
    response=CsrfOut,
    auth="public",
)
async def csrf(call: Call[Any, Any]) -> Response:
    token = call.request.cookies.get(CSRF_COOKIE) or new_secret()
    response = JSONResponse(CsrfOut(csrf_token=token).model_dump())
    secure = call.services.settings.secure_cookies
    response.set_cookie(CSRF_COOKIE, token, httponly=False, secure=secure, samesite="lax", path="/")
    return response


@endpoint(
    "POST",
    "/api/auth/register",
    summary="Register and log in",
    tag="auth",
    body=RegisterIn,
    response=MeOut,
    status=201,
    auth="public",
    errors=(409, 429),
)
async def register(call: Call[RegisterIn, Any]) -> Response:
    await call.services.auth_limiter.check(f"ip:{call.client_ip}")
    new = await sessions.register(call.body, **_client(call))
    call.services.relay.notify()
    response = JSONResponse((await me_out(new.user.id)).model_dump(mode="json"), status_code=201)
    _set_session_cookies(response, call, new)
    return response


@endpoint(
    "POST",
    "/api/auth/login",
    summary="Log in with email or mobile number",
    tag="auth",
    body=LoginIn,
    response=MeOut,
    auth="public",
    errors=(401, 429),
)
async def login(call: Call[LoginIn, Any]) -> Response:
    await call.services.auth_limiter.check(f"ip:{call.client_ip}")
    new = await sessions.login(call.body.login, call.body.password, **_client(call))
    response = JSONResponse((await me_out(new.user.id)).model_dump(mode="json"))
    _set_session_cookies(response, call, new)
    return response


@endpoint("POST", "/api/auth/logout", summary="Log out (revokes this session)", tag="auth", status=204)
async def logout(call: Call[Any, Any]) -> Response:
    if call.user.session_id is not None:
        await sessions.logout(call.user.session_id, call.user.user_id, call.client_ip)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@endpoint(
    "POST",
    "/api/auth/password",
    summary="Change password (ends every other session)",
    tag="auth",
    body=PasswordChangeIn,
    status=204,
    errors=(401,),
)
async def change_password(call: Call[PasswordChangeIn, Any]) -> None:
    if call.user.token_id is not None:
        raise Forbidden("change the password from a logged-in session, not with an API token")
    await sessions.change_password(
        call.user.user_id,
        call.user.session_id,
        call.body.current_password,
        call.body.new_password,
        hasher=call.services.hasher,
        ip=call.client_ip,
    )


@endpoint("GET", "/api/me", summary="The caller with organisations and roles", tag="auth", response=MeOut)
async def me(call: Call[Any, Any]) -> MeOut:
    return await me_out(call.user.user_id)


@endpoint(
    "POST",
    "/api/organisations",
    summary="Create a dealer or auction-house organisation",
    tag="organisations",
    body=OrganisationIn,
    response=OrganisationOut,
    status=201,
    errors=(409,),
)
async def create_organisation(call: Call[OrganisationIn, Any]) -> OrganisationOut:
    out = await orgs.create_organisation(call.user, call.body, call.client_ip)
    call.services.relay.notify()
    return out


@endpoint(
    "GET",
    "/api/organisations/{id:int}",
    summary="An organisation (members and staff only)",
    tag="organisations",
    response=OrganisationOut,
    errors=(404,),
)
async def get_organisation(call: Call[Any, Any]) -> OrganisationOut:
    return await orgs.get_organisation(call.user, call.path_id())


@endpoint(
    "GET",
    "/api/organisations/{id:int}/members",
    summary="Members and their roles",
    tag="organisations",
    query=PageQuery,
    response=MemberPage,
    errors=(404,),
)
async def list_members(call: Call[Any, PageQuery]) -> MemberPage:
    items, cursor = await orgs.list_members(call.user, call.path_id(), call.query)
    return MemberPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/organisations/{id:int}/members",
    summary="Add a member or grant roles",
    tag="organisations",
    body=MemberIn,
    response=MemberOut,
    status=201,
    errors=(404,),
)
async def add_member(call: Call[MemberIn, Any]) -> MemberOut:
    return await orgs.add_member(call.user, call.path_id(), call.body.login, list(call.body.roles), call.client_ip)


@endpoint(
    "GET",
    "/api/organisations/{id:int}/certificates",
    summary="Agent certificates (代理证)",
    tag="organisations",
    query=PageQuery,
    response=CertificatePage,
    errors=(404,),
)
async def list_certificates(call: Call[Any, PageQuery]) -> CertificatePage:
    items, cursor = await orgs.list_certificates(call.user, call.path_id(), call.query)
    return CertificatePage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/organisations/{id:int}/certificates",
    summary="Lodge an agent certificate for verification",
    tag="organisations",
    body=CertificateIn,
    response=CertificateOut,
    status=201,
    errors=(404, 409),
)
async def add_certificate(call: Call[CertificateIn, Any]) -> CertificateOut:
    return await orgs.add_certificate(call.user, call.path_id(), call.body, call.client_ip)


@endpoint(
    "GET",
    "/api/organisations/{id:int}/penalties",
    summary="Penalty points (扣分)",
    tag="organisations",
    query=PageQuery,
    response=PenaltyPage,
    errors=(404,),
)
async def list_penalties(call: Call[Any, PageQuery]) -> PenaltyPage:
    items, cursor = await orgs.list_penalties(call.user, call.path_id(), call.query)
    return PenaltyPage(items=items, next_cursor=cursor)


@endpoint(
    "GET",
    "/api/admin/organisations",
    summary="Organisations by verification status (platform staff)",
    tag="admin",
    query=OrgFilter,
    response=OrganisationPage,
    scope="admin",
)
async def admin_organisations(call: Call[Any, OrgFilter]) -> OrganisationPage:
    items, cursor = await orgs.admin_list_organisations(call.user, call.query)
    return OrganisationPage(items=items, next_cursor=cursor)


@endpoint(
    "GET",
    "/api/admin/organisations/{id:int}/certificates",
    summary="An organisation's certificates (staff)",
    tag="admin",
    query=PageQuery,
    response=CertificatePage,
    scope="admin",
    errors=(404,),
)
async def admin_certificates(call: Call[Any, PageQuery]) -> CertificatePage:
    orgs.require(call.user, orgs.Action.ADMIN_ORGS)
    items, cursor = await orgs.list_certificates(call.user, call.path_id(), call.query)
    return CertificatePage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/admin/organisations/{id:int}/verification",
    summary="Verify, suspend or cancel a dealer",
    tag="admin",
    body=DecisionIn,
    response=OrganisationOut,
    scope="admin",
    errors=(404, 409),
)
async def decide_organisation(call: Call[DecisionIn, Any]) -> OrganisationOut:
    out = await orgs.decide_organisation(call.user, call.path_id(), call.body.action, call.body.reason, call.client_ip)
    call.services.relay.notify()
    return out


@endpoint(
    "POST",
    "/api/admin/certificates/{id:int}/verification",
    summary="Verify, suspend or cancel a certificate",
    tag="admin",
    body=DecisionIn,
    response=CertificateOut,
    scope="admin",
    errors=(404, 409),
)
async def decide_certificate(call: Call[DecisionIn, Any]) -> CertificateOut:
    return await orgs.decide_certificate(call.user, call.path_id(), call.body.action, call.body.reason, call.client_ip)


@endpoint(
    "POST",
    "/api/admin/penalties",
    summary="Record penalty points with reason and evidence",
    tag="admin",
    body=PenaltyIn,
    response=PenaltyOut,
    status=201,
    scope="admin",
    errors=(404,),
)
async def add_penalty(call: Call[PenaltyIn, Any]) -> PenaltyOut:
    return await orgs.add_penalty(call.user, call.body, call.client_ip)


@endpoint(
    "GET",
    "/api/admin/audit",
    summary="The audit log (platform staff)",
    tag="admin",
    query=PageQuery,
    response=AuditPage,
    scope="admin",
)
async def audit_log(call: Call[Any, PageQuery]) -> AuditPage:
    items, cursor = await orgs.list_audit(call.user, call.query)
    return AuditPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/admin/users/{id:int}/sessions/revoke",
    summary="End every session of a user",
    tag="admin",
    status=204,
    scope="admin",
    errors=(404,),
)
async def revoke_sessions(call: Call[Any, Any]) -> None:
    orgs.require(call.user, orgs.Action.ADMIN_VERIFY)
    await sessions.revoke_user_sessions(call.path_id(), actor=call.user.user_id, ip=call.client_ip)


def _token_out(t: ApiToken) -> TokenOut:
    return TokenOut(
        id=t.id,
        name=t.name,
        scopes=list(t.scopes),
        created_at=t.created_at,
        last_used_at=t.last_used_at,
        revoked_at=t.revoked_at,
    )


@endpoint("GET", "/api/tokens", summary="My API tokens", tag="auth", query=PageQuery, response=TokenPage)
async def list_tokens(call: Call[Any, PageQuery]) -> TokenPage:
    items, cursor = await paginate(ApiToken.filter(user_id=call.user.user_id), call.query, _token_out)
    return TokenPage(items=items, next_cursor=cursor)


@endpoint(
    "POST",
    "/api/tokens",
    summary="Create an API token (the secret is shown once)",
    tag="auth",
    body=TokenIn,
    response=NewTokenOut,
    status=201,
)
async def create_token(call: Call[TokenIn, Any]) -> NewTokenOut:
    if call.user.token_id is not None:
        raise Forbidden("API tokens are created from a logged-in session")
    if "admin" in call.body.scopes and not call.user.is_platform_admin:
        raise Forbidden("only platform staff may create tokens with the admin scope", code="insufficient_role")
    token, raw = await sessions.create_token(call.user.user_id, call.body.name, list(call.body.scopes), call.client_ip)
    return NewTokenOut(**_token_out(token).model_dump(), token=raw)


@endpoint("DELETE", "/api/tokens/{id:int}", summary="Revoke an API token", tag="auth", status=204, errors=(404,))
async def revoke_token(call: Call[Any, Any]) -> None:
    await sessions.revoke_token(call.user.user_id, call.path_id(), call.client_ip)


routes: list[BaseRoute] = [
    csrf,
    register,
    login,
    logout,
    change_password,
    me,
    create_organisation,
    get_organisation,
    list_members,
    add_member,
    list_certificates,
    add_certificate,
    list_penalties,
    admin_organisations,
    admin_certificates,
    decide_organisation,
    decide_certificate,
    add_penalty,
    audit_log,
    revoke_sessions,
    list_tokens,
    create_token,
    revoke_token,
]
