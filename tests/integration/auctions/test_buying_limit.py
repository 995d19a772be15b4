"""The buying limit holds under concurrency and counts a leading proxy's maximum.

One bidder's bids on two lots at the same moment must not both pass the limit: the check runs inside
the bid's transaction, serialised per registration. Runs on SQLite and, in the production pass, on
PostgreSQL (where the registration row is also locked).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from auctions.models import Lot, Registration
from auctions.services import actions, bidding
from auctions.services.clock import now_ms
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User
from tests.support import ApiClient
from tests.support_auctions import close_due, make_bidder, make_world

ROUNDS = 20


async def _bid(
    client: ApiClient, user: User, lot_id: int, cid: str, amount: int, *, proxy: bool = False
) -> dict[str, Any]:
    principal = await principal_for_user(user)
    return await actions.place_bid(client.app.state.services, principal, lot_id, cid, amount, now_ms(), proxy=proxy)


async def _committed(session_id: int, paddle: str) -> int:
    """What the bidder stands to pay across the session, as the database says now."""
    rows = await Lot.filter(session_id=session_id, leader_paddle=paddle).values_list("leader_commitment", flat=True)
    return sum(int(v or 0) for v in rows)


async def test_one_bidder_two_lots_at_once_never_both_pass_the_limit(client: ApiClient) -> None:
    limit = 300_000  # room for one 200,000 bid, not two
    world = await make_world(client.app, lots=2 * ROUNDS, terms={"buying_limit": limit})
    for r in range(ROUNDS):
        user, reg = await make_bidder(client.app, world.session)  # a fresh bidder and fresh lots each round
        a, b = world.lots[2 * r], world.lots[2 * r + 1]
        results = await asyncio.gather(
            _bid(client, user, a.id, f"race-{r}-a", 200_000), _bid(client, user, b.id, f"race-{r}-b", 200_000)
        )
        accepted = [x for x in results if x["status"] == "accepted"]
        assert len(accepted) == 1, f"round {r}: {[(x['status'], x['reason']) for x in results]}"
        assert sum(x["price"] for x in accepted) <= limit
        assert [x["reason"] for x in results if x["status"] == "rejected"] == ["buying_limit"]
        assert await _committed(world.session.id, reg.paddle) <= limit
        assert (await Registration.get(id=reg.id)).version == 1  # one admitted bid, one bump


async def test_a_leading_proxy_counts_at_its_maximum(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2, terms={"buying_limit": 400_000})
    a, b = world.lots
    user, reg = await make_bidder(client.app, world.session)
    rival, _ = await make_bidder(client.app, world.session)

    placed = await _bid(client, user, a.id, "proxy-a", 250_000, proxy=True)
    assert (placed["status"], placed["price"]) == ("accepted", 100_000)  # the visible price is the start
    # The maximum is the commitment: 250,000 + 200,000 is over the limit although the price is 100,000.
    over = await _bid(client, user, b.id, "straight-b-1", 200_000)
    assert (over["status"], over["reason"]) == ("rejected", "buying_limit")
    assert (await _bid(client, user, b.id, "straight-b-2", 150_000))["status"] == "accepted"

    # A rival pushes the proxy up to its maximum without its owner acting: the limit still holds.
    pushed = await _bid(client, rival, a.id, "rival-a", 240_000)
    assert (pushed["status"], pushed["leader"], pushed["price"]) == ("accepted", reg.paddle, 250_000)
    assert await _committed(world.session.id, reg.paddle) == 400_000

    # Raising one's own maximum counts the new maximum in place of the old one.
    raised = await _bid(client, user, a.id, "raise-a", 300_000, proxy=True)
    assert (raised["status"], raised["reason"]) == ("rejected", "buying_limit")


async def test_an_outbid_maximum_frees_the_limit(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2, terms={"buying_limit": 300_000})
    a, b = world.lots
    user, reg = await make_bidder(client.app, world.session)
    rival, _ = await make_bidder(client.app, world.session)
    assert (await _bid(client, user, a.id, "free-a", 250_000, proxy=True))["status"] == "accepted"
    assert (await _bid(client, user, b.id, "free-b", 100_000))["reason"] == "buying_limit"
    outbid = await _bid(client, rival, a.id, "free-rival", 300_000)
    assert outbid["status"] == "accepted"
    assert outbid["leader"] != reg.paddle
    # The same client bid id again: a refusal before the engine kept no receipt, so it is weighed anew.
    assert (await _bid(client, user, b.id, "free-b", 100_000))["status"] == "accepted"


async def test_a_stale_registration_version_is_a_conflict(client: ApiClient) -> None:
    world = await make_world(client.app)
    _, reg = await make_bidder(client.app, world.session)
    await Registration.filter(id=reg.id).update(version=reg.version + 1)  # another bid of theirs committed
    with pytest.raises(bidding._VersionConflict):
        async with in_transaction() as conn:
            await bidding.claim_registration(conn, reg)


async def test_accepting_a_counter_is_held_to_the_buying_limit(client: ApiClient) -> None:
    from tests.support_auctions import set_end

    world = await make_world(client.app, lots=2, reserve=500_000, terms={"buying_limit": 600_000})
    a, b = world.lots
    user, reg = await make_bidder(client.app, world.session)
    rival, _ = await make_bidder(client.app, world.session)
    services = client.app.state.services
    assert (await _bid(client, user, a.id, "counter-a", 300_000))["status"] == "accepted"
    assert (await _bid(client, user, b.id, "counter-b", 200_000))["status"] == "accepted"  # 500,000 committed
    await set_end(a, now_ms() - 1)
    assert await close_due(services, a.id) == "conditional"  # below the reserve: conditional at 300,000
    seller = await world.principal(world.seller_user)
    assert (await actions.decide(services, seller, a.id, "counter", 450_000, now_ms()))["status"] == "accepted"

    bidder = await principal_for_user(user)
    refused = await actions.decide(services, bidder, a.id, "accept", None, now_ms())
    assert (refused["status"], refused["reason"]) == ("rejected", "buying_limit")  # 450,000 + 200,000 > 600,000
    assert (await Lot.get(id=a.id)).status == "countered"  # the counter still stands
    assert (await Registration.get(id=reg.id)).version == 2  # two admitted bids, no accepted counter

    assert (await _bid(client, rival, b.id, "counter-rival", 250_000))["status"] == "accepted"  # b no longer binds
    accepted = await actions.decide(services, bidder, a.id, "accept", None, now_ms())
    assert accepted["status"] == "accepted"
    sold = await Lot.get(id=a.id)
    assert (sold.status, sold.price, sold.leader_commitment) == ("sold", 450_000, 450_000)
    assert await _committed(world.session.id, reg.paddle) == 450_000
