"""Seeds the auction-house browser test: a verified house with its auctioneer, a vehicle consigned to it, a seller
with a listed vehicle to consign, and a published session whose two lots closed below their reserve
(conditional); prints the ids as JSON.

Run as `python -m tests.browser.seed_auction_house` with the server's environment (its DATABASE_URL / VAR_DIR).
"""

from __future__ import annotations

import asyncio
import json
import sys

from auctions.models import Lot
from auctions.services import actions
from auctions.services.clock import now_ms
from listings.models import Listing, VehicleEngagement
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support import make_certificate
from tests.support_auctions import make_bidder, make_consigned_vehicle, make_vehicle, make_world, set_end


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
        # consigned to the house, for the house to pick into a new session from the UI
        spare = await make_consigned_vehicle(world.seller, world.house, world.seller_user)
        # the seller's own listed vehicle (with a certificate in force), for the seller to consign from the UI
        await make_certificate(world.seller, world.seller_user, status="verified")
        own = await make_vehicle(world.seller)
        await Listing.create(
            vehicle_id=own.id,
            dealer_org_id=world.seller.id,
            price_fen=9_800_000,
            title="大众 帕萨特 330TSI 待委托",
            status="withdrawn",  # off sale: free to consign
            created_by=world.seller_user.id,
        )
        # another car still on sale retail: the consign page refuses it up front, with the reason
        listed = await make_vehicle(world.seller)
        on_sale = await Listing.create(
            vehicle_id=listed.id,
            dealer_org_id=world.seller.id,
            price_fen=9_800_000,
            title="大众 帕萨特 330TSI 在售",
            status="published",
            created_by=world.seller_user.id,
        )
        await VehicleEngagement.create(vehicle_id=listed.id, kind="listing", ref_id=on_sale.id)
        sys.stdout.write(
            json.dumps(
                {
                    "auctioneer": world.auctioneer.email,
                    "house": world.house.name,
                    "seller": world.seller_user.email,
                    "bidder": bidder.email,
                    "paddle": reg.paddle,
                    "vehicle": spare.id,
                    "vehicle_vin": spare.vin,
                    "own_vin": own.vin,
                    "listed_vin": listed.vin,
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
