"""One error shape for every failure: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise.exceptions import DoesNotExist, IntegrityError

from marketplace.outages import RETRY_AFTER_SECONDS

log = logging.getLogger("marketplace.errors")


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details


class BadRequest(ApiError):
    pass


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class ValidationFailed(ApiError):
    status = 422
    code = "validation_error"


class TooManyRequests(ApiError):
    status = 429
    code = "too_many_requests"


class ServiceUnavailable(ApiError):
    # The database or Redis cannot be reached: retry later, nothing was done (see marketplace.outages).
    status = 503
    code = "service_unavailable"


def service_unavailable() -> ServiceUnavailable:
    # Which service is down stays in the log: callers need only to know that waiting helps.
    return ServiceUnavailable(
        "a service this request needs is unreachable; nothing was changed, try again shortly",
        details={"retry_after_seconds": RETRY_AFTER_SECONDS},
    )


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(code: str, message: str, status: int, details: Any = None) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


async def _api_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = {}
    retryable = isinstance(exc, TooManyRequests | ServiceUnavailable)
    if retryable and isinstance(exc.details, dict) and "retry_after_seconds" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after_seconds"])
    response = error_response(exc.code, exc.message, exc.status, exc.details)
    response.headers.update(headers)
    return response


async def _http_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    response = error_response(code, str(exc.detail), exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)  # e.g. Allow on 405
    return response


async def _does_not_exist(_: Request, exc: Exception) -> Response:
    return error_response("not_found", "not found", 404)


async def _integrity(_: Request, exc: Exception) -> Response:
    # A unique constraint lost a race that the service's own check could not see.
    log.info("integrity error mapped to 409: %s", exc)
    return error_response("conflict", "the record conflicts with an existing one", 409)


async def _unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response("internal_error", "internal server error", 500)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: _api_error,
    HTTPException: _http_error,
    DoesNotExist: _does_not_exist,
    IntegrityError: _integrity,
    Exception: _unexpected,
}
