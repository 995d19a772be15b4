"""Declarative JSON endpoints: parse and validate, authenticate, call one service, serialise.

Every route built here is also an OpenAPI operation (see `openapi.py`), so the document cannot
drift from the code.
"""

from __future__ import annotations

import functools
import json
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

import annotated_types
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from marketplace.accounts.auth import authenticate
from marketplace.accounts.domain import Principal
from marketplace.errors import BadRequest, Forbidden, NotFound, Unauthenticated, ValidationFailed

B = TypeVar("B", bound=BaseModel)
Q = TypeVar("Q", bound=BaseModel)

Scope = Literal["read", "write", "bid", "admin"]
MAX_DB_INT = 2**31 - 1
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NoBody(BaseModel):
    pass


@dataclass
class Call(Generic[B, Q]):
    request: Request
    principal: Principal | None
    body: B
    query: Q

    @property
    def user(self) -> Principal:
        if self.principal is None:  # guarded by auth="user"; kept for the type checker
            raise Unauthenticated("login required")
        return self.principal

    def path_id(self, name: str = "id") -> int:
        try:
            value = int(self.request.path_params[name])
        except (TypeError, ValueError):  # a route declared without `:int` must still answer 404, not 500
            raise NotFound("not found") from None
        if value < 1 or value > MAX_DB_INT:
            raise NotFound("not found")
        return value

    @property
    def services(self) -> Any:
        return self.request.app.state.services

    @property
    def content_type(self) -> str:
        """The body's media type, lower case, without its parameters (an upload's declared kind)."""
        return self.request.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def client_ip(self) -> str:
        return self.request.client.host if self.request.client else ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    auth: Literal["public", "user"]
    scope: Scope
    errors: tuple[int, ...] = field(default_factory=tuple)


Handler = Callable[[Call[Any, Any]], Awaitable[BaseModel | Response | None]]


def _validation_details(exc: ValidationError, where: str) -> list[dict[str, Any]]:
    # `type` and `ctx` (the limits: max_length, ge, le, expected…) let a client word the problem in its own
    # language; pydantic's `msg` is English. Only plain values of ctx are kept (a value_error's holds the exception).
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        item: dict[str, Any] = {"loc": [where, *[str(p) for p in err["loc"]]], "msg": err["msg"], "type": err["type"]}
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int | float | bool)}
        if ctx:
            item["ctx"] = ctx
        details.append(item)
    return details


async def _parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    raw = await request.body()
    if not raw:
        data: Any = {}
    else:
        ctype = request.headers.get("content-type", "")
        if "json" not in ctype:
            raise BadRequest(
                "request body must be JSON (Content-Type: application/json)", code="unsupported_media_type"
            )
        try:
            data = json.loads(raw)
        except ValueError as exc:  # also an integer of more than 4,300 digits (Python's int-from-str limit)
            raise BadRequest(f"malformed JSON: {exc}", code="malformed_json") from None
        except RecursionError:
            raise BadRequest("malformed JSON: nested too deeply", code="malformed_json") from None
    if not isinstance(data, dict):
        raise ValidationFailed(
            "request body must be a JSON object", details=[{"loc": ["body"], "msg": "not an object"}]
        )
    bad = _control_characters(data)
    if bad:
        raise ValidationFailed("request body is invalid", details=bad)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("request body is invalid", details=_validation_details(exc, "body")) from None
    far = _datetimes_out_of_range(parsed)
    if far:
        raise ValidationFailed("request body is invalid", details=far)
    return parsed


# A moment is compared, stored in UTC and shown on a Beijing clock: one whose UTC or local reading falls outside
# `datetime`'s years 1-9999 (9999-12-31T23:59-10:00 is year 10000 in UTC) overflows in whatever reads it. A day
# of margin at each end keeps every offset's reading a datetime.
_EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
_LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def _datetimes_out_of_range(model: BaseModel) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[tuple[list[str], Any]] = [(["body"], model)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, datetime):
            if not _in_range(value):
                found.append({"loc": loc, "msg": "must lie between the years 1 and 9999 in UTC",
                              "type": "datetime_out_of_range"})  # fmt: skip
        elif isinstance(value, BaseModel):
            stack.extend(([*loc, name], getattr(value, name)) for name in type(value).model_fields)
        elif isinstance(value, dict):
            stack.extend(([*loc, str(k)], v) for k, v in value.items())
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(([*loc, str(i)], v) for i, v in enumerate(value))
    return sorted(found, key=lambda d: d["loc"])


def _in_range(moment: datetime) -> bool:
    try:
        utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except OverflowError:
        return False
    return _EARLIEST <= utc <= _LATEST


# C0 control characters other than tab, line feed and carriage return: nobody types them, XML (so an
# XLSX export) cannot hold them, and terminals and logs interpret them. Refused in every JSON string.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _control_characters(data: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[tuple[list[str], Any]] = [(["body"], data)]
    while stack:  # iterative: json.loads accepted the depth, a recursive walk might not
        loc, value = stack.pop()
        if isinstance(value, str):
            if _CONTROL.search(value):
                found.append({"loc": loc, "msg": "contains a control character", "type": "control_character"})
        elif isinstance(value, dict):
            stack.extend(([*loc, str(k)], v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(([*loc, str(i)], v) for i, v in enumerate(value))
    return sorted(found, key=lambda d: d["loc"])


@functools.cache
def default_int_bounds(model: type[BaseModel]) -> dict[str, tuple[int | None, int | None]]:
    """The (minimum, maximum) every integer query parameter gets where its model declares none.

    An unbounded integer reaches a database column as an overflow (a 500): 9223372036854775808 is a
    valid int to pydantic. The OpenAPI document shows these bounds (see `openapi._parameters`)."""
    bounds: dict[str, tuple[int | None, int | None]] = {}
    for name, info in model.model_fields.items():
        if not _is_int(info.annotation):
            continue
        has_low = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in info.metadata)
        has_high = any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in info.metadata)
        if not (has_low and has_high):
            bounds[name] = (None if has_low else -MAX_DB_INT, None if has_high else MAX_DB_INT)
    return bounds


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    return any(a is int for a in typing.get_args(annotation)) and all(
        a in (int, type(None)) for a in typing.get_args(annotation)
    )


def _parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        params[key] = value
    # A query string carries text into the same columns a body does (a file's name, a paper's number).
    bad = [{**d, "loc": ["query", *d["loc"][1:]]} for d in _control_characters(params)]
    if bad:
        raise ValidationFailed("query parameters are invalid", details=bad)
    try:
        parsed = model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed("query parameters are invalid", details=_validation_details(exc, "query")) from None
    problems = []
    for name, (low, high) in default_int_bounds(model).items():
        value = getattr(parsed, name)
        if value is None:
            continue
        if low is not None and value < low:
            problems.append({"loc": ["query", name], "msg": f"must be at least {low}", "type": "greater_than_equal"})
        if high is not None and value > high:
            problems.append({"loc": ["query", name], "msg": f"must be at most {high}", "type": "less_than_equal"})
    if problems:
        raise ValidationFailed("query parameters are invalid", details=problems)
    return parsed


def endpoint(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    auth: Literal["public", "user"] = "user",
    scope: Scope | None = None,
    errors: tuple[int, ...] = (),
    csrf: bool = True,
) -> Callable[[Handler], Route]:
    """Turn a handler into a Starlette Route carrying its OpenAPI operation. `csrf=False` only for a public
    endpoint another server calls without a browser (a provider's signed webhook): it has no cookie to echo."""
    if not csrf and auth != "public":
        raise ValueError("only a public endpoint goes without the CSRF check")
    needed_scope: Scope = scope or ("read" if method == "GET" else "write")
    op = Operation(method, path, summary, tag, body, query, response, status, auth, needed_scope, errors)

    def decorate(handler: Handler) -> Route:
        async def run(request: Request) -> Response:
            request.scope.setdefault("state", {})["route_template"] = path  # label metrics even when refused
            principal = await authenticate(request, csrf_required=csrf and method in UNSAFE_METHODS)
            if auth == "user" and principal is None:
                raise Unauthenticated("login required")
            if principal is not None and not principal.has_scope(needed_scope):
                raise Forbidden(f"this API token lacks the '{needed_scope}' scope", code="insufficient_scope")
            parsed_body = await _parse_body(request, body) if body is not None else NoBody()
            parsed_query = _parse_query(request, query) if query is not None else NoBody()
            result = await handler(Call(request, principal, parsed_body, parsed_query))
            if isinstance(result, Response):
                return result
            if result is None:
                return Response(status_code=204 if status == 200 else status)
            return JSONResponse(result.model_dump(mode="json"), status_code=status)

        run.__name__ = handler.__name__
        run.__doc__ = handler.__doc__
        route = Route(path, run, methods=[method], name=handler.__name__)
        route.operation = op  # type: ignore[attr-defined]
        return route

    return decorate
