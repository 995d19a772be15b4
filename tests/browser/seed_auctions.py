"""Seeds the browser tests' server database with an auction world; prints its ids as JSON.

Run as `python -m tests.browser.seed_auctions` with the server's environment (its DATABASE_URL / VAR_DIR).
"""

from __future__ import annotations

import asyncio
import json
import sys

from auctions.services.clock import now_ms
from marketplace import db
from marketplace.app import create_app
from marketplace.settings import load_settings
from tests.support_auctions import make_bidder, make_world, set_end


async def main() -> None:
    settings = load_settings()
    await db.init_db(settings)
    try:
        app = create_app(settings, manage_db=False)  # for its password hasher and payment port
        # The window is longer than the time left, so every bid in the test extends the end, however slow the machine.
        timed = await make_world(app, terms={"soft_close_seconds": 20})
        (a, _), (b, _) = [await make_bidder(app, timed.session) for _ in range(2)]
        await set_end(timed.lots[0], now_ms() + 18_000)
        live = await make_world(app, kind="onsite", terms={"live_countdown_seconds": 120})
        from auctions.models import Registration

        reg = await Registration.get(session_id=timed.session.id, user_id=a.id)
        await Registration.create(
            session_id=live.session.id,
            user_id=a.id,
            org_id=reg.org_id,
            paddle="101",
            deposit_amount=0,
            deposit_status="confirmed",
            payment_reference="browser",
        )
        sys.stdout.write(
            json.dumps(
                {
                    "timed_lot": timed.lots[0].id,
                    "timed_session": timed.session.id,
                    "live_lot": live.lots[0].id,
                    "a": a.email,
                    "b": b.email,
                    "auctioneer": live.auctioneer.email,
                }
            )
            + "\n"
        )
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
