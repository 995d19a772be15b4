"""Consignment (委托拍卖): a house may put into its sessions only its own vehicles and those consigned to it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from auctions.domain import rights
from auctions.models import Consignment, Lot
from auctions.services import catalogue
from listings.models import VehicleEngagement
from marketplace.accounts.models import AuditEntry, Organisation
from tests.support import ApiClient, Member, make_certificate, make_member, make_org
from tests.support_auctions import TERMS, make_vehicle


def session_body(house_id: int) -> dict[str, Any]:
    return {
        "house_org_id": house_id,
        "title": "周三网络拍卖会",
        "kind": "online",
        "starts_at": datetime.now(UTC).isoformat(),
        "terms": TERMS,
    }


async def house_with_session(client: ApiClient) -> tuple[Organisation, ApiClient, int]:
    house = await make_org("auction_house")
    staff = await make_member(client.app, house, ["house_admin"], "house")
    api = client.fork()
    await api.login(staff.login)
    r = await api.post("/api/auction-sessions", json=session_body(house.id))
    assert r.status_code == 201, r.text
    return house, api, r.json()["id"]


async def seller(client: ApiClient, roles: list[str] | None = None) -> tuple[Organisation, Member, ApiClient]:
    org = await make_org("dealer")
    member = await make_member(client.app, org, roles or ["dealer_admin"], "seller")
    await make_certificate(org, member.user, status="verified")
    api = client.fork()
    await api.login(member.login)
    return org, member, api


def lot_body(vehicle_id: int) -> dict[str, Any]:
    return {"vehicle_id": vehicle_id, "starting_price": 100_000, "reserve_price": 500_000}


async def test_a_house_cannot_auction_another_organisations_vehicle_without_consignment(client: ApiClient) -> None:
    _, house, sid = await house_with_session(client)
    dealer = await make_org("dealer")
    vehicle = await make_vehicle(dealer)
    r = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"] == "vehicle_not_found"
    # nothing created, nothing engaged, nothing about the vehicle told
    assert await Lot.all().count() == 0
    assert not await VehicleEngagement.exists(vehicle_id=vehicle.id)
    for secret in (vehicle.vin, vehicle.make, vehicle.model, vehicle.series, str(dealer.id)):
        assert secret not in r.text
    # indistinguishable from a vehicle that does not exist
    missing = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(2_000_000))
    assert (missing.status_code, missing.json()) == (r.status_code, r.json())


async def test_consigned_vehicle_becomes_a_lot_once(client: ApiClient) -> None:
    house_org, house, sid = await house_with_session(client)
    dealer, member, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    r = await seller_api.post(
        "/api/consignments", json={"vehicle_id": vehicle.id, "house_org_id": house_org.id, "suggested_reserve": 600_000}
    )
    assert r.status_code == 201, r.text
    consignment = r.json()
    assert (consignment["status"], consignment["seller_org_id"], consignment["suggested_reserve"]) == (
        "active",
        dealer.id,
        600_000,
    )
    assert await AuditEntry.exists(action="consignment.created", target=f"consignment:{consignment['id']}")

    # the house's picker shows the consigned vehicle with its description
    picker = (await house.get("/api/consignments", params={"role": "house", "status": "active"})).json()["items"]
    assert [(c["id"], c["vehicle"]["vin"], c["vehicle"]["series"]) for c in picker] == [
        (consignment["id"], vehicle.vin, vehicle.series)
    ]
    assert picker[0]["seller_name"] == dealer.name
    assert picker[0]["house_name"] == house_org.name

    r = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert r.status_code == 201, r.text
    lot = await Lot.get(id=r.json()["id"])
    assert lot.seller_org_id == dealer.id
    assert await VehicleEngagement.exists(vehicle_id=vehicle.id, kind="lot", ref_id=lot.id)
    row = await Consignment.get(id=consignment["id"])
    assert (row.status, row.lot_id) == ("used", lot.id)

    # used: neither a second lot nor a withdrawal
    again = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert (again.status_code, again.json()["error"]["code"]) == (404, "vehicle_not_found")
    w = await seller_api.post(f"/api/consignments/{consignment['id']}/withdraw")
    assert (w.status_code, w.json()["error"]["code"]) == (409, "consignment_in_lot")
    assert await Lot.all().count() == 1
    mine = (await seller_api.get("/api/consignments", params={"role": "seller"})).json()["items"]
    assert [(c["status"], c["lot_id"]) for c in mine] == [("used", lot.id)]


async def test_a_withdrawn_consignment_gives_no_right(client: ApiClient) -> None:
    house_org, house, sid = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    # consigned by VIN, as the seller's inventory page does
    r = await seller_api.post("/api/consignments", json={"vin": vehicle.vin, "house_org_id": house_org.id})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    assert r.json()["vehicle_id"] == vehicle.id
    w = await seller_api.post(f"/api/consignments/{cid}/withdraw")
    assert w.status_code == 200, w.text
    assert w.json()["status"] == "withdrawn"
    assert await AuditEntry.exists(action="consignment.withdrawn", target=f"consignment:{cid}")
    r = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "vehicle_not_found")
    assert await Lot.all().count() == 0
    assert not await VehicleEngagement.exists(vehicle_id=vehicle.id)
    again = await seller_api.post(f"/api/consignments/{cid}/withdraw")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "consignment_withdrawn")
    assert (await house.get("/api/consignments", params={"status": "active"})).json()["items"] == []


async def test_a_consignment_to_house_a_gives_house_b_nothing(client: ApiClient) -> None:
    house_a, _, _ = await house_with_session(client)
    _, house_b, sid_b = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    r = await seller_api.post("/api/consignments", json={"vehicle_id": vehicle.id, "house_org_id": house_a.id})
    assert r.status_code == 201, r.text
    r = await house_b.post(f"/api/auction-sessions/{sid_b}/lots", json=lot_body(vehicle.id))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "vehicle_not_found")
    assert vehicle.vin not in r.text
    assert await Lot.all().count() == 0
    assert (await house_b.get("/api/consignments")).json()["items"] == []
    assert [c.status for c in await Consignment.all()] == ["active"]


async def test_a_house_offers_its_own_vehicle_without_consignment(client: ApiClient) -> None:
    house_org, house, sid = await house_with_session(client)
    vehicle = await make_vehicle(house_org)
    r = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert r.status_code == 201, r.text
    assert (await Lot.get(id=r.json()["id"])).seller_org_id == house_org.id


async def test_only_the_owners_trading_staff_may_consign(client: ApiClient) -> None:
    house_org, house, _ = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    body = {"vehicle_id": vehicle.id, "house_org_id": house_org.id}

    buyer = await make_member(client.app, dealer, ["buyer"], "buyer")
    await make_certificate(dealer, buyer.user, status="verified")
    api = client.fork()
    await api.login(buyer.login)
    r = await api.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "insufficient_role")

    uncertified = await make_member(client.app, dealer, ["dealer_staff"], "nocert")
    await api.login(uncertified.login)
    r = await api.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "no_certificate_in_force")

    _, _, other_dealer = await seller(client)
    r = await other_dealer.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "vehicle_not_found")
    assert vehicle.vin not in r.text
    # the house cannot consign to itself what it does not own
    r = await house.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "vehicle_not_found")
    assert await Consignment.all().count() == 0

    # a suspended dealer may not consign
    await Organisation.filter(id=dealer.id).update(verification_status="suspended")
    r = await seller_api.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "dealer_not_verified")
    assert await Consignment.all().count() == 0


async def test_only_the_sellers_staff_may_withdraw(client: ApiClient) -> None:
    house_org, house, _ = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    cid = (
        await seller_api.post("/api/consignments", json={"vehicle_id": vehicle.id, "house_org_id": house_org.id})
    ).json()["id"]
    r = await house.post(f"/api/consignments/{cid}/withdraw")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "insufficient_role")
    _, _, outsider = await seller(client)
    r = await outsider.post(f"/api/consignments/{cid}/withdraw")
    assert (r.status_code, r.json()["error"]["code"]) == (404, "consignment_not_found")
    assert (await Consignment.get(id=cid)).status == "active"


async def test_only_a_verified_auction_house_takes_consignments(client: ApiClient) -> None:
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    other_dealer = await make_org("dealer")
    pending_house = await make_org("auction_house", status="pending")
    for house_id, status, code in [
        (other_dealer.id, 422, "not_an_auction_house"),
        (dealer.id, 422, "not_an_auction_house"),
        (2_000_000, 422, "not_an_auction_house"),
        (pending_house.id, 403, "house_not_verified"),
    ]:
        r = await seller_api.post("/api/consignments", json={"vehicle_id": vehicle.id, "house_org_id": house_id})
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), house_id
    assert await Consignment.all().count() == 0
    bad = await seller_api.post("/api/consignments", json={"house_org_id": pending_house.id})
    assert bad.status_code == 422


async def test_a_vehicle_is_consigned_to_a_house_once_at_a_time(client: ApiClient) -> None:
    house_org, _, _ = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    body = {"vehicle_id": vehicle.id, "house_org_id": house_org.id}
    first = await seller_api.post("/api/consignments", json=body)
    assert first.status_code == 201
    r = await seller_api.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "already_consigned")
    await seller_api.post(f"/api/consignments/{first.json()['id']}/withdraw")
    assert (await seller_api.post("/api/consignments", json=body)).status_code == 201


async def test_consignment_lists_show_only_the_callers_organisations(client: ApiClient) -> None:
    house_a, api_a, _ = await house_with_session(client)
    house_b, api_b, _ = await house_with_session(client)
    d1, _, s1 = await seller(client)
    d2, _, s2 = await seller(client)
    v1, v2 = await make_vehicle(d1), await make_vehicle(d2)
    c1 = (await s1.post("/api/consignments", json={"vehicle_id": v1.id, "house_org_id": house_a.id})).json()["id"]
    c2 = (await s2.post("/api/consignments", json={"vehicle_id": v2.id, "house_org_id": house_b.id})).json()["id"]

    def ids(r: Any) -> list[int]:
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["items"]]

    assert ids(await s1.get("/api/consignments")) == [c1]
    assert ids(await s2.get("/api/consignments")) == [c2]
    assert ids(await api_a.get("/api/consignments")) == [c1]
    assert ids(await api_b.get("/api/consignments")) == [c2]
    assert ids(await api_a.get("/api/consignments", params={"role": "seller"})) == []
    assert ids(await s1.get("/api/consignments", params={"role": "house"})) == []
    _, _, nobody = await seller(client)
    assert ids(await nobody.get("/api/consignments")) == []
    assert (await client.fork().get("/api/consignments")).status_code == 401


async def test_auction_houses_are_listed_publicly_by_name(client: ApiClient) -> None:
    verified = await make_org("auction_house", name="重庆渝拍拍卖")
    await make_org("auction_house", status="pending", name="待审拍卖行")
    await make_org("dealer", name="车商")
    r = await client.fork().get("/api/auction-houses")
    assert r.status_code == 200, r.text
    assert r.json()["items"] == [{"id": verified.id, "name": "重庆渝拍拍卖"}]


async def test_a_withdrawal_racing_the_lot_wins_and_the_lot_is_rolled_back(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    house_org, house, sid = await house_with_session(client)
    dealer, _, seller_api = await seller(client)
    vehicle = await make_vehicle(dealer)
    cid = (
        await seller_api.post("/api/consignments", json={"vehicle_id": vehicle.id, "house_org_id": house_org.id})
    ).json()["id"]
    checked = rights.may_offer

    async def withdraw_now() -> None:
        r = await seller_api.post(f"/api/consignments/{cid}/withdraw")
        assert r.status_code == 200, r.text

    def may_offer_then_withdrawn(*args: Any) -> bool:
        allowed = checked(*args)
        pending.append(asyncio.ensure_future(withdraw_now()))
        return allowed

    pending: list[asyncio.Future[None]] = []
    real_transaction = catalogue.in_transaction

    def transaction_after_withdrawal() -> Any:
        return _after(pending, real_transaction())

    monkeypatch.setattr(catalogue.rights, "may_offer", may_offer_then_withdrawn)
    monkeypatch.setattr(catalogue, "in_transaction", transaction_after_withdrawal)
    r = await house.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicle.id))
    assert (r.status_code, r.json()["error"]["code"]) == (404, "vehicle_not_found")
    assert await Lot.all().count() == 0
    assert not await VehicleEngagement.exists(vehicle_id=vehicle.id)
    assert (await Consignment.get(id=cid)).status == "withdrawn"


class _after:
    """A transaction entered only once the pending withdrawals have committed (the race made deterministic)."""

    def __init__(self, pending: list[asyncio.Future[None]], inner: Any) -> None:
        self._pending, self._inner = pending, inner

    async def __aenter__(self) -> Any:
        await asyncio.gather(*self._pending)
        return await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)


async def test_a_draft_lot_is_removed_and_its_vehicle_and_consignment_are_free_again(client: ApiClient) -> None:
    house, api, sid = await house_with_session(client)
    org, _, seller_api = await seller(client)
    vehicles = [await make_vehicle(org) for _ in range(3)]
    lot_ids = []
    for v in vehicles:
        r = await seller_api.post("/api/consignments", json={"vehicle_id": v.id, "house_org_id": house.id})
        assert r.status_code == 201, r.text
        r = await api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(v.id))
        assert r.status_code == 201, r.text
        lot_ids.append(r.json()["id"])

    # only the house's staff, and a foreign draft's lot is simply not there
    assert (await seller_api.delete(f"/api/lots/{lot_ids[1]}")).status_code == 404
    assert (await api.delete("/api/lots/999999")).status_code == 404
    r = await api.delete(f"/api/lots/{lot_ids[1]}")
    assert r.status_code == 204, r.text
    assert not await Lot.exists(id=lot_ids[1])
    assert not await VehicleEngagement.exists(vehicle_id=vehicles[1].id)  # the dealer may list it again
    freed = await Consignment.get(vehicle_id=vehicles[1].id)
    assert (freed.status, freed.lot_id) == (rights.Status.ACTIVE, None)
    # the catalogue closes up, and a new lot takes the next place without colliding
    assert [p for (p,) in await Lot.filter(session_id=sid).order_by("position").values_list("position")] == [1, 2]
    r = await api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(vehicles[1].id))
    assert r.status_code == 201, r.text
    assert r.json()["position"] == 3

    assert (await api.post(f"/api/auction-sessions/{sid}/publish")).status_code == 200
    r = await api.delete(f"/api/lots/{lot_ids[0]}")
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "session_published"
    assert await Lot.exists(id=lot_ids[0])


async def test_two_lots_added_at_once_never_break_the_catalogue(client: ApiClient) -> None:
    house, api, sid = await house_with_session(client)
    org, _, seller_api = await seller(client)
    for _ in range(5):  # rounds: on PostgreSQL both often read the same count of lots
        pair = [await make_vehicle(org) for _ in range(2)]
        for v in pair:
            r = await seller_api.post("/api/consignments", json={"vehicle_id": v.id, "house_org_id": house.id})
            assert r.status_code == 201, r.text
        results = await asyncio.gather(
            api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(pair[0].id)),
            api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(pair[1].id)),
        )
        statuses = sorted(r.status_code for r in results)
        assert statuses in ([201, 201], [201, 409]), [r.text for r in results]  # never a 500
        for r in results:
            if r.status_code == 409:
                assert r.json()["error"]["code"] == "catalogue_changed"
    positions = [p for (p,) in await Lot.filter(session_id=sid).order_by("position").values_list("position")]
    assert positions == list(range(1, len(positions) + 1))


async def _house_with_lots(client: ApiClient, n: int) -> tuple[ApiClient, int, list[int], list[Any]]:
    house, api, sid = await house_with_session(client)
    org, _, seller_api = await seller(client)
    vehicles, lot_ids = [], []
    for _ in range(n):
        v = await make_vehicle(org)
        vehicles.append(v)
        r = await seller_api.post("/api/consignments", json={"vehicle_id": v.id, "house_org_id": house.id})
        assert r.status_code == 201, r.text
        r = await api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(v.id))
        assert r.status_code == 201, r.text
        lot_ids.append(r.json()["id"])
    return api, sid, lot_ids, vehicles


async def test_publishing_in_the_middle_of_adding_a_lot_refuses_the_lot(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, sid, _, _ = await _house_with_lots(client, 1)
    house = (await catalogue.AuctionSession.get(id=sid)).house_org_id
    org, _, seller_api = await seller(client)
    late = await make_vehicle(org)
    r = await seller_api.post("/api/consignments", json={"vehicle_id": late.id, "house_org_id": house})
    assert r.status_code == 201, r.text
    real_describe = catalogue.vehicles.describe

    async def describe_then_publish(vehicle_id: int) -> Any:
        found = await real_describe(vehicle_id)
        assert (await api.post(f"/api/auction-sessions/{sid}/publish")).status_code == 200  # lands in between
        return found

    monkeypatch.setattr(catalogue.vehicles, "describe", describe_then_publish)
    r = await api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(late.id))
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "session_published"
    # no lot left scheduled without an end, the vehicle and its consignment untouched
    assert await Lot.filter(session_id=sid).count() == 1
    assert await Lot.filter(session_id=sid, ends_at=None).count() == 0
    assert not await VehicleEngagement.exists(vehicle_id=late.id)
    assert (await Consignment.get(vehicle_id=late.id)).status == rights.Status.ACTIVE


async def test_removing_a_lot_while_an_earlier_one_goes_keeps_the_numbering(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, sid, lot_ids, _ = await _house_with_lots(client, 4)
    real_session = catalogue._session
    first = True

    async def session_then_remove_lot_1(session_id: int, principal: Any) -> Any:
        nonlocal first
        found = await real_session(session_id, principal)
        if first:  # after lot 3's place was read, lot 1 goes: lots 3 and 4 move up to places 2 and 3
            first = False
            assert (await api.delete(f"/api/lots/{lot_ids[0]}")).status_code == 204
        return found

    monkeypatch.setattr(catalogue, "_session", session_then_remove_lot_1)
    assert (await api.delete(f"/api/lots/{lot_ids[2]}")).status_code == 204
    monkeypatch.undo()
    rows = await Lot.filter(session_id=sid).order_by("position").values_list("id", "position")
    assert rows == [(lot_ids[1], 1), (lot_ids[3], 2)]  # no gap where lot 3 was
    # and the catalogue still takes a new lot, in the next place
    house = await Organisation.get(id=(await catalogue.AuctionSession.get(id=sid)).house_org_id)
    own = await make_vehicle(house)  # a house's own vehicle needs no consignment
    r = await api.post(f"/api/auction-sessions/{sid}/lots", json=lot_body(own.id))
    assert r.status_code == 201, r.text
    assert r.json()["position"] == 3


async def test_one_vehicle_consigned_twice_at_once_to_one_house_is_one_consignment(client: ApiClient) -> None:
    house, _, _ = await house_with_session(client)
    org, _, seller_api = await seller(client)
    for _ in range(3):
        v = await make_vehicle(org)
        body = {"vehicle_id": v.id, "house_org_id": house.id}
        results = await asyncio.gather(*(seller_api.post("/api/consignments", json=body) for _ in range(2)))
        assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
        assert [r.json()["error"]["code"] for r in results if r.status_code == 409] == ["already_consigned"]
        assert await Consignment.filter(vehicle_id=v.id, status=rights.Status.ACTIVE).count() == 1
    # and the database itself refuses a second active one, whatever the code does
    from tortoise.exceptions import IntegrityError

    active = await Consignment.filter(status=rights.Status.ACTIVE).first()
    assert active is not None
    with pytest.raises(IntegrityError):
        await Consignment.create(
            vehicle_id=active.vehicle_id,
            seller_org_id=active.seller_org_id,
            house_org_id=active.house_org_id,
            created_by_user_id=active.created_by_user_id,
        )
