"""Seeds a sold lot (a house, its auctioneer, a buyer with a confirmed deposit); prints their ids as JSON.

The running server's relay hands the sale event to settlement, which issues the buyer's invoice: the browser
test waits for it as a person would. Run with the server's environment (its DATABASE_URL / VAR_DIR).
"""

from __future__ import annotations

import asyncio
import json
import sys

from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support_settlement import sell_lot

HAMMER = 12_350_000  # 12.35 万元, in fen (on the increment grid)


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        app = create_app(settings, manage_db=False)  # for its password hasher and payment port
        sold = await sell_lot(app, hammer=HAMMER)
        world = sold["world"]
        out = {
            "house": world.house.id,
            "auctioneer": world.auctioneer.email,
            "buyer": sold["buyer"].email,
            "seller": world.seller_user.email,
            "lot": sold["lot"].id,
            "hammer": HAMMER,
            "deposit": sold["event"]["payload"]["deposit_fen"],
        }
        sys.stdout.write(json.dumps(out) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
