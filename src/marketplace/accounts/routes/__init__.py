"""HTTP handlers for accounts, by what they serve: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from marketplace.accounts.routes import admin, auth, organisations, tokens

routes: list[BaseRoute] = [*auth.routes, *organisations.routes, *admin.routes, *tokens.routes]
