"""HTTP handlers for personal API tokens."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from marketplace.accounts import sessions
from marketplace.accounts.models import ApiToken
from marketplace.accounts.schemas import NewTokenOut, TokenIn, TokenOut, TokenPage
from marketplace.errors import Forbidden
from marketplace.web.endpoint import Call, endpoint
from marketplace.web.pagination import PageQuery, paginate


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
    call.services.relay.notify()


routes: list[BaseRoute] = [list_tokens, create_token, revoke_token]
