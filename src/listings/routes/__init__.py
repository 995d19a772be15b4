"""HTTP handlers of the listings package, one module per thing served: parse, call one service, serialise."""

from __future__ import annotations

from starlette.routing import BaseRoute

from listings.routes import inventory, listing, offers, photos, watching

routes: list[BaseRoute] = [*listing.routes, *inventory.routes, *photos.routes, *offers.routes, *watching.routes]
