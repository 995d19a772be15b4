"""Seeds the auction-house browser test: a verified house with its auctioneer, a seller's spare vehicle, and a
published session whose two lots closed below their reserve (conditional); prints the ids as JSON.

Run as `python -m tests.browser.seed_auction_house` with the server's environment (its DATABASE_URL / VAR_DIR).
"""

from __future__ import annotations

import asyncio
import json
import sys

from auctions import actions
from auctions.models import Lot
from auctions.terms import now_ms
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support_auctions import make_bidder, make_vehicle, make_world, set_end


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        app = create_app(settings, manage_db=False)  # for its password hasher and payment port
        services = app.state.services
        world = await make_world(app, lots=2, reserve=500_000, terms={"conditional_window_seconds": 3_600})
        bidder, reg = await make_bidder(app, world.session)
        principal = await world.principal(bidder)
        for i, lot in enumerate(world.lots):
            result = await actions.place_bid(services, principal, lot.id, f"seed-house-{i:04d}", 200_000, now_ms())
            assert result["status"] == "accepted", result
            await set_end(lot, now_ms() - 1)
            await actions.close_if_due(services, lot.id, now_ms())  # or the server's sweeper got there first
            assert (await Lot.get(id=lot.id)).status == "conditional"
        spare = await make_vehicle(world.seller)  # for the house to put in a new session from the UI
        sys.stdout.write(
            json.dumps(
                {
                    "auctioneer": world.auctioneer.email,
                    "house": world.house.name,
                    "seller": world.seller_user.email,
                    "bidder": bidder.email,
                    "paddle": reg.paddle,
                    "vehicle": spare.id,
                    "session": world.session.id,
                    "accept_lot": world.lots[0].id,
                    "counter_lot": world.lots[1].id,
                }
            )
            + "\n"
        )
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
