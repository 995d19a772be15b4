from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.accounts import organisations
from marketplace.accounts.models import AgentCertificate, AuditEntry, Membership, Organisation
from marketplace.outbox.models import OutboxEvent
from tests.support import ApiClient, make_certificate, make_member, make_org, make_platform_admin, make_user, uscc


async def test_dealer_applies_and_staff_verify(client: ApiClient) -> None:
    applicant = await make_user(client.app)
    admin = await make_platform_admin(client.app)
    await client.login(str(applicant.email))
    r = await client.post(
        "/api/organisations", json={"name": "宁波好车", "kind": "dealer", "business_licence_no": uscc(424242).lower()}
    )
    assert r.status_code == 201, r.text
    org = r.json()
    assert (org["verification_status"], org["business_licence_no"]) == ("pending", uscc(424242))
    assert (await Membership.get(user_id=applicant.id, organisation_id=org["id"])).roles == ["dealer_admin"]
    cert = await client.post(
        f"/api/organisations/{org['id']}/certificates",
        json={
            "holder_name": "王五",
            "certificate_no": "NB-0001",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "holder_user_id": applicant.id,
        },
    )
    assert cert.status_code == 201
    assert cert.json()["status"] == "pending"

    staff = client.fork()
    await staff.login(admin.login)
    pending = (await staff.get("/api/admin/organisations?verification_status=pending")).json()["items"]
    assert [o["id"] for o in pending] == [org["id"]]
    decided = await staff.post(
        f"/api/admin/organisations/{org['id']}/verification", json={"action": "verify", "reason": "licence checked"}
    )
    assert decided.status_code == 200
    assert decided.json()["verification_status"] == "verified"
    assert decided.json()["verified_at"] is not None
    again = await staff.post(
        f"/api/admin/organisations/{org['id']}/verification", json={"action": "verify", "reason": "twice"}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    c = await staff.post(
        f"/api/admin/certificates/{cert.json()['id']}/verification",
        json={"action": "verify", "reason": "original seen"},
    )
    assert c.json()["status"] == "verified"

    entry = await AuditEntry.get(action="organisation.verification", target=f"org:{org['id']}")
    assert entry.actor_user_id == admin.user.id
    assert entry.details == {"action": "verify", "from": "pending", "to": "verified", "reason": "licence checked"}
    event = await OutboxEvent.get(topic="organisation.verification_changed")
    assert event.payload == {"organisation_id": org["id"], "status": "verified"}
    me = (await client.get("/api/me")).json()
    assert me["organisations"][0]["verification_status"] == "verified"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "协会", "kind": "association", "business_licence_no": uscc(1)}, 422, "validation_error"),
        ({"name": "平台", "kind": "platform", "business_licence_no": uscc(2)}, 422, "validation_error"),
        ({"name": "坏码", "kind": "dealer", "business_licence_no": "91110000MA00000000"}, 422, "validation_error"),
        ({"name": "x", "kind": "dealer", "business_licence_no": uscc(3)}, 422, "validation_error"),
    ],
)
async def test_create_organisation_rejects(client: ApiClient, body: dict[str, str], status: int, code: str) -> None:
    user = await make_user(client.app)
    await client.login(str(user.email))
    r = await client.post("/api/organisations", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert await Organisation.all().count() == 0


async def test_duplicate_licence_conflicts(client: ApiClient) -> None:
    existing = await make_org("dealer")
    user = await make_user(client.app)
    await client.login(str(user.email))
    r = await client.post(
        "/api/organisations",
        json={"name": "copycat", "kind": "dealer", "business_licence_no": existing.business_licence_no},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "licence_taken")


async def test_suspend_then_reinstate_then_cancel_is_final(client: ApiClient) -> None:
    admin = await make_platform_admin(client.app)
    org = await make_org("dealer", status="verified")
    await client.login(admin.login)
    url = f"/api/admin/organisations/{org.id}/verification"
    for action, status in (("suspend", "suspended"), ("verify", "verified"), ("cancel", "cancelled")):
        r = await client.post(url, json={"action": action, "reason": "check"})
        assert r.json()["verification_status"] == status
    r = await client.post(url, json={"action": "verify", "reason": "undo"})
    assert r.status_code == 409
    assert (await Organisation.get(id=org.id)).verification_status == "cancelled"
    missing = await client.post(
        "/api/admin/organisations/999999/verification", json={"action": "verify", "reason": "x"}
    )
    assert missing.status_code == 404


async def test_members_and_roles_respect_the_kind(client: ApiClient) -> None:
    house = await make_org("auction_house")
    admin = await make_member(client.app, house, ["house_admin"])
    newcomer = await make_user(client.app, mobile=True)
    await client.login(admin.login)
    bad = await client.post(
        f"/api/organisations/{house.id}/members", json={"login": newcomer.mobile, "roles": ["dealer_admin"]}
    )
    assert bad.status_code == 422
    ok = await client.post(
        f"/api/organisations/{house.id}/members", json={"login": newcomer.mobile, "roles": ["auctioneer"]}
    )
    assert ok.status_code == 202
    assert ok.json()["roles"] == ["auctioneer"]
    invitee = client.fork()
    await invitee.login(str(newcomer.mobile))
    assert (await invitee.post(f"/api/me/invitations/{ok.json()['id']}/accept")).status_code == 200
    members = (await client.get(f"/api/organisations/{house.id}/members")).json()["items"]
    assert {m["user_id"]: m["roles"] for m in members} == {admin.user.id: ["house_admin"], newcomer.id: ["auctioneer"]}
    wrong_kind = await client.put(
        f"/api/organisations/{house.id}/members/{newcomer.id}", json={"roles": ["dealer_staff"]}
    )
    assert wrong_kind.status_code == 422
    entry = await AuditEntry.get(action="invitation.accepted")
    assert entry.details == {"roles": ["auctioneer"]}


async def test_penalty_points_add_up(client: ApiClient) -> None:
    admin = await make_platform_admin(client.app)
    org = await make_org("dealer")
    person = await make_member(client.app, org, ["dealer_staff"])
    await client.login(admin.login)
    for points in (2, 3):
        r = await client.post(
            "/api/admin/penalties",
            json={
                "organisation_id": org.id,
                "user_id": person.user.id,
                "points": points,
                "reason": "翻拍 documents",
                "evidence": "photo 17 is a re-photographed copy",
            },
        )
        assert r.status_code == 201
    outsider = await make_user(client.app)
    r = await client.post(
        "/api/admin/penalties",
        json={"organisation_id": org.id, "user_id": outsider.id, "points": 1, "reason": "x", "evidence": "y"},
    )
    assert r.status_code == 422
    assert (await client.get(f"/api/organisations/{org.id}")).json()["penalty_points"] == 5
    listed = (await client.get(f"/api/organisations/{org.id}/penalties")).json()["items"]
    assert [p["points"] for p in listed] == [3, 2]


async def test_trading_needs_verified_dealer_and_certificate_in_force(client: ApiClient) -> None:
    today = datetime.now(UTC).date()
    org = await make_org("dealer", status="verified")
    staff = await make_member(client.app, org, ["dealer_staff"])
    assert await organisations.trading_refusal(staff.user.id, org.id, today) == "no_certificate_in_force"
    cert = await make_certificate(org, staff.user, status="verified")
    assert await organisations.trading_refusal(staff.user.id, org.id, today) is None
    await AgentCertificate.filter(id=cert.id).update(valid_until=today - timedelta(days=1))
    assert await organisations.trading_refusal(staff.user.id, org.id, today) == "no_certificate_in_force"
    await AgentCertificate.filter(id=cert.id).update(valid_until=today)
    await Organisation.filter(id=org.id).update(verification_status="suspended")
    assert await organisations.trading_refusal(staff.user.id, org.id, today) == "dealer_not_verified"
    stranger = await make_user(client.app)
    assert await organisations.trading_refusal(stranger.id, org.id, today) == "not_a_member"


async def test_audit_log_is_append_only(client: ApiClient) -> None:
    admin = await make_platform_admin(client.app)
    await client.login(admin.login)
    entry = await AuditEntry.get(action="login.succeeded")
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        await entry.save()
    with pytest.raises(PermissionError):
        await entry.delete()
    items = (await client.get("/api/admin/audit")).json()["items"]
    assert [i["action"] for i in items] == ["login.succeeded"]
