"""Pure ASGI middleware: request ids, JSON access logs, Prometheus metrics, body size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketplace.errors import error_body, service_unavailable
from marketplace.outages import RETRY_AFTER_SECONDS, OutageLog, outage_of

log = logging.getLogger("marketplace.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )


class RequestContextMiddleware:
    """Assigns a request id, times the request, logs it as JSON and counts it per route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self.outage = OutageLog(log, "HTTP requests")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if outage_of(exc) is not None:
                # Not a bug: one log line per outage (and reminders), and an answer that says "retry".
                self.outage.failed(exc)
                if not response_started:
                    unavailable = service_unavailable()
                    await _reject(
                        send_with_id,
                        unavailable.status,
                        unavailable.code,
                        unavailable.message,
                        unavailable.details,
                        headers=[(b"retry-after", str(RETRY_AFTER_SECONDS).encode())],
                    )
                status = 503
            else:
                # Answer here, inside the request-id wrapper, so even a bug's 500 carries X-Request-ID
                # and the one error shape; the traceback goes to the log only.
                log.exception("unhandled error", extra={"request_id": request_id})
                if not response_started:
                    await _reject(send_with_id, 500, "internal_error", "internal server error")
                status = 500
        else:
            if status < 500 and self.outage.down:
                self.outage.recovered()
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )


def _route_label(scope: Scope) -> str:
    state = scope.get("state") or {}
    template = state.get("route_template")
    if template:
        return str(template)
    path = str(scope.get("path", ""))
    if path.startswith("/api/"):
        return "unmatched"
    return "static"


class BodyLimitMiddleware:
    """Refuses request bodies over the limit with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reject(send, 400, "bad_request", "invalid Content-Length")
                    return
                if declared > self.max_bytes:
                    await _reject(send, 413, "payload_too_large", f"body exceeds {self.max_bytes} bytes")
                    return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await _reject(send, 413, "payload_too_large", f"body exceeds {self.max_bytes} bytes")


class _TooLarge(Exception):
    pass


async def _reject(
    send: Send,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps(error_body(code, message, details)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any `extra` fields the caller attached."""

    _STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and key != "color_message":
                data[key] = value
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


def configure_logging(level: str, as_json: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # our access log replaces it


# The SPA loads only its own hashed script and stylesheet; React sets inline styles through the DOM
# (not blocked by style-src), photos come from our API or, while uploading, blob: previews, and the
# live room's socket is same-origin ('self' covers ws:/wss: to the same host in CSP Level 3).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Headers every response carries; HSTS only when the request came over HTTPS (it is ignored over HTTP,
    and sending it from a plain-HTTP development server would pin a browser to HTTPS on localhost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._always = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-frame-options", b"DENY"),  # for browsers older than frame-ancestors
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self._always)
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)
