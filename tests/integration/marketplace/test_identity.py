"""The identity-change notice reaches a subscriber through the outbox relay and the bus (in-process or Redis)."""

from __future__ import annotations

import asyncio

from marketplace.accounts import identity
from tests.support import ApiClient, make_member, make_org


async def test_a_removed_member_is_announced_to_subscribers(client: ApiClient) -> None:
    dealer = await make_org("dealer")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    staff = await make_member(client.app, dealer, ["dealer_staff"])
    await client.login(admin.login)
    bus = client.app.state.services.bus
    async with identity.changes(bus) as stream:
        await asyncio.sleep(0.1)  # Redis subscriptions start asynchronously
        r = await client.delete(f"/api/organisations/{dealer.id}/members/{staff.user.id}")
        assert r.status_code == 204
        change = await asyncio.wait_for(anext(aiter(stream)), timeout=3)
    assert change == identity.IdentityChange(staff.user.id, "member_removed", organisation_id=dealer.id)


async def test_logout_names_the_session_that_ended(client: ApiClient) -> None:
    dealer = await make_org("dealer")
    member = await make_member(client.app, dealer, ["buyer"])
    await client.login(member.login)
    async with identity.changes(client.app.state.services.bus) as stream:
        await asyncio.sleep(0.1)
        assert (await client.post("/api/auth/logout")).status_code == 204
        change = await asyncio.wait_for(anext(aiter(stream)), timeout=3)
    assert (change.user_id, change.reason, len(change.session_ids)) == (member.user.id, "logout", 1)
