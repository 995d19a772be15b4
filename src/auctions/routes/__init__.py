"""HTTP handlers of the auctions package, one module per part: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from auctions.routes import catalogue, consignments, offers, trading

routes: list[BaseRoute] = [*catalogue.routes, *trading.routes, *consignments.routes, *offers.routes]
