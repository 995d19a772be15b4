"""Membership by invitation, role changes, removal and leaving; rights follow at once."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.accounts.identity import IDENTITY_TOPIC, IdentityChange
from marketplace.accounts.models import AuditEntry, Invitation, Membership
from marketplace.outbox.models import OutboxEvent
from tests.support import ApiClient, Mailbox, accounts_snapshot, make_member, make_org, make_user


async def _identity_events(user_id: int) -> list[IdentityChange]:
    rows = await OutboxEvent.filter(topic=IDENTITY_TOPIC).order_by("id")
    return [c for c in (IdentityChange.from_message(r.payload) for r in rows) if c.user_id == user_id]


async def test_inviting_says_nothing_about_the_account_and_waits_for_consent(
    client: ApiClient, mailbox: Mailbox
) -> None:
    dealer = await make_org("dealer", name="甬车")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    invitee = await make_user(client.app, mobile=True)
    await client.login(admin.login)
    url = f"/api/organisations/{dealer.id}/members"
    existing = await client.post(url, json={"login": invitee.mobile, "roles": ["dealer_staff"]})
    missing = await client.post(url, json={"login": "13700000001", "roles": ["dealer_staff"]})
    assert existing.status_code == missing.status_code == 202
    shape = {k for k in existing.json() if k not in ("id", "login", "created_at", "expires_at")}
    assert {k: existing.json()[k] for k in shape} == {k: missing.json()[k] for k in shape}
    assert invitee.display_name not in existing.text
    assert set(existing.json()) == {"id", "organisation_id", "login", "roles", "status", "created_at", "expires_at"}
    # Both holders are told by mail, the same way; nobody is a member yet.
    assert "甬车" in Mailbox.body(mailbox.last(str(invitee.mobile)))
    assert "甬车" in Mailbox.body(mailbox.last("13700000001"))
    assert not await Membership.exists(user_id=invitee.id)

    person = client.fork()
    await person.login(str(invitee.mobile))
    pending = (await person.get("/api/me/invitations")).json()["items"]
    assert [(i["organisation_name"], i["roles"]) for i in pending] == [("甬车", ["dealer_staff"])]
    accepted = await person.post(f"/api/me/invitations/{pending[0]['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["organisations"][0]["roles"] == ["dealer_staff"]
    assert (await person.get(f"/api/organisations/{dealer.id}/members")).status_code == 200
    again = await person.post(f"/api/me/invitations/{pending[0]['id']}/accept")
    assert (again.status_code, again.json()["error"]["code"]) == (404, "not_found")
    assert [c.reason for c in await _identity_events(invitee.id)] == ["invitation_accepted"]


async def test_an_invitation_waits_for_the_invitee_to_register(client: ApiClient, mailbox: Mailbox) -> None:
    house = await make_org("auction_house", name="锤子拍卖")
    admin = await make_member(client.app, house, ["house_admin"])
    await client.login(admin.login)
    r = await client.post(
        f"/api/organisations/{house.id}/members", json={"login": "late@example.cn", "roles": ["auctioneer"]}
    )
    assert r.status_code == 202
    newcomer = client.fork()
    await newcomer.post(
        "/api/auth/register",
        json={"email": "late@example.cn", "password": "a-long-password-1", "display_name": "Late"},
    )
    confirmed = await newcomer.post("/api/auth/register/confirm", json={"token": mailbox.token("late@example.cn")})
    assert confirmed.status_code == 201
    pending = (await newcomer.get("/api/me/invitations")).json()["items"]
    assert [i["organisation_name"] for i in pending] == ["锤子拍卖"]
    assert (await newcomer.post(f"/api/me/invitations/{pending[0]['id']}/decline")).status_code == 204
    assert (await newcomer.get("/api/me/invitations")).json()["items"] == []
    assert not await Membership.exists(organisation_id=house.id, user_id=confirmed.json()["id"])
    assert (await Invitation.get(id=pending[0]["id"])).status == "declined"


async def test_someone_elses_invitation_is_not_found(client: ApiClient, mailbox: Mailbox) -> None:
    dealer = await make_org("dealer")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    target = await make_user(client.app)
    other = await make_user(client.app)
    await client.login(admin.login)
    inv = (
        await client.post(f"/api/organisations/{dealer.id}/members", json={"login": target.email, "roles": ["buyer"]})
    ).json()
    intruder = client.fork()
    await intruder.login(str(other.email))
    before = await accounts_snapshot()
    for action in ("accept", "decline"):
        r = await intruder.post(f"/api/me/invitations/{inv['id']}/{action}")
        missing = await intruder.post(f"/api/me/invitations/{2**31 - 1}/{action}")
        assert r.status_code == missing.status_code == 404
        assert r.json() == missing.json()
    assert await accounts_snapshot() == before
    # The admin sees and can withdraw it.
    listed = (await client.get(f"/api/organisations/{dealer.id}/invitations")).json()["items"]
    assert [i["id"] for i in listed] == [inv["id"]]
    assert (await client.delete(f"/api/organisations/{dealer.id}/invitations/{inv['id']}")).status_code == 204
    assert (await client.get(f"/api/organisations/{dealer.id}/invitations")).json()["items"] == []


async def test_removal_and_role_revocation_take_rights_away_at_once(client: ApiClient) -> None:
    dealer = await make_org("dealer")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    staff = await make_member(client.app, dealer, ["dealer_admin", "dealer_staff"])
    await client.login(admin.login)
    session = client.fork()
    await session.login(staff.login)
    bot = client.fork()
    bot.bearer = (await session.post("/api/tokens", json={"name": "t", "scopes": ["read", "write"]})).json()["token"]
    certificate = {
        "holder_name": "x",
        "certificate_no": "CERT-R-1",
        "valid_from": "2026-01-01",
        "valid_until": "2027-01-01",
    }
    assert (await bot.post(f"/api/organisations/{dealer.id}/certificates", json=certificate)).status_code == 201

    r = await client.put(f"/api/organisations/{dealer.id}/members/{staff.user.id}", json={"roles": ["dealer_staff"]})
    assert (r.status_code, r.json()["roles"]) == (200, ["dealer_staff"])
    certificate["certificate_no"] = "CERT-R-2"
    assert (await bot.post(f"/api/organisations/{dealer.id}/certificates", json=certificate)).status_code == 403
    assert (await session.get("/api/me")).json()["organisations"][0]["roles"] == ["dealer_staff"]

    assert (await client.delete(f"/api/organisations/{dealer.id}/members/{staff.user.id}")).status_code == 204
    for c in (session, bot):
        assert (await c.get(f"/api/organisations/{dealer.id}/members")).status_code == 404
        assert (await c.get("/api/me")).json()["organisations"] == []
    gone = await client.delete(f"/api/organisations/{dealer.id}/members/{staff.user.id}")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "member_not_found")
    assert [c.reason for c in await _identity_events(staff.user.id)] == ["roles_changed", "member_removed"]
    assert all(c.organisation_id == dealer.id for c in await _identity_events(staff.user.id))
    assert await AuditEntry.filter(action="member.removed", target=f"org:{dealer.id}/user:{staff.user.id}").exists()


async def test_never_the_last_admin_but_members_may_leave(client: ApiClient) -> None:
    dealer = await make_org("dealer")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    staff = await make_member(client.app, dealer, ["dealer_staff"])
    await client.login(admin.login)
    base = f"/api/organisations/{dealer.id}/members"
    for r in (
        await client.put(f"{base}/{admin.user.id}", json={"roles": ["dealer_staff"]}),
        await client.delete(f"{base}/{admin.user.id}"),  # leaving, as the only admin
    ):
        assert (r.status_code, r.json()["error"]["code"]) == (409, "last_admin")
    member = client.fork()
    await member.login(staff.login)
    assert (await member.delete(f"{base}/{admin.user.id}")).status_code == 403  # not theirs to remove
    assert (await member.delete(f"{base}/{staff.user.id}")).status_code == 204  # but they may leave
    assert (await member.get("/api/me")).json()["organisations"] == []
    assert [c.reason for c in await _identity_events(staff.user.id)] == ["member_left"]
    # With a second admin, the first may step down.
    second = await make_member(client.app, dealer, ["dealer_admin"])
    r = await client.put(f"{base}/{admin.user.id}", json={"roles": ["buyer"]})
    assert r.status_code == 200, r.text
    assert (await Membership.get(user_id=second.user.id)).roles == ["dealer_admin"]


@pytest.mark.parametrize("attempt", range(2))
async def test_two_admins_demoting_each_other_at_once_leave_one_admin(client: ApiClient, attempt: int) -> None:
    dealer = await make_org("dealer")
    a = await make_member(client.app, dealer, ["dealer_admin"])
    b = await make_member(client.app, dealer, ["dealer_admin"])
    ca, cb = client.fork(), client.fork()
    await ca.login(a.login)
    await cb.login(b.login)
    base = f"/api/organisations/{dealer.id}/members"
    ra, rb = await asyncio.gather(
        ca.put(f"{base}/{b.user.id}", json={"roles": ["buyer"]}),
        cb.put(f"{base}/{a.user.id}", json={"roles": ["buyer"]}),
    )
    assert sorted([ra.status_code, rb.status_code])[0] == 200
    # the loser is refused as stale (409) or, when the winner committed first, as no longer an admin (403)
    assert {ra.status_code, rb.status_code} <= {200, 403, 409}
    admins = [m for m in await Membership.filter(organisation_id=dealer.id) if "dealer_admin" in m.roles]
    assert len(admins) == 1
