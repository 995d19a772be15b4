"""HTTP conventions every endpoint shares: bad input is always a 4xx in the error shape with a stable
code (never a 500, never a write), CSRF, OpenAPI, the operational endpoints, request ids, pagination.

The case tables are built from the accounts routes (`marketplace.accounts.routes.routes`), so a new
accounts endpoint is covered without edits (and `test_every_body_model_has_a_valid_example` fails until
it has a valid example body). The OpenAPI and routing checks cover every route of the app.

The `api` fixture is the usual client with one change: the app's exceptions come back as the 500
response a real server would send instead of being raised into the test, so "never 500" is an
assertion on the status code.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel
from starlette.routing import Route

from marketplace.accounts import codes, sessions
from marketplace.accounts.audit import audit
from marketplace.accounts.auth import CSRF_COOKIE, SESSION_COOKIE, new_secret, token_hash
from marketplace.accounts.models import (
    AgentCertificate,
    ApiToken,
    AuditEntry,
    Invitation,
    Organisation,
    Session,
    User,
)
from marketplace.accounts.routes import routes
from marketplace.accounts.schemas import (
    CertificateIn,
    ContactIn,
    DecisionIn,
    LinkIn,
    LoginIn,
    LoginNameIn,
    MemberIn,
    OrganisationIn,
    PasswordChangeIn,
    PasswordResetIn,
    PenaltyIn,
    ProfileIn,
    RegisterIn,
    RolesIn,
    TokenIn,
)
from marketplace.web.endpoint import UNSAFE_METHODS, Operation
from tests.support import (
    PASSWORD,
    ApiClient,
    accounts_snapshot,
    make_certificate,
    make_member,
    make_org,
    make_platform_admin,
    make_user,
    uscc,
)

ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))
MAX_BODY = 1024 * 1024
JSON = {"Content-Type": "application/json"}
HEX_ID = re.compile(r"^[0-9a-f]{32}$")

OPS: list[Operation] = [r.operation for r in routes if hasattr(r, "operation")]  # type: ignore[attr-defined]
BODY_OPS = [op for op in OPS if op.body is not None]
UNSAFE_OPS = [op for op in OPS if op.method in UNSAFE_METHODS]
QUERY_OPS = [op for op in OPS if op.query is not None]
ID_OPS = [op for op in OPS if "{id:int}" in op.path]


def op_id(op: Operation) -> str:
    return f"{op.method} {openapi_path(op.path)}"


def openapi_path(path: str) -> str:
    return re.sub(r"{(\w+):\w+}", r"{\1}", path)


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def non_raising(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def fork(client: ApiClient) -> ApiClient:
    other = client.fork()
    other.http = non_raising(client.app)
    return other


@pytest.fixture
async def api(client: ApiClient) -> ApiClient:
    await client.http.aclose()
    client.http = non_raising(client.app)
    return client  # the `client` fixture closes it


# --- state -------------------------------------------------------------------------------------------


async def open_session(user: User) -> tuple[str, str]:
    raw, csrf = new_secret(), new_secret()
    await Session.create(
        token_hash=token_hash(raw), csrf_token=csrf, user_id=user.id, expires_at=datetime.now(UTC) + timedelta(days=1)
    )
    return raw, csrf


def use_session(client: ApiClient, raw: str, csrf: str) -> None:
    client.http.cookies.set(SESSION_COOKIE, raw)
    client.http.cookies.set(CSRF_COOKIE, csrf)


_n = itertools.count(8_000_000)


@dataclass
class Ctx:
    """A platform admin logged in on `api`, and one resource of every kind an {id} can name."""

    admin: User
    org: Organisation
    cert: AgentCertificate
    victim: User
    recruit: User
    token_id: int
    csrf: str
    member: User | None = None  # of `org`, for the member endpoints
    invitations: dict[str, int] = field(default_factory=dict)  # "mine" (to the admin), "org" (of `org`)
    secrets: dict[str, str] = field(default_factory=dict)  # one-time link secrets by purpose

    def path(self, op: Operation, value: object | None = None) -> str:
        path = op.path
        if self.member is not None:
            path = path.replace("{user_id:int}", str(self.member.id))
        path = path.replace("{invitation_id:int}", str(self.invitations.get("org", 0)))
        if value is None:
            if op.path.startswith("/api/me/invitations/"):
                value = self.invitations["mine"]
            elif op.path.startswith("/api/admin/certificates/"):
                value = self.cert.id
            elif op.path.startswith("/api/admin/users/"):
                value = self.victim.id
            elif op.path.startswith("/api/tokens/"):
                value = self.token_id
            else:
                value = self.org.id
        return path.replace("{id:int}", str(value))


async def as_platform_admin(api: ApiClient) -> Ctx:
    admin = (await make_platform_admin(api.app)).user
    org = await make_org("dealer")
    cert = await make_certificate(org, status="verified")
    victim = await make_user(api.app, "victim")
    await open_session(victim)
    recruit = await make_user(api.app, "recruit")
    token, _ = await sessions.create_token(admin.id, "own", ["read"], "127.0.0.1")
    raw, csrf = await open_session(admin)
    use_session(api, raw, csrf)
    member = await make_member(api.app, org, ["dealer_staff"], "staff")
    expires = datetime.now(UTC) + timedelta(days=1)
    invitations = {
        "mine": (
            await Invitation.create(
                organisation_id=org.id,
                login_field="email",
                login_value=admin.email,
                roles=["buyer"],
                expires_at=expires,
            )
        ).id,
        "org": (
            await Invitation.create(
                organisation_id=org.id,
                login_field="email",
                login_value=recruit.email,
                roles=["buyer"],
                expires_at=expires,
            )
        ).id,
    }
    register = await codes.issue(
        codes.Purpose.REGISTER,
        payload={"email": f"new{next(_n)}@example.cn", "mobile": None, "display_name": "N", "password_hash": "x"},
    )
    reset = await codes.issue(codes.Purpose.RESET, user_id=recruit.id)
    contact = await codes.issue(
        codes.Purpose.CONTACT, user_id=recruit.id, payload={"field": "email", "value": f"moved{next(_n)}@example.cn"}
    )
    secrets = {"register": register.secret, "reset": reset.secret, "contact": contact.secret}
    return Ctx(admin, org, cert, victim, recruit, token.id, csrf, member.user, invitations, secrets)


# A valid body for every request model; the platform admin's request with it succeeds (checked below).
VALID_BODIES: dict[type[BaseModel], Callable[[Ctx], dict[str, Any]]] = {
    RegisterIn: lambda c: {
        "email": f"new{next(_n)}@example.cn",
        "mobile": None,
        "password": "a-long-password-1",
        "display_name": "Newcomer",
    },
    LoginIn: lambda c: {"login": str(c.admin.email), "password": PASSWORD, "code": None},
    PasswordChangeIn: lambda c: {"current_password": PASSWORD, "new_password": "brand-new-password-9"},
    OrganisationIn: lambda c: {"name": "Newco Motors", "kind": "dealer", "business_licence_no": uscc(next(_n))},
    MemberIn: lambda c: {"login": str(c.recruit.email), "roles": ["dealer_staff"]},
    CertificateIn: lambda c: {
        "holder_name": "New Holder",
        "certificate_no": f"NEW-{next(_n)}",
        "valid_from": "2025-01-01",
        "valid_until": "2027-01-01",
        "holder_user_id": None,
    },
    DecisionIn: lambda c: {"action": "suspend", "reason": "complaints"},
    PenaltyIn: lambda c: {
        "organisation_id": c.org.id,
        "user_id": None,
        "points": 3,
        "reason": "late paperwork",
        "evidence": "ticket 42",
    },
    TokenIn: lambda c: {"name": "ci", "scopes": ["read"]},
    LinkIn: lambda c: {"token": c.secrets["register"]},
    LoginNameIn: lambda c: {"login": str(c.recruit.email)},
    PasswordResetIn: lambda c: {"token": c.secrets["reset"], "new_password": "brand-new-password-9"},
    ProfileIn: lambda c: {"display_name": "Renamed"},
    ContactIn: lambda c: {"field": "email", "value": f"moving{next(_n)}@example.cn", "password": PASSWORD},
    RolesIn: lambda c: {"roles": ["buyer"]},
}


def valid_body(op: Operation, ctx: Ctx) -> dict[str, Any] | None:
    if op.path == "/api/me/contact/confirm":  # the same body model as the registration link's
        return {"token": ctx.secrets["contact"]}
    return VALID_BODIES[op.body](ctx) if op.body is not None else None


def test_every_body_model_has_a_valid_example() -> None:
    for op in BODY_OPS:
        assert op.body in VALID_BODIES, f"{op_id(op)}: add a valid example of {op.body.__name__} to VALID_BODIES"
    assert {op.method for op in UNSAFE_OPS} <= {"POST", "PUT", "PATCH", "DELETE"}
    assert BODY_OPS, "no endpoint takes a body?"


# --- malformed bodies on every endpoint that takes one -------------------------------------------------


@dataclass(frozen=True)
class Sent:
    content: bytes
    headers: dict[str, str]
    what: str  # for assertion messages
    field: str | None = None  # the field the error must point at


def _dump(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _per_field(valid: dict[str, Any], value: Any, *, strings_only: bool = False) -> list[Sent]:
    return [
        Sent(_dump({**valid, name: value}), JSON, f"{name}={str(value)[:20]}", field=name)
        for name, original in valid.items()
        if not strings_only or isinstance(original, str)
    ]


BodyCase = Callable[[dict[str, Any]], list[Sent]]
BODY_CASES: dict[str, tuple[BodyCase, int, str]] = {
    "malformed_json": (
        lambda v: [
            Sent(b'{"login": ', JSON, "truncated"),
            Sent(_dump(v) + b"}", JSON, "trailing garbage"),
            Sent(b"{'login': 'x'}", JSON, "single quotes"),
            Sent(b'{"login": "\xff\xfe\xfa"}', JSON, "non-UTF-8 bytes"),
            Sent(b"\xff\xfe\x00\xd8", JSON, "bytes that are no encoding of JSON"),
        ],
        400,
        "malformed_json",
    ),
    "non_object_json": (
        lambda v: [Sent(raw, JSON, raw.decode()) for raw in (b"[]", b"[{}]", b'"text"', b"42", b"null", b"true")],
        422,
        "validation_error",
    ),
    "missing_required_fields": (
        lambda v: [Sent(b"{}", JSON, "empty object"), Sent(b"", JSON, "no body")],
        422,
        "validation_error",
    ),
    "unknown_field": (
        lambda v: [Sent(_dump({**v, "is_platform_admin": True}), JSON, "extra field", field="is_platform_admin")],
        422,
        "validation_error",
    ),
    "wrong_type": (
        lambda v: [*_per_field(v, {"$gt": ""}), *_per_field(v, [1, 2]), *_per_field(v, True, strings_only=True)],
        422,
        "validation_error",
    ),
    "huge_number": (lambda v: _per_field(v, 10**40), 422, "validation_error"),
    "oversize_string": (lambda v: _per_field(v, "x" * 20_000, strings_only=True), 422, "validation_error"),
    "wrong_content_type": (
        lambda v: [
            Sent(_dump(v), {"Content-Type": "text/plain"}, "text/plain"),
            Sent(b"login=a&password=b", {"Content-Type": "application/x-www-form-urlencoded"}, "form"),
            Sent(_dump(v), {"Content-Type": "multipart/form-data; boundary=x"}, "multipart"),
        ],
        400,
        "unsupported_media_type",
    ),
    "deeply_nested_json": (lambda v: [Sent(b"[" * 100_000, JSON, "100k nested arrays")], 400, "malformed_json"),
}
# `True` goes only into string fields: the models validate in pydantic's lax mode, where true is the integer 1.
KNOWN_BODY_BUGS: dict[Any, str] = {}


def _body_params() -> list[Any]:
    params = []
    for op in BODY_OPS:
        for case in BODY_CASES:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BODY_BUGS[case])] if case in KNOWN_BODY_BUGS else []
            params.append(pytest.param(op, case, id=f"{op_id(op)}:{case}", marks=marks))
    return params


@pytest.mark.parametrize(("op", "case"), _body_params())
async def test_bad_bodies_are_refused_with_a_stable_code(api: ApiClient, op: Operation, case: str) -> None:
    ctx = await as_platform_admin(api)
    make, status, code = BODY_CASES[case]
    valid = valid_body(op, ctx)
    assert valid is not None
    assert set(valid) == set(op.body.model_fields), "the example names every field, so each gets a wrong value"  # type: ignore[union-attr]
    sent = make(valid)
    if not sent and case == "oversize_string":  # e.g. RolesIn: a list of role names, no free text
        assert not [v for v in valid.values() if isinstance(v, str)]
        return
    assert sent
    before = await accounts_snapshot()
    for s in sent:
        r = await api.request(op.method, ctx.path(op), content=s.content, headers=s.headers)
        assert r.status_code < 500, f"{s.what}: {r.text}"
        error = assert_error(r, status, code)
        if s.field is not None:
            locs = [d.get("loc", [])[:2] for d in error["details"]]
            assert ["body", s.field] in locs, f"{s.what}: {error}"
        if case == "missing_required_fields":
            required = set(op.body.model_json_schema().get("required", []))  # type: ignore[union-attr]
            assert required
            missing = {d["loc"][1] for d in error["details"] if d.get("type") == "missing"}
            assert missing == required, f"{s.what}: {error}"
    assert await accounts_snapshot() == before


@pytest.mark.parametrize("op", [op for op in UNSAFE_OPS if op.body is None], ids=op_id)
async def test_bodyless_endpoints_ignore_a_body(api: ApiClient, op: Operation) -> None:
    """Endpoints that take no body do not parse one: garbage is ignored rather than refused."""
    ctx = await as_platform_admin(api)
    r = await api.request(op.method, ctx.path(op), content=b'{"login": ', headers=JSON)
    assert r.status_code == op.status, r.text


# --- body size ------------------------------------------------------------------------------------


async def _stream(total: int, chunk: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield b" " * size


@pytest.mark.parametrize("op", UNSAFE_OPS, ids=op_id)
async def test_declared_oversize_body_is_413(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    before = await accounts_snapshot()
    r = await api.request(op.method, ctx.path(op), content=b" " * (MAX_BODY + 1), headers=JSON)
    assert_error(r, 413, "payload_too_large")
    assert await accounts_snapshot() == before


@pytest.mark.parametrize("op", BODY_OPS, ids=op_id)
async def test_streamed_oversize_body_without_length_is_413(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    before = await accounts_snapshot()
    r = await api.request(op.method, ctx.path(op), content=_stream(MAX_BODY + 1), headers=JSON)
    assert "content-length" not in r.request.headers
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert_error(r, 413, "payload_too_large")
    assert await accounts_snapshot() == before


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
async def test_body_of_exactly_the_limit_is_parsed(api: ApiClient, streamed: bool) -> None:
    assert api.app.state.settings.max_body_bytes == MAX_BODY
    await as_platform_admin(api)
    prefix, suffix = b'{"login": "', b'", "password": "x"}'
    body = prefix + b"a" * (MAX_BODY - len(prefix) - len(suffix)) + suffix
    assert len(body) == MAX_BODY

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(body), 100_000):
            yield body[i : i + 100_000]

    r = await api.post("/api/auth/login", content=chunks() if streamed else body, headers=JSON)
    error = assert_error(r, 422, "validation_error")  # too long a login, but not too large a body
    assert error["details"][0]["loc"] == ["body", "login"]


async def raw_asgi(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes] | None = None
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request straight into the ASGI app, for headers httpx would refuse or rewrite."""
    pending = list(chunks or [b""])
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if pending:
            body = pending.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(pending)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


async def test_invalid_content_length_is_400(api: ApiClient) -> None:
    status, headers, body = await raw_asgi(
        api.app, "POST", "/api/auth/login", [(b"content-length", b"lots"), (b"content-type", b"application/json")]
    )
    assert status == 400
    assert json.loads(body)["error"]["code"] == "bad_request"
    assert HEX_ID.match(headers[b"x-request-id"].decode())


async def test_understated_content_length_still_hits_the_limit(api: ApiClient) -> None:
    before = await accounts_snapshot()
    chunks = [b" " * (256 * 1024)] * 5
    status, _, body = await raw_asgi(
        api.app,
        "POST",
        "/api/auth/register",
        [
            (b"content-length", b"10"),
            (b"content-type", b"application/json"),
            (b"cookie", b"mp_csrf=t0k3n"),
            (b"x-csrf-token", b"t0k3n"),
        ],
        chunks,
    )
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert await accounts_snapshot() == before


# --- path ids ----------------------------------------------------------------------------------------

BAD_IDS = {
    "malformed": ["0", "-1", str(2**31), "99999999999999999999", "abc", "1.5", "1e3", "%20"],
    "missing": [str(2**31 - 1)],  # well-formed, but nothing has this id
}
KNOWN_ID_BUGS: dict[Any, str] = {}


def _id_params() -> list[Any]:
    params = []
    for op in ID_OPS:
        for name in BAD_IDS:
            key = (op_id(op), name)
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_ID_BUGS[key])] if key in KNOWN_ID_BUGS else []
            params.append(pytest.param(op, name, id=f"{op_id(op)}:{name}", marks=marks))
    return params


@pytest.mark.parametrize(("op", "bad"), _id_params())
async def test_bad_or_unknown_ids_are_404(api: ApiClient, op: Operation, bad: str) -> None:
    ctx = await as_platform_admin(api)  # allowed to see and change anything that exists
    before = await accounts_snapshot()
    for value in BAD_IDS[bad]:
        body = valid_body(op, ctx)
        r = await api.request(op.method, ctx.path(op, value), **({"json": body} if body is not None else {}))
        assert r.status_code == 404, (value, r.text)
        assert_error(r, 404, "not_found")
    assert await accounts_snapshot() == before


# --- query strings ----------------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


QUERY_CASES: dict[str, tuple[list[dict[str, str]], int, str | None]] = {
    "invalid_cursor": (
        [
            {"cursor": "!!!"},  # not base64
            {"cursor": "_w"},  # base64 of a byte that is not UTF-8
            {"cursor": "é"},  # not ASCII
            {"cursor": b64("user:5")},
            {"cursor": b64("id:-5")},
            {"cursor": b64("id:five")},
            {"cursor": b64("id:")},
        ],
        400,
        "invalid_cursor",
    ),
    "cursor_too_long": ([{"cursor": "A" * 65}], 422, "validation_error"),
    "cursor_huge_id": ([{"cursor": b64("id:" + "9" * 30)}], 400, "invalid_cursor"),
    "limit_out_of_range": (
        [{"limit": v} for v in ("0", "101", "-1", "ten", "2.5", "9" * 30, "")],
        422,
        "validation_error",
    ),
    "unknown_param": ([{"sort": "name"}, {"limit": "5", "offset": "10"}], 422, "validation_error"),
    "valid_bounds": ([{"limit": "1"}, {"limit": "100"}, {"cursor": ""}, {"cursor": b64("id:1")}], 200, None),
}
KNOWN_QUERY_BUGS: dict[Any, str] = {}


def _query_params() -> list[Any]:
    params = []
    for op in QUERY_OPS:
        for case in QUERY_CASES:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_QUERY_BUGS[case])] if case in KNOWN_QUERY_BUGS else []
            params.append(pytest.param(op, case, id=f"{op_id(op)}:{case}", marks=marks))
    return params


@pytest.mark.parametrize(("op", "case"), _query_params())
async def test_query_parameters_are_validated(api: ApiClient, op: Operation, case: str) -> None:
    ctx = await as_platform_admin(api)
    variants, status, code = QUERY_CASES[case]
    for params in variants:
        r = await api.get(ctx.path(op), params=params)
        assert r.status_code == status, (params, r.text)
        if code is None:
            page = r.json()
            assert set(page) == {"items", "next_cursor"}
            assert len(page["items"]) <= int(params.get("limit", 20))
        else:
            error = assert_error(r, status, code)
            if case == "unknown_param":
                unknown = next(k for k in params if k not in op.query.model_fields)  # type: ignore[union-attr]
                assert {"loc": ["query", unknown], "type": "extra_forbidden"}.items() <= error["details"][0].items()


def _int32_params() -> list[Any]:
    return [pytest.param(op, id=op_id(op)) for op in QUERY_OPS]


@pytest.mark.parametrize("op", _int32_params())
async def test_cursor_beyond_int32_is_not_a_server_error(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    r = await api.get(ctx.path(op), params={"cursor": b64(f"id:{2**31 + 5}")})
    if r.status_code == 200:
        assert set(r.json()) == {"items", "next_cursor"}
    else:
        assert_error(r, 400, "invalid_cursor")


@pytest.mark.parametrize("op", [op for op in OPS if op.method == "GET" and op.query is None], ids=op_id)
async def test_endpoints_without_a_query_model_ignore_query_parameters(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    r = await api.get(ctx.path(op), params={"unexpected": "1", "limit": "nonsense"})
    assert r.status_code == 200, r.text


# --- routing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/", "/api/nope", "/api/organisations/1/unknown", "/api/me/", "/api/ME"])
async def test_unknown_api_route_is_404_json(api: ApiClient, path: str) -> None:
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        r = await api.request(method, path, csrf=False)
        assert r.status_code == 404, (method, r.text)
        if method != "HEAD":
            assert_error(r, 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("PUT", "/healthz"), ("POST", "/metrics"), ("DELETE", "/openapi.json")])
async def test_wrong_method_on_an_operational_route_is_405(api: ApiClient, method: str, path: str) -> None:
    r = await api.request(method, path, csrf=False)
    assert_error(r, 405, "method_not_allowed")


async def test_options_on_an_api_route_is_405(api: ApiClient) -> None:
    assert_error(await api.request("OPTIONS", "/api/me"), 405, "method_not_allowed")


async def test_wrong_method_on_an_api_route_is_405(api: ApiClient) -> None:
    wrong = []
    for path in sorted({r.path for r in routes if isinstance(r, Route)}):
        allowed = set().union(*(r.methods or set() for r in routes if isinstance(r, Route) and r.path == path))
        method = next(m for m in ("DELETE", "POST", "GET", "PUT", "PATCH") if m not in allowed)
        r = await api.request(method, re.sub(r"\{\w+:int\}", "1", path), csrf=False)
        if r.status_code != 405 or r.json()["error"]["code"] != "method_not_allowed":
            wrong.append(f"{method} {path} -> {r.status_code} {r.json()['error']['code']}")
    assert not wrong, wrong


async def test_405_lists_the_allowed_methods(api: ApiClient) -> None:
    r = await api.request("PUT", "/healthz")
    assert r.status_code == 405
    assert "GET" in r.headers.get("allow", "")


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", UNSAFE_OPS, ids=op_id)
async def test_session_requests_without_the_csrf_token_are_refused(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    _, other_csrf = await open_session(ctx.victim)
    body = valid_body(op, ctx)
    modes = {
        "no header": None,
        "empty": "",
        "wrong": "x" * 43,
        "another session's": other_csrf,
        "the cookie's name": CSRF_COOKIE,
    }
    before = await accounts_snapshot()
    for mode, header in modes.items():
        headers = {} if header is None else {"X-CSRF-Token": header}
        r = await api.request(
            op.method, ctx.path(op), csrf=False, headers=headers, **({"json": body} if body is not None else {})
        )
        assert r.status_code == 403, (mode, r.text)
        assert_error(r, 403, "csrf_failed")
    assert await accounts_snapshot() == before
    # The same request with the session's token goes through: only the token was missing.
    r = await api.request(
        op.method, ctx.path(op), headers={"X-CSRF-Token": ctx.csrf}, **({"json": body} if body is not None else {})
    )
    assert r.status_code == op.status, r.text


@pytest.mark.parametrize("op", UNSAFE_OPS, ids=op_id)
async def test_bearer_tokens_need_no_csrf_token(api: ApiClient, op: Operation) -> None:
    ctx = await as_platform_admin(api)
    _, raw = await sessions.create_token(ctx.admin.id, "automation", ["admin"], "127.0.0.1")
    bot = fork(api)
    bot.bearer = raw
    if op.path == "/api/tokens/{id:int}":
        ctx.token_id = (await ApiToken.get(token_hash=token_hash(raw))).id  # a token revokes itself
    body = valid_body(op, ctx)
    r = await bot.request(op.method, ctx.path(op), **({"json": body} if body is not None else {}))
    assert "x-csrf-token" not in r.request.headers
    assert "cookie" not in r.request.headers
    if op.path in ("/api/auth/password", "/api/tokens", "/api/me/contact"):  # these need a logged-in session
        assert_error(r, 403, "forbidden")
    else:
        assert r.status_code == op.status, r.text
    await bot.aclose()


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login"])
async def test_anonymous_unsafe_requests_need_the_double_submit_token(api: ApiClient, path: str) -> None:
    ctx = await as_platform_admin(api)
    stranger = fork(api)
    body = VALID_BODIES[RegisterIn if path.endswith("register") else LoginIn](ctx)
    before = await accounts_snapshot()
    assert_error(await stranger.post(path, json=body, csrf=False), 403, "csrf_failed")
    stranger.http.cookies.set(CSRF_COOKIE, "cookie-value")
    r = await stranger.post(path, json=body, headers={"X-CSRF-Token": "other-value"})
    assert_error(r, 403, "csrf_failed")
    assert await accounts_snapshot() == before
    r = await stranger.post(path, json=body, headers={"X-CSRF-Token": "cookie-value"})
    assert r.status_code in (200, 202), r.text
    await stranger.aclose()


# --- OpenAPI --------------------------------------------------------------------------------------


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part]
    return node


async def test_openapi_document_matches_the_routes(api: ApiClient) -> None:
    r = await api.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"]
    assert doc["info"]["version"]

    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    in_app = {
        (openapi_path(route.path), route.operation.method.lower())  # type: ignore[attr-defined]
        for route in api.app.routes
        if isinstance(route, Route) and hasattr(route, "operation")
    }
    assert {(openapi_path(op.path), op.method.lower()) for op in OPS} <= in_app
    assert in_app - documented == set(), "routes missing from the document"
    assert documented - in_app == set(), "documented operations without a route"

    operation_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))

    schemas = doc["components"]["schemas"]
    error_ref = "#/components/schemas/ErrorResponse"
    error_schema = _resolve(doc, error_ref)
    detail = _resolve(doc, error_schema["properties"]["error"]["$ref"])
    assert {"code", "message"} <= set(detail["required"])

    app_ops = [r.operation for r in api.app.routes if isinstance(r, Route) and hasattr(r, "operation")]
    for op in app_ops:
        item = doc["paths"][openapi_path(op.path)][op.method.lower()]
        where = op_id(op)
        responses = item["responses"]
        assert str(op.status) in responses, where
        errors = {code: resp for code, resp in responses.items() if code.startswith(("4", "5"))}
        assert {"400", "413"} <= set(errors), where
        for code, resp in errors.items():
            assert resp["content"]["application/json"]["schema"] == {"$ref": error_ref}, (where, code)
        for code in op.errors:
            assert str(code) in errors, (where, code)
        if op.auth == "user":
            assert {"401", "403"} <= set(errors), where
            assert item["security"], where
        if op.body is not None or op.query is not None:
            assert "422" in errors, where
        if op.body is not None:
            ref = item["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.startswith("#/components/schemas/"), where
            body_schema = _resolve(doc, ref)
            assert body_schema["title"] == op.body.__name__, where
            assert body_schema["additionalProperties"] is False, where
            assert set(body_schema["properties"]) == set(op.body.model_fields), where
        else:
            assert "requestBody" not in item, where
        if op.response is not None and op.status != 204:
            ok = responses[str(op.status)]["content"]["application/json"]["schema"]["$ref"]
            assert _resolve(doc, ok)["title"] == op.response.__name__, where
        path_params = {p["name"] for p in item["parameters"] if p["in"] == "path"}
        assert path_params == set(re.findall(r"{(\w+)", op.path)), where
        query_params = {p["name"] for p in item["parameters"] if p["in"] == "query"}
        assert query_params == (set(op.query.model_fields) if op.query else set()), where

    refs = _refs(doc)
    assert refs
    for ref in refs:
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
        assert _resolve(doc, ref) is not None, ref


async def test_every_documented_operation_is_routed(api: ApiClient) -> None:
    """Asked anonymously, every documented operation is answered by its own route, not the /api catch-all."""
    doc = (await api.get("/openapi.json")).json()
    for path, item in doc["paths"].items():
        for method in item:
            r = await api.request(method.upper(), re.sub(r"{\w+}", "1", path), json={})
            assert r.status_code < 500, (method, path, r.text)
            assert not r.text.startswith('{"error":{"code":"not_found","message":"no API route'), (method, path)


# --- operational endpoints --------------------------------------------------------------------------


async def test_healthz(api: ApiClient) -> None:
    r = await api.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_reports_each_dependency(api: ApiClient) -> None:
    r = await api.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    expected = {"database": "ok"} | ({"redis": "ok"} if os.environ.get("REDIS_URL") else {})
    assert body["checks"] == expected


def _requests_total(text: str) -> dict[tuple[str, str, str], float]:
    counts = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "http_requests_total":
                labels = sample.labels
                counts[(labels["method"], labels["route"], labels["status"])] = sample.value
    return counts


async def test_metrics_count_requests_per_route_template(api: ApiClient) -> None:
    ctx = await as_platform_admin(api)
    assert (await api.get("/api/me")).status_code == 200
    assert (await api.get("/api/me")).status_code == 200
    assert (await api.get(f"/api/organisations/{ctx.org.id}")).status_code == 200
    r = await api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/api/me",status="200"} 2.0' in r.text
    counts = _requests_total(r.text)
    assert counts[("GET", "/api/me", "200")] == 2
    # Templates, not concrete paths: ids never become label values.
    assert counts[("GET", "/api/organisations/{id:int}", "200")] == 1
    assert not [key for key in counts if str(ctx.org.id) in key[1]]
    assert "http_request_duration_seconds_bucket" in r.text


async def test_metrics_label_refused_requests_with_their_route(api: ApiClient) -> None:
    assert (await api.get("/api/me")).status_code == 401
    counts = _requests_total((await api.get("/metrics")).text)
    assert counts.get(("GET", "/api/me", "401")) == 1


# --- request ids ----------------------------------------------------------------------------------


async def _responses_of_every_kind(api: ApiClient) -> dict[str, httpx.Response]:
    anonymous = fork(api)
    ctx = await as_platform_admin(api)
    return {
        "200": await api.get("/healthz"),
        "201": await api.post("/api/tokens", json={"name": "t", "scopes": ["read"]}),
        "204": await api.delete(f"/api/tokens/{ctx.token_id}"),
        "400": await api.post("/api/tokens", content=b"{", headers=JSON),
        "401": await anonymous.get("/api/me"),
        "403": await api.post("/api/tokens", json={}, csrf=False),
        "404": await api.get("/api/nothing-here"),
        "405": await api.request("PUT", "/healthz"),
        "413 declared": await api.post("/api/tokens", content=b" " * (MAX_BODY + 1), headers=JSON),
        "413 streamed": await api.post("/api/tokens", content=_stream(MAX_BODY + 1), headers=JSON),
        "422": await api.post("/api/tokens", json={}),
        "503 spa": await api.get("/some/page"),  # the SPA fallback when the frontend is not built
    }


async def test_every_response_carries_a_request_id(api: ApiClient) -> None:
    responses = await _responses_of_every_kind(api)
    for kind, r in responses.items():
        assert r.status_code == int(kind[:3]), (kind, r.text)
        assert HEX_ID.match(r.headers.get("x-request-id", "")), (kind, r.headers)
    assert len({r.headers["x-request-id"] for r in responses.values()}) == len(responses)


async def test_a_server_error_carries_a_request_id_and_the_error_shape() -> None:
    """A bug's 500 is answered inside the request-id middleware: error shape, X-Request-ID, no traceback."""
    from marketplace.web.middleware import Metrics, RequestContextMiddleware

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a bug")

    app = RequestContextMiddleware(broken, Metrics())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/api/anything")
    assert_error(r, 500, "internal_error")
    assert HEX_ID.match(r.headers.get("x-request-id", ""))
    assert "a bug" not in r.text


@pytest.mark.parametrize("incoming", ["abc", "req-42_retry.1", "A" * 64, "0123456789abcdef0123456789abcdef"])
async def test_a_sane_request_id_is_echoed(api: ApiClient, incoming: str) -> None:
    r = await api.get("/healthz", headers={"X-Request-ID": incoming})
    assert r.headers["x-request-id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        b"abc\ndef",
        b"abc\r\nSet-Cookie: mp_session=evil",
        b"A" * 65,
        b"x" * 500,
        b"<script>alert(1)</script>",
        b"two words",
        b"caf\xc3\xa9",
        b"",
    ],
    ids=["newline", "header_injection", "65_chars", "500_chars", "markup", "space", "non_ascii", "empty"],
)
async def test_a_malicious_request_id_is_replaced(api: ApiClient, incoming: bytes) -> None:
    status, headers, _ = await raw_asgi(api.app, "GET", "/healthz", [(b"x-request-id", incoming)])
    assert status == 200
    assert HEX_ID.match(headers[b"x-request-id"].decode())
    assert b"set-cookie" not in headers


# --- cursor pagination ------------------------------------------------------------------------------


async def _walk(api: ApiClient, url: str, limit: int, cursor: str | None = None) -> tuple[list[int], list[int]]:
    ids: list[int] = []
    sizes: list[int] = []
    for _ in range(100):
        r = await api.get(url, params={"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        page = r.json()
        sizes.append(len(page["items"]))
        ids.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, sizes
    raise AssertionError("pagination did not end")


async def test_walking_admin_organisations_sees_each_exactly_once(api: ApiClient) -> None:
    await as_platform_admin(api)  # the platform organisation and one dealer
    for _ in range(44):
        await make_org("dealer")
    expected = sorted(await Organisation.all().values_list("id", flat=True), reverse=True)
    assert len(expected) == 46
    ids, sizes = await _walk(api, "/api/admin/organisations", 20)
    assert ids == expected  # newest first, each once
    assert sizes == [20, 20, 6]


async def test_walking_the_audit_log_sees_each_entry_once_despite_inserts(api: ApiClient) -> None:
    await as_platform_admin(api)
    for i in range(45):
        await audit("test.entry", actor=None, target=f"n:{i}")
    expected = sorted(await AuditEntry.all().values_list("id", flat=True), reverse=True)
    assert len(expected) >= 45

    first = (await api.get("/api/admin/audit", params={"limit": 20})).json()
    for i in range(5):  # written while the client pages: they are newer, so never appear in later pages
        await audit("test.late", actor=None, target=f"late:{i}")
    rest, _ = await _walk(api, "/api/admin/audit", 20, first["next_cursor"])
    ids = [item["id"] for item in first["items"]] + rest
    assert ids == expected


async def test_a_page_of_exactly_limit_items_ends_the_walk(api: ApiClient) -> None:
    await as_platform_admin(api)
    for _ in range(18):
        await make_org("dealer")
    assert await Organisation.all().count() == 20
    r = await api.get("/api/admin/organisations", params={"limit": 20})
    assert len(r.json()["items"]) == 20
    assert r.json()["next_cursor"] is None


# --- property-based: arbitrary JSON never yields a 5xx ------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: Python's json accepts them
    | st.text(st.characters(exclude_categories=()), max_size=300)  # lone surrogates included
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=15,
)


def shaped(fields: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Objects with the endpoint's own field names (some missing, some extra) holding arbitrary values."""
    plausible = st.sampled_from(["user@example.cn", "13912345678", "a-long-password-1", "", " ", "x" * 255])
    return st.dictionaries(
        st.sampled_from(fields) | st.text(max_size=10), plausible | json_values, min_size=1, max_size=len(fields) + 1
    )


ALLOWED_ERRORS = {
    "/api/auth/register": {400: {"malformed_json"}, 422: {"validation_error"}},
    "/api/auth/login": {
        400: {"malformed_json"},
        401: {"invalid_credentials"},
        422: {"validation_error"},
        429: {"login_throttled"},
    },
}
SHAPES = {
    "/api/auth/register": ("email", "mobile", "password", "display_name"),
    "/api/auth/login": ("login", "password"),
}
FUZZ = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


async def _post_any(api: ApiClient, path: str, value: Any) -> None:
    content = json.dumps(value).encode()  # ASCII with \u escapes, so lone surrogates survive the trip
    r = await api.post(path, content=content, headers=JSON)
    assert r.status_code < 500, (content[:300], r.text)
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"error"}, body
        assert body["error"]["code"] in ALLOWED_ERRORS[path].get(r.status_code, set()), (content[:300], body)
    else:
        assert r.status_code == (202 if path.endswith("register") else 200), r.text


@FUZZ
@given(value=json_values | shaped(SHAPES["/api/auth/register"]))
async def test_register_never_fails_with_a_server_error(api: ApiClient, value: Any) -> None:
    await _post_any(api, "/api/auth/register", value)


@FUZZ
@given(value=json_values | shaped(SHAPES["/api/auth/login"]))
async def test_login_never_fails_with_a_server_error(api: ApiClient, value: Any) -> None:
    await _post_any(api, "/api/auth/login", value)
