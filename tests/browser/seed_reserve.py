"""Seeds a timed lot with an 18.00 万 reserve and two bidders with API tokens; prints its ids as JSON.

`python -m tests.browser.seed_reserve` seeds; `python -m tests.browser.seed_reserve close <lot_id>` moves the
lot's end to now so the server's sweeper closes it (the browser test need not wait minutes for the clock).
Run with the server's environment (its DATABASE_URL / VAR_DIR).
"""

from __future__ import annotations

import asyncio
import json
import sys

from auctions.models import Lot
from auctions.services.clock import now_ms
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support_auctions import make_bidder, make_world, set_end, token_for

RESERVE = 18_000_000  # 18.00 万元, in fen


async def main(argv: list[str]) -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        if argv[:1] == ["close"]:
            await set_end(await Lot.get(id=int(argv[1])), now_ms())
            sys.stdout.write("{}\n")
            return
        app = create_app(settings, manage_db=False)  # for its password hasher and payment port
        world = await make_world(app, reserve=RESERVE, starting=17_000_000)
        (a, _), (b, _) = [await make_bidder(app, world.session) for _ in range(2)]
        out = {
            "lot": world.lots[0].id,
            "a": await token_for(a),
            "b": await token_for(b),
            "seller": world.seller_user.email,
        }
        sys.stdout.write(json.dumps(out) + "\n")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
