"""A default's bar stops the bidder's bids at once, not only their next registration: a registration made before
the default must not keep bidding in the house's sessions (reason `barred_after_default`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from auctions.services import actions
from auctions.services.clock import now_ms
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import User
from marketplace.settlement.models import Bar
from tests.support import ApiClient
from tests.support_auctions import make_bidder, make_world


async def _bid(client: ApiClient, user: User, lot_id: int, amount: int) -> dict[str, Any]:
    principal = await principal_for_user(user)
    return await actions.place_bid(
        client.app.state.services, principal, lot_id, f"bar-{uuid.uuid4()}", amount, now_ms()
    )


async def _bar(house: int, user_id: int, org_id: int | None, days: int) -> None:
    today = datetime.now(UTC).date()
    await Bar.create(house_org_id=house, user_id=user_id, org_id=org_id, until=today + timedelta(days=days),
                     default_id=uuid.uuid4().int % 2**31)  # fmt: skip


async def test_a_bar_after_a_default_refuses_the_bids_of_an_earlier_registration(client: ApiClient) -> None:
    world = await make_world(client.app, lots=1)
    lot = world.lots[0]
    user, reg = await make_bidder(client.app, world.session)
    rival, _ = await make_bidder(client.app, world.session)
    assert (await _bid(client, user, lot.id, 100_000))["status"] == "accepted"
    assert (await _bid(client, rival, lot.id, 110_000))["status"] == "accepted"

    # A bar of another house, or one that ended (until is exclusive), changes nothing.
    await _bar(world.session.house_org_id + 100_000, user.id, reg.org_id, 30)
    await _bar(world.session.house_org_id, user.id, reg.org_id, -1)
    assert (await _bid(client, user, lot.id, 120_000))["status"] == "accepted"
    assert (await _bid(client, rival, lot.id, 130_000))["status"] == "accepted"

    await _bar(world.session.house_org_id, user.id, reg.org_id, 30)
    refused = await _bid(client, user, lot.id, 140_000)
    assert (refused["status"], refused["reason"]) == ("rejected", "barred_after_default")
    refused = await actions.place_bid(
        client.app.state.services, await principal_for_user(user), lot.id, "bar-buy-now", 0, now_ms(), buy_now=True
    )
    assert (refused["status"], refused["reason"]) == ("rejected", "barred_after_default")


async def test_an_organisations_bar_refuses_its_other_people(client: ApiClient) -> None:
    world = await make_world(client.app, lots=1)
    user, reg = await make_bidder(client.app, world.session)
    assert reg.org_id is not None
    await _bar(world.session.house_org_id, user.id + 1_000_000, reg.org_id, 30)  # the org's bar, another person
    refused = await _bid(client, user, world.lots[0].id, 100_000)
    assert (refused["status"], refused["reason"]) == ("rejected", "barred_after_default")
