"""HTTP handlers of the export package, one module per thing served: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from export.routes import batches, desk, filings, orders, papers, vehicles

routes: list[BaseRoute] = [
    *filings.routes,
    *orders.routes,
    *vehicles.routes,
    *batches.routes,
    *desk.routes,
    *papers.routes,
]
