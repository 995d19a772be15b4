"""A vehicle in an auction lot (or reserved for a buyer) is frozen to its seller; a draft listing holds nothing.

Found by an attack: editing a withdrawn or expired listing, or importing a sheet with the VIN, rewrote the
mileage of a car being auctioned. Listings learns of the lot from its own vehicle engagement.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from auctions.models import Lot
from auctions.schemas import LotIn, SessionIn
from auctions.services import catalogue
from auctions.services.clock import now_ms
from listings.domain import sheets
from listings.models import ConditionItem, Listing, Photo, Vehicle
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.domain import Principal
from tests.e2e.listings.helpers import Dealer, listing_body, make_dealer, new_vin
from tests.support import ApiClient, make_member, make_org
from tests.support_auctions import TERMS, close_due, consign, set_end


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


async def _house(client: ApiClient) -> tuple[Principal, int, Any]:
    house = await make_org("auction_house")
    staff = (await make_member(client.app, house, ["auctioneer", "house_admin"], "auctioneer")).user
    principal = await principal_for_user(staff)
    body = SessionIn.model_validate(
        {"house_org_id": house.id, "title": "周三网络拍卖会", "kind": "online",
         "starts_at": datetime.now(UTC).isoformat(), "terms": TERMS}
    )  # fmt: skip
    return principal, (await catalogue.create_session(principal, body)).id, house


async def _in_a_lot(client: ApiClient, vehicle_id: int) -> tuple[Principal, int]:
    """The dealer consigns the vehicle; the house puts it in a lot and publishes: (the house's staff, lot id)."""
    principal, sid, house = await _house(client)
    await consign(await Vehicle.get(id=vehicle_id), house)
    lot = await catalogue.add_lot(principal, sid, LotIn(vehicle_id=vehicle_id, starting_price=100_000))
    await catalogue.publish(principal, sid)
    return principal, int(lot["id"])


async def _listed(client: ApiClient, dealer: Dealer, *, publish: bool = True) -> dict[str, Any]:
    r = await client.post("/api/listings", json=listing_body(dealer.org_id))
    assert r.status_code == 201, r.text
    listing = r.json()
    if publish:
        assert (await client.post(f"/api/listings/{listing['id']}/publish")).status_code == 200
    return dict(listing)


async def test_a_withdrawn_listing_cannot_rewrite_the_vehicle_of_an_open_lot(client: ApiClient) -> None:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    listing = await _listed(client, dealer)
    photo = await client.post(
        f"/api/listings/{listing['id']}/photos", content=_jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    assert photo.status_code == 201, photo.text
    assert (await client.post(f"/api/listings/{listing['id']}/withdraw")).status_code == 200
    vehicle_id = (await Listing.get(id=listing["id"])).vehicle_id
    _, lot_id = await _in_a_lot(client, vehicle_id)

    r = await client.request("PATCH", f"/api/listings/{listing['id']}", json={"vehicle": {"mileage_km": 9_000}})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    assert (await Vehicle.get(id=vehicle_id)).mileage_km == 42_000
    r = await client.request("PUT", f"/api/listings/{listing['id']}/condition", json={"items": []})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    # nor its photos: a bidder judges the car by them
    r = await client.delete(f"/api/listings/{listing['id']}/photos/{photo.json()['id']}")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    r = await client.post(
        f"/api/listings/{listing['id']}/photos", content=_jpeg(), headers={"Content-Type": "image/jpeg"}
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    assert await Photo.filter(vehicle_id=vehicle_id).count() == 1
    # the listing's own text is not the vehicle: a withdrawn listing's price may still change
    r = await client.request("PATCH", f"/api/listings/{listing['id']}", json={"price_fen": 20_000_000})
    assert r.status_code == 200, r.text
    # a new listing for the same VIN would rewrite the vehicle too
    vin = (await Vehicle.get(id=vehicle_id)).vin
    body = listing_body(dealer.org_id, vehicle={"vin": vin, "mileage_km": 9_000})
    r = await client.post("/api/listings", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    assert (await Vehicle.get(id=vehicle_id)).mileage_km == 42_000

    # once the lot is over (passed: no bids), the vehicle is the dealer's to change again
    await set_end(await Lot.get(id=lot_id), now_ms() - 1)
    await close_due(client.app.state.services, lot_id)
    assert (await Lot.get(id=lot_id)).status == "passed"
    r = await client.request("PATCH", f"/api/listings/{listing['id']}", json={"vehicle": {"mileage_km": 43_000}})
    assert r.status_code == 200, r.text
    assert (await Vehicle.get(id=vehicle_id)).mileage_km == 43_000


def _row(vin: str, mileage: str) -> dict[str, str]:
    return {"vin": vin, "make": "丰田", "model": "卡罗拉", "energy_type": "hev", "price_yuan": "86000",
            "model_year": "2020", "mileage_km": mileage, "plate_prefix": "苏E"}  # fmt: skip


async def test_an_import_matching_the_vin_of_a_vehicle_in_a_lot_refuses_that_row(client: ApiClient) -> None:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    listing = await _listed(client, dealer)
    assert (await client.post(f"/api/listings/{listing['id']}/withdraw")).status_code == 200
    vehicle = await Vehicle.get(id=(await Listing.get(id=listing["id"])).vehicle_id)
    await _in_a_lot(client, vehicle.id)
    url = f"/api/dealers/{dealer.org_id}/inventory/import"
    rows = [_row(new_vin(), "10000"), _row(vehicle.vin, "9000")]
    r = await client.post(url, content=sheets.write_csv(rows), headers={"Content-Type": "text/csv"})
    report = r.json()
    assert (r.status_code, report["imported"]) == (200, False)
    assert [(e["line"], e["column"], e["code"]) for e in report["errors"]] == [(3, "vin", "vehicle_locked")]
    r = await client.post(
        url + "?good_rows_only=true", content=sheets.write_csv(rows), headers={"Content-Type": "text/csv"}
    )
    report = r.json()
    assert (report["imported"], report["created"], report["updated"]) == (True, 1, 0)
    assert [e["code"] for e in report["errors"]] == ["vehicle_locked"]
    assert (await Vehicle.get(id=vehicle.id)).mileage_km == 42_000
    assert await Listing.filter(vehicle_id=vehicle.id).count() == 1  # no new draft slipped in either


async def test_a_vehicle_reserved_for_a_buyer_is_frozen_too(client: ApiClient) -> None:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    listing = await _listed(client, dealer)
    assert (await client.post(f"/api/listings/{listing['id']}/reserve")).status_code == 200
    vehicle = await Vehicle.get(id=(await Listing.get(id=listing["id"])).vehicle_id)
    url = f"/api/dealers/{dealer.org_id}/inventory/import"
    r = await client.post(
        url, content=sheets.write_csv([_row(vehicle.vin, "9000")]), headers={"Content-Type": "text/csv"}
    )
    assert [e["code"] for e in r.json()["errors"]] == ["vehicle_locked"]
    assert (await Vehicle.get(id=vehicle.id)).mileage_km == 42_000
    assert await Listing.filter(vehicle_id=vehicle.id).count() == 1
    r = await client.request("PUT", f"/api/listings/{listing['id']}/condition", json={"items": []})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    # released (the sale fell through): the dealer may correct the car again
    assert (await client.post(f"/api/listings/{listing['id']}/release")).status_code == 200
    r = await client.request("PATCH", f"/api/listings/{listing['id']}", json={"vehicle": {"mileage_km": 43_000}})
    assert r.status_code == 200, r.text


async def test_a_draft_listing_does_not_keep_its_vehicle_out_of_a_lot(client: ApiClient) -> None:
    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    draft = await _listed(client, dealer, publish=False)
    vehicle_id = (await Listing.get(id=draft["id"])).vehicle_id
    _, lot_id = await _in_a_lot(client, vehicle_id)  # refused with vehicle_busy before
    assert (await Lot.get(id=lot_id)).vehicle_id == vehicle_id
    # the draft stays a draft: it cannot be published while the car is in the lot, nor rewrite the car
    r = await client.post(f"/api/listings/{draft['id']}/publish")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_busy")
    r = await client.request("PATCH", f"/api/listings/{draft['id']}", json={"vehicle": {"mileage_km": 1}})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    assert (await Listing.get(id=draft["id"])).status == "draft"
    assert not await ConditionItem.filter(vehicle_id=vehicle_id).exists()


async def test_an_edit_waits_for_a_lot_engaging_the_vehicle_and_is_then_refused(client: ApiClient) -> None:
    """Engaging and editing take turns on the vehicle's row: an edit racing a house putting the car in a lot
    cannot commit after the lot (on PostgreSQL the row lock; SQLite runs one writing transaction at a time)."""
    import asyncio

    from tortoise.transactions import in_transaction

    from listings import vehicles

    dealer = await make_dealer(client)
    await client.login(dealer.member.login)
    listing = await _listed(client, dealer, publish=False)
    vehicle_id = (await Listing.get(id=listing["id"])).vehicle_id
    engaged = asyncio.Event()

    async def edit_once_engaged() -> Any:
        await engaged.wait()
        return await client.request("PATCH", f"/api/listings/{listing['id']}", json={"vehicle": {"mileage_km": 9_000}})

    # made before the transaction: a task made inside it would share the test's transaction (a contextvar)
    edit = asyncio.create_task(edit_once_engaged())
    async with in_transaction() as conn:
        await vehicles.engage(conn, vehicle_id, "lot", 999_999)  # a lot being added, not yet committed
        engaged.set()
        await asyncio.sleep(0.5)
        assert not edit.done()  # the edit waits for the lot's transaction instead of reading past it
    r = await asyncio.wait_for(edit, 10)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_locked")
    assert (await Vehicle.get(id=vehicle_id)).mileage_km == 42_000
