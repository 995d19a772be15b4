"""HTTP handlers for signing up, in and out, and for one's own password and details."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.accounts import profile, recovery, registration, sessions
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, authenticate, new_secret
from marketplace.accounts.models import Session
from marketplace.accounts.routes._common import limit_by_address, me_out, secure, set_session_cookies
from marketplace.accounts.schemas import (
    AcceptedOut,
    ContactIn,
    CsrfOut,
    LinkIn,
    LoginIn,
    LoginNameIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetIn,
    ProfileIn,
    RegisterIn,
)
from marketplace.errors import Forbidden
from marketplace.web.endpoint import Call, endpoint


def _user_agent(call: Call[Any, Any]) -> str:
    return call.request.headers.get("user-agent", "")


@endpoint(
    "GET",
    "/api/auth/csrf",
    summary="Get a CSRF token (sets the mp_csrf cookie)",
    tag="auth",
    response=CsrfOut,
    auth="public",
)
async def csrf(call: Call[Any, Any]) -> Response:
    # Never echo the cookie the client sent: a token planted by someone else must not become valid.
    principal = await authenticate(call.request, csrf_required=False)
    session = await Session.get_or_none(id=principal.session_id) if principal and principal.session_id else None
    token = session.csrf_token if session is not None else new_secret()
    response = JSONResponse(CsrfOut(csrf_token=token).model_dump())
    response.set_cookie(CSRF_COOKIE, token, httponly=False, secure=secure(call), samesite="lax", path="/")
    return response


@endpoint(
    "POST",
    "/api/auth/register",
    summary="Register: a confirmation link goes to the email (or mobile); the same answer if it is taken",
    tag="auth",
    body=RegisterIn,
    response=AcceptedOut,
    status=202,
    auth="public",
    errors=(429,),
)
async def register(call: Call[RegisterIn, Any]) -> AcceptedOut:
    await limit_by_address(call)
    s = call.services
    await registration.register(call.body, hasher=s.hasher, mailer=s.mailer, settings=s.settings, ip=call.client_ip)
    return AcceptedOut()


@endpoint(
    "POST",
    "/api/auth/register/confirm",
    summary="Open the registration link: creates the account and logs in",
    tag="auth",
    body=LinkIn,
    response=MeOut,
    status=201,
    auth="public",
    errors=(400, 429),
)
async def confirm_registration(call: Call[LinkIn, Any]) -> Response:
    await limit_by_address(call)
    s = call.services
    new = await registration.confirm_registration(
        call.body.token, mailer=s.mailer, settings=s.settings, ip=call.client_ip, user_agent=_user_agent(call)
    )
    s.relay.notify()
    response = JSONResponse((await me_out(new.user.id)).model_dump(mode="json"), status_code=201)
    set_session_cookies(response, call, new)
    return response


@endpoint(
    "POST",
    "/api/auth/login",
    summary="Log in with email or mobile number (and a login code from mail to skip throttling)",
    tag="auth",
    body=LoginIn,
    response=MeOut,
    auth="public",
    errors=(401, 429),
)
async def login(call: Call[LoginIn, Any]) -> Response:
    await limit_by_address(call)
    s = call.services
    new = await sessions.login(
        call.body.login,
        call.body.password,
        hasher=s.hasher,
        settings=s.settings,
        ip=call.client_ip,
        user_agent=_user_agent(call),
        login_code=call.body.code,
    )
    response = JSONResponse((await me_out(new.user.id)).model_dump(mode="json"))
    set_session_cookies(response, call, new)
    return response


@endpoint(
    "POST",
    "/api/auth/login/code",
    summary="Mail a one-time login code to the account (the same answer for any login)",
    tag="auth",
    body=LoginNameIn,
    response=AcceptedOut,
    status=202,
    auth="public",
    errors=(429,),
)
async def login_code(call: Call[LoginNameIn, Any]) -> AcceptedOut:
    await limit_by_address(call)
    await recovery.send_login_code(call.body.login, mailer=call.services.mailer, ip=call.client_ip)
    return AcceptedOut()


@endpoint("POST", "/api/auth/logout", summary="Log out (revokes this session)", tag="auth", status=204)
async def logout(call: Call[Any, Any]) -> Response:
    if call.user.session_id is not None:
        await sessions.logout(call.user.session_id, call.user.user_id, call.client_ip)
        call.services.relay.notify()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@endpoint(
    "POST",
    "/api/auth/password",
    summary="Change password (ends every other session and every API token)",
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
        mailer=call.services.mailer,
        ip=call.client_ip,
    )
    call.services.relay.notify()


@endpoint(
    "POST",
    "/api/auth/password/forgot",
    summary="Mail a password reset link (the same answer for any login)",
    tag="auth",
    body=LoginNameIn,
    response=AcceptedOut,
    status=202,
    auth="public",
    errors=(429,),
)
async def forgot_password(call: Call[LoginNameIn, Any]) -> AcceptedOut:
    await limit_by_address(call)
    s = call.services
    await recovery.forgot_password(call.body.login, mailer=s.mailer, settings=s.settings, ip=call.client_ip)
    return AcceptedOut()


@endpoint(
    "POST",
    "/api/auth/password/reset",
    summary="Set a new password from a reset link (ends every session and API token)",
    tag="auth",
    body=PasswordResetIn,
    status=204,
    auth="public",
    errors=(400, 429),
)
async def reset_password(call: Call[PasswordResetIn, Any]) -> None:
    await limit_by_address(call)
    await recovery.reset_password(
        call.body.token, call.body.new_password, hasher=call.services.hasher, ip=call.client_ip
    )
    call.services.relay.notify()


@endpoint("GET", "/api/me", summary="The caller with organisations and roles", tag="auth", response=MeOut)
async def me(call: Call[Any, Any]) -> MeOut:
    return await me_out(call.user.user_id)


@endpoint("PATCH", "/api/me", summary="Change my display name", tag="auth", body=ProfileIn, response=MeOut)
async def update_me(call: Call[ProfileIn, Any]) -> MeOut:
    await profile.rename(call.user.user_id, call.body.display_name, call.client_ip)
    return await me_out(call.user.user_id)


@endpoint(
    "POST",
    "/api/me/contact",
    summary="Change my email or mobile: password required, then a link to the new address confirms it",
    tag="auth",
    body=ContactIn,
    response=AcceptedOut,
    status=202,
    errors=(401,),
)
async def change_contact(call: Call[ContactIn, Any]) -> AcceptedOut:
    if call.user.token_id is not None:
        raise Forbidden("change your address from a logged-in session, not with an API token")
    s = call.services
    await profile.request_contact_change(
        call.user.user_id,
        call.body.field,
        call.body.value,
        call.body.password,
        hasher=s.hasher,
        mailer=s.mailer,
        settings=s.settings,
        ip=call.client_ip,
    )
    return AcceptedOut()


@endpoint(
    "POST",
    "/api/me/contact/confirm",
    summary="Open the link sent to the new address: it becomes the account's",
    tag="auth",
    body=LinkIn,
    status=204,
    auth="public",
    errors=(400, 429),
)
async def confirm_contact(call: Call[LinkIn, Any]) -> None:
    await limit_by_address(call)
    await profile.confirm_contact_change(call.body.token, call.client_ip)


routes: list[BaseRoute] = [
    csrf,
    register,
    confirm_registration,
    login,
    login_code,
    logout,
    change_password,
    forgot_password,
    reset_password,
    me,
    update_me,
    change_contact,
    confirm_contact,
]
