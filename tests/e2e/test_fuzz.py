"""Schemathesis over every operation of /openapi.json, anonymous and with an API token per role.

Fails on any 5xx, on a status the operation does not declare, and on a response body that breaks its
declared schema or content type, so the document stays truthful and bad input stays a 4xx.

Bounded to fit CI (well under three minutes per profile on two cores): a fixed number of examples per
operation, role and mode (`FUZZ_EXAMPLES`, default 2, one fewer for the shallow roles; raise it locally
to dig deeper), derandomised so a run is repeatable, without shrinking. Hypothesis runs in a thread;
each request is sent to the app on the test's event loop (httpx over ASGI), where the database connections live.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.accounts import sessions
from marketplace.accounts.models import User
from tests.support import ApiClient, make_certificate, make_member, make_org, make_platform_admin
from tests.support_auctions import make_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ALL_SCOPES = ["read", "write", "bid"]
# The roles that get furthest into the handlers get more examples and invalid input too.
DEEP_ROLES = {"anonymous", "platform_admin", "dealer_admin"}
NEGATIVE_ROLES = {"anonymous", "platform_admin"}


@dataclass
class Role:
    name: str
    user: User | None = None
    scopes: tuple[str, ...] = ()


async def _token(user: User, scopes: list[str]) -> str:
    _, raw = await sessions.create_token(user.id, "fuzz", scopes, "127.0.0.1")
    return raw


async def _roles(client: ApiClient) -> list[Role]:
    app = client.app
    world = await make_world(app, lots=2)  # a house, its session and lots, a seller: ids for paths to hit
    dealer = await make_org("dealer")
    dealer_admin = await make_member(app, dealer, ["dealer_admin"], "dadmin")
    await make_certificate(dealer, dealer_admin.user, status="verified")
    dealer_staff = await make_member(app, dealer, ["dealer_staff"], "dstaff")
    dealer_buyer = await make_member(app, dealer, ["buyer"], "dbuyer")
    house = await make_org("auction_house")
    house_admin = await make_member(app, house, ["house_admin"], "hadmin")  # of a house with no sessions
    individual = await make_member(app, None, [], "buyer")
    admin = await make_platform_admin(app)
    users = {
        "platform_admin": (admin.user, [*ALL_SCOPES, "admin"]),
        "dealer_admin": (dealer_admin.user, ALL_SCOPES),
        "dealer_staff": (dealer_staff.user, ALL_SCOPES),
        "dealer_buyer": (dealer_buyer.user, ALL_SCOPES),
        "house_admin": (house_admin.user, ALL_SCOPES),
        "house_staff": (world.auctioneer, ALL_SCOPES),  # auctioneer and house_admin of the house with the lots
        "buyer": (individual.user, ALL_SCOPES),
        "read_only_token": (dealer_admin.user, ["read"]),
    }
    return [Role("anonymous"), *(Role(name, user, tuple(scopes)) for name, (user, scopes) in users.items())]


def _to_httpx(kwargs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: kwargs[k] for k in ("method", "url", "headers", "params") if k in kwargs}
    if "json" in kwargs:
        out["json"] = kwargs["json"]
    if "data" in kwargs:
        data = kwargs["data"]
        out["content" if isinstance(data, bytes | str) else "data"] = data
    cookies = kwargs.get("cookies") or {}
    if cookies:  # as a header: httpx deprecates per-request cookies
        header = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if header.isascii() and header.isprintable():
            out["headers"] = {**out.get("headers", {}), "Cookie": header}
    return out


Send = Callable[[dict[str, Any]], httpx.Response]


def _test_for(
    operation: Any, headers: dict[str, str], send: Send, mode: GenerationMode, examples: int
) -> Callable[[], None]:
    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if headers:  # the token is the identity, not a generated session cookie
            case.cookies = {}
        response = send(_to_httpx(case.as_transport_kwargs(base_url="http://testserver", headers=headers)))
        case.validate_response(response, checks=CHECKS)

    return run  # type: ignore[no-any-return]


def _fuzz(operations: list[Any], roles: list[Role], send: Send, token: Callable[[Role], str]) -> list[str]:
    failures: list[str] = []
    # Valid input for every role; invalid input (wrong types, missing fields, out of range) for the
    # deepest-reaching roles (a 4xx is expected: a 5xx or an undeclared status fails).
    runs = [(role, GenerationMode.POSITIVE) for role in roles]
    runs += [(role, GenerationMode.NEGATIVE) for role in roles if role.name in NEGATIVE_ROLES]
    for operation in operations:
        for role, mode in runs:
            # A fresh token each time: the fuzzer revokes tokens and ends sessions (its own among them).
            headers = {"Authorization": f"Bearer {token(role)}"} if role.user is not None else {}
            try:
                examples = EXAMPLES if role.name in DEEP_ROLES else max(1, EXAMPLES - 1)
                _test_for(operation, headers, send, mode, examples)()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # an operation without parameters has no invalid input
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup is a BaseExceptionGroup
                where = f"{operation.method.upper()} {operation.path} as {role.name} ({mode.value})"
                failures.append(f"{where}: {str(exc)[:1500]}")
    return failures


@pytest.fixture
async def api(client: ApiClient) -> ApiClient:
    await client.http.aclose()
    client.http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app, raise_app_exceptions=False), base_url="http://testserver"
    )
    return client


@pytest.mark.timeout(600)
async def test_every_operation_for_every_role_answers_as_documented(api: ApiClient) -> None:
    roles = await _roles(api)
    spec = (await api.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in spec["paths"].values())

    loop = asyncio.get_running_loop()

    def send(kwargs: dict[str, Any]) -> httpx.Response:
        future = asyncio.run_coroutine_threadsafe(api.http.request(**kwargs, timeout=30), loop)
        return future.result(timeout=60)

    def token(role: Role) -> str:
        assert role.user is not None
        return asyncio.run_coroutine_threadsafe(_token(role.user, list(role.scopes)), loop).result(timeout=60)

    started = time.monotonic()
    failures = await asyncio.to_thread(_fuzz, operations, roles, send, token)
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} failures in {elapsed:.0f} s:\n\n" + "\n\n".join(failures)
