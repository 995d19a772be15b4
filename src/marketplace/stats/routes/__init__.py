"""HTTP handlers of the statistics, by who they serve: readers (reports) and analysts (desk)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from marketplace.stats.routes import desk, months, reports

routes: list[BaseRoute] = [*reports.routes, *desk.routes, *months.routes]
