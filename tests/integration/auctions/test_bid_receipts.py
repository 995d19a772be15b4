"""A client bid id is answered once: a resend racing the original rolls its whole attempt back.

Runs on SQLite and, in the production pass, on PostgreSQL, where the losing transaction has already
written its bid, its lot update and its registration bump when the receipt's unique key refuses it.
"""

from __future__ import annotations

import asyncio

from auctions.models import Bid, BidReceipt, Lot, LotEvent, Registration
from auctions.services import actions
from auctions.services.clock import now_ms
from marketplace.accounts.auth import principal_for_user
from tests.support import ApiClient
from tests.support_auctions import make_bidder, make_world


async def test_one_client_id_on_two_lots_at_once_makes_one_bid(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2)
    a, b = world.lots
    user, reg = await make_bidder(client.app, world.session)
    principal = await principal_for_user(user)
    services = client.app.state.services
    # Both calls pass the receipt look-up before either commits; each lot is locked on its own, so both
    # bids are accepted by the engine and only the receipt's unique key can tell them apart.
    first, second = await asyncio.gather(
        actions.place_bid(services, principal, a.id, "same-id", 100_000, now_ms()),
        actions.place_bid(services, principal, b.id, "same-id", 100_000, now_ms()),
    )
    # One committed bid; the other send asked for another lot under the same id, so it is refused, never
    # answered with the winner's receipt (idempotency_key_reused)
    accepted, refused = sorted([first, second], key=lambda r: r["status"])
    assert (accepted["status"], refused["status"], refused["reason"]) == (
        "accepted",
        "rejected",
        "idempotency_key_reused",
    )
    winner = accepted["lot_id"]
    loser = b.id if winner == a.id else a.id
    assert refused["lot_id"] == loser
    assert await Bid.filter(lot_id=winner).count() == 1
    # nothing of the losing attempt survives: no bid, no event, the lot as it was, one registration bump
    assert await Bid.filter(lot_id=loser).count() == 0
    assert await LotEvent.filter(lot_id=loser).count() == 0
    untouched = await Lot.get(id=loser)
    assert (untouched.version, untouched.price, untouched.leader_paddle) == (0, None, None)
    assert await BidReceipt.filter(user_id=user.id, client_bid_id="same-id").count() == 1
    assert (await Registration.get(id=reg.id)).version == 1
