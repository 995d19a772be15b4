"""HTTP handlers of the export package, one module per thing served: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from export.routes import filings, orders

routes: list[BaseRoute] = [*filings.routes, *orders.routes]
