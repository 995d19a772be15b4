"""Builds the OpenAPI 3.1 document from the routes' declared operations."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Route

from marketplace.web.endpoint import Operation, default_int_bounds

_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")
_ERROR_TEXT = {
    400: "Malformed request",
    401: "Not logged in",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    422: "Validation failed",
    429: "Too many requests",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


def operations(routes: list[BaseRoute]) -> list[Operation]:
    return [op for r in routes if isinstance(r, Route) and (op := getattr(r, "operation", None)) is not None]


def openapi_path(path: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def build(routes: list[BaseRoute], *, title: str, version: str) -> dict[str, Any]:
    ops = operations(routes)
    models: set[type[BaseModel]] = {ErrorResponse}
    for op in ops:
        models.update(m for m in (op.body, op.response) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, defs = models_json_schema(
        [(m, "validation" if m is not None else "serialization") for m in ordered],
        ref_template="#/components/schemas/{model}",
    )
    ref_of = {m: refs[(m, "validation")] for m in ordered}

    paths: dict[str, Any] = {}
    for op in ops:
        item: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": f"{op.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', op.path.lower()).strip('_')}",
            "parameters": _parameters(op),
            "responses": _responses(op, ref_of),
        }
        if op.auth == "user":
            item["security"] = [{"session": []}, {"token": [op.scope]}]
        if op.body is not None:
            item["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref_of[op.body]}}}
        paths.setdefault(openapi_path(op.path), {})[op.method.lower()] = item

    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "mp_session",
                    "description": "Browser session; unsafe methods also need X-CSRF-Token.",
                },
                "token": {"type": "http", "scheme": "bearer", "description": "API token mpt_… with scopes"},
            },
        },
    }


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1} if conv == "int" else {"type": "string"},
        }
        for name, conv in _PARAM.findall(op.path)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        required = set(schema.get("required", []))
        bounds = default_int_bounds(op.query)
        for name, prop in schema.get("properties", {}).items():
            if name in bounds:
                _bound(prop, *bounds[name])
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return params


def _bound(prop: dict[str, Any], low: int | None, high: int | None) -> None:
    for schema in prop.get("anyOf", [prop]):
        if schema.get("type") == "integer":
            if low is not None:
                schema["minimum"] = low
            if high is not None:
                schema["maximum"] = high


def _responses(op: Operation, ref_of: dict[type[BaseModel], Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "Success"}
    if op.response is not None and op.status != 204:
        ok["content"] = {"application/json": {"schema": ref_of[op.response]}}
    responses: dict[str, Any] = {str(op.status): ok}
    # Any request may carry a credential, so any operation can answer 401 (an unknown or revoked token or
    # session) and 403 (a token without the scope; on unsafe methods a missing CSRF token, before login too).
    error_codes = set(op.errors) | {400, 401, 403, 413}
    if _PARAM.search(op.path):
        error_codes.add(404)  # an id in the path that names nothing (or nothing of yours) is 404
    if op.body is not None or op.query is not None:
        error_codes.add(422)
    for code in sorted(error_codes):
        responses[str(code)] = {
            "description": _ERROR_TEXT.get(code, "Error"),
            "content": {"application/json": {"schema": ref_of[ErrorResponse]}},
        }
    return responses
