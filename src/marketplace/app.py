"""create_app(settings) -> Starlette: mounts every package's routes, the SPA and the operational endpoints."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import connections

from marketplace import db
from marketplace.accounts.routes import routes as account_routes
from marketplace.bootstrap import build_services
from marketplace.errors import EXCEPTION_HANDLERS, error_response
from marketplace.services import Services
from marketplace.settings import Settings
from marketplace.settlement.routes import routes as settlement_routes
from marketplace.web import openapi
from marketplace.web.middleware import BodyLimitMiddleware, Metrics, RequestContextMiddleware, SecurityHeadersMiddleware

VERSION = "0.1.0"


def api_routes() -> list[BaseRoute]:
    import auctions.routes
    import export.routes
    import listings.routes
    import marketplace.stats.routes

    return [
        *account_routes,
        *listings.routes.routes,
        *auctions.routes.routes,
        *marketplace.stats.routes.routes,
        *settlement_routes,
        *export.routes.routes,
    ]


_SPECS: dict[tuple[int, ...], dict[str, Any]] = {}


def _openapi_spec(routes: list[BaseRoute]) -> dict[str, Any]:
    # The routes are module-level objects, so the document is built once per process, not per app.
    key = tuple(id(r) for r in routes)
    if key not in _SPECS:
        _SPECS[key] = openapi.build(routes, title="Used-vehicle marketplace API", version=VERSION)
    return _SPECS[key]


def create_app(settings: Settings, services: Services | None = None, *, manage_db: bool = True) -> Starlette:
    services = services or build_services(settings)
    metrics = Metrics()
    routes = api_routes()
    spec = _openapi_spec(routes)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_db:
            await db.init_db(settings)
        await services.start()
        try:
            yield
        finally:
            await services.close()
            if manage_db:
                await db.close_db()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await connections.get("default").execute_query("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        if settings.redis_url:
            try:
                await services.bus.ping()
                checks["redis"] = "ok"
            except Exception as exc:
                checks["redis"] = f"error: {type(exc).__name__}"
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        return error_response("not_ready", "a dependency is unreachable", 503, checks)

    async def metrics_endpoint(request: Request) -> Response:
        if not _metrics_allowed(request, settings):
            return error_response("not_found", "not found", 404)  # not public: do not even confirm it exists
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def openapi_json(_: Request) -> Response:
        return JSONResponse(spec)

    async def api_not_found(request: Request) -> Response:
        # Reached for an unknown path, or for a known path with a method it does not take (Starlette
        # prefers this catch-all's full match to the real route's partial one): tell the two apart.
        allowed = sorted(
            {
                m
                for r in routes
                if isinstance(r, Route) and r.matches(request.scope)[0] is Match.PARTIAL
                for m in (r.methods or ())
            }
        )
        if allowed:
            response = error_response("method_not_allowed", f"use {', '.join(allowed)}", 405)
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error_response("not_found", f"no API route {request.url.path}", 404)

    dist = settings.frontend_dist
    import auctions.ws

    ops_routes: list[BaseRoute] = [
        WebSocketRoute("/ws", auctions.ws.endpoint),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/api/{path:path}", api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    if (dist / "assets").is_dir():
        ops_routes.append(Mount("/assets", app=_ImmutableStatic(directory=dist / "assets"), name="assets"))
    ops_routes.append(Route("/{path:path}", _spa(dist), methods=["GET", "HEAD"]))

    app = Starlette(
        routes=[*routes, *ops_routes],
        middleware=[
            Middleware(RequestContextMiddleware, metrics=metrics),
            Middleware(SecurityHeadersMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.settings = settings
    app.state.openapi = spec
    return app


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _metrics_allowed(request: Request, settings: Settings) -> bool:
    """With METRICS_TOKEN set, the scraper sends it as a Bearer token; without one, the production profile
    serves /metrics to loopback only (a scraper beside the process), the embedded default to anyone."""
    if settings.metrics_token:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), settings.metrics_token.encode())
    if settings.profile == "production":
        return request.client is not None and request.client.host in _LOOPBACK
    return True


class _ImmutableStatic(StaticFiles):
    # Vite puts a content hash in every asset name, so a year of caching is safe.
    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _spa(dist: Path) -> Any:
    root = dist.resolve()
    index = root / "index.html"
    # Top-level files of the build (favicon, robots.txt) are listed once, so routing never touches the disk.
    top_files = {p.name: p for p in root.iterdir() if p.is_file()} if root.is_dir() else {}
    has_index = index.is_file()

    async def spa(request: Request) -> Response:
        path = request.path_params.get("path", "")
        if path in top_files:
            return FileResponse(top_files[path])
        if has_index:
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(
            "<h1>Frontend not built</h1><p>Run <code>make run</code> (or <code>make frontend</code>).</p>",
            status_code=503,
        )

    return spa
