"""The buyer's side and the house's results: my auctions, the sale record's deposit and balance, the lot page
with the car, the session's phase and results, the results export, and consigning a listed vehicle."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from auctions.models import AuctionSession, Lot
from auctions.services import actions
from auctions.services.clock import now_ms
from listings.models import ConditionItem, Listing, Photo, Vehicle, VehicleEngagement
from marketplace.accounts.models import User
from tests.support import ApiClient, make_certificate, make_member, make_org, make_platform_admin
from tests.support_auctions import make_bidder, make_vehicle, make_world, set_end, token_for


async def _close(client: ApiClient, lot: Lot) -> None:
    await set_end(lot, now_ms() - 1)
    await actions.close_if_due(client.app.state.services, lot.id, now_ms())  # or a sweeper got there first
    assert (await Lot.get(id=lot.id)).status in ("sold", "passed", "conditional")


async def _as(client: ApiClient, user: User) -> ApiClient:
    other = client.fork()
    other.bearer = await token_for(user)
    return other


async def test_my_auctions_shows_only_my_registrations_and_where_i_stand(client: ApiClient) -> None:
    world = await make_world(client.app, lots=3, reserve=500_000)
    services = client.app.state.services
    a_user, a_reg = await make_bidder(client.app, world.session)
    b_user, b_reg = await make_bidder(client.app, world.session)
    a, b = await world.principal(a_user), await world.principal(b_user)
    lot1, lot2, lot3 = world.lots
    # lot 1: A leads, then B outbids and wins; lot 2: A wins above the reserve; lot 3: A leads, still open
    assert (await actions.place_bid(services, a, lot1.id, "my-a-0001", 100_000, now_ms()))["status"] == "accepted"
    assert (await actions.place_bid(services, b, lot1.id, "my-b-0001", 600_000, now_ms()))["status"] == "accepted"
    assert (await actions.place_bid(services, a, lot2.id, "my-a-0002", 600_000, now_ms()))["status"] == "accepted"
    assert (await actions.place_bid(services, a, lot3.id, "my-a-0003", 100_000, now_ms()))["status"] == "accepted"
    await _close(client, lot1)
    await _close(client, lot2)

    mine = (await (await _as(client, a_user)).get("/api/me/auctions")).json()
    [item] = mine["items"]
    assert (item["id"], item["paddle"], item["session"]["id"]) == (a_reg.id, a_reg.paddle, world.session.id)
    assert item["session"]["phase"] == "live"
    standing = {lot["lot_id"]: lot["standing"] for lot in item["lots"]}
    assert standing == {lot1.id: "lost", lot2.id: "won", lot3.id: "leading"}
    won = next(lot for lot in item["lots"] if lot["lot_id"] == lot2.id)
    # 600,000 hammer + 5 % premium; the confirmed 500,000 deposit counts toward it
    assert won["sale"] == {
        "hammer_price": 600_000,
        "buyer_premium": 30_000,
        "total": 630_000,
        "deposit_applied": 500_000,
        "balance_due": 130_000,
    }
    assert next(lot for lot in item["lots"] if lot["lot_id"] == lot1.id)["sale"] is None  # B's sale is not A's
    only_won = (await (await _as(client, a_user)).get("/api/me/auctions", params={"standing": "won"})).json()
    assert [i["id"] for i in only_won["items"]] == [a_reg.id]

    theirs = (await (await _as(client, b_user)).get("/api/me/auctions")).json()
    assert [i["id"] for i in theirs["items"]] == [b_reg.id]
    assert {lot["lot_id"]: lot["standing"] for lot in theirs["items"][0]["lots"]} == {lot1.id: "won"}
    assert str(a_reg.payment_reference) not in str(theirs)  # nothing of A's reaches B

    # a stranger with no registration, the seller and the house see none of it
    for user in (world.seller_user, world.auctioneer, (await make_member(client.app, None, [], "nobody")).user):
        assert (await (await _as(client, user)).get("/api/me/auctions")).json() == {"items": [], "next_cursor": None}
    assert (await client.fork().get("/api/me/auctions")).status_code == 401
    bad = await (await _as(client, a_user)).get("/api/me/auctions", params={"standing": "winning"})
    assert bad.status_code == 422


async def test_my_auctions_pages_with_a_cursor(client: ApiClient) -> None:
    org = await make_org("dealer")
    member = await make_member(client.app, org, ["buyer"], "pager")
    await make_certificate(org, member.user, status="verified")
    from auctions.services import catalogue

    principal = await (await make_world(client.app)).principal(member.user)
    for _ in range(3):
        world = await make_world(client.app)
        await catalogue.register(principal, world.session.id, org.id, client.app.state.services.payments)
    me = await _as(client, member.user)
    first = (await me.get("/api/me/auctions", params={"limit": 2})).json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    rest = (await me.get("/api/me/auctions", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    assert (await me.get("/api/me/auctions", params={"cursor": "nonsense!"})).status_code == 400


async def test_sale_record_shows_the_deposit_the_balance_and_the_next_steps(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2)
    services = client.app.state.services
    user, reg = await make_bidder(client.app, world.session)
    bidder = await world.principal(user)
    lot1, lot2 = world.lots
    assert (await actions.place_bid(services, bidder, lot1.id, "sale-0001", 300_000, now_ms()))["status"] == "accepted"
    assert (await actions.place_bid(services, bidder, lot2.id, "sale-0002", 400_000, now_ms()))["status"] == "accepted"
    await _close(client, lot1)
    await _close(client, lot2)

    buyer = await _as(client, user)
    first = (await buyer.get(f"/api/lots/{lot1.id}/sale")).json()
    assert first["viewer_role"] == "buyer"
    assert (first["total"], first["balance_due"]) == (315_000, 0)  # the 500,000 deposit covers it
    assert first["deposit"] == {"amount": 500_000, "status": "confirmed", "applied": 315_000}
    assert first["payment_reference"] == reg.payment_reference
    assert first["next_steps"] == ["collect_vehicle"]
    second = (await buyer.get(f"/api/lots/{lot2.id}/sale")).json()
    # one deposit per registration: what is left of it (185,000) goes to the second lot
    assert (second["total"], second["deposit"]["applied"], second["balance_due"]) == (420_000, 185_000, 235_000)
    assert second["next_steps"] == ["pay_balance", "collect_vehicle"]

    seller = (await (await _as(client, world.seller_user)).get(f"/api/lots/{lot1.id}/sale")).json()
    assert seller["viewer_role"] == "seller"
    assert (seller["deposit"], seller["balance_due"], seller["payment_reference"]) == (None, None, None)
    assert seller["next_steps"] == ["await_payment", "hand_over_vehicle"]
    house = (await (await _as(client, world.auctioneer)).get(f"/api/lots/{lot1.id}/sale")).json()
    assert house["viewer_role"] == "house"
    assert house["balance_due"] == 0
    assert house["next_steps"] == ["confirm_payment", "release_vehicle"]
    other, _ = await make_bidder(client.app, world.session)
    assert (await (await _as(client, other)).get(f"/api/lots/{lot1.id}/sale")).status_code == 404
    assert (await client.fork().get(f"/api/lots/{lot1.id}/sale")).status_code == 401


async def test_a_pending_deposit_counts_for_nothing_yet(client: ApiClient) -> None:
    world = await make_world(client.app)
    services = client.app.state.services
    user, reg = await make_bidder(client.app, world.session)
    bidder = await world.principal(user)
    bid = await actions.place_bid(services, bidder, world.lots[0].id, "pend-0001", 200_000, now_ms())
    assert bid["status"] == "accepted", bid
    await _close(client, world.lots[0])
    from auctions.models import Registration

    await Registration.filter(id=reg.id).update(deposit_status="pending")
    sale = (await (await _as(client, user)).get(f"/api/lots/{world.lots[0].id}/sale")).json()
    assert (sale["deposit"]["applied"], sale["balance_due"]) == (0, 210_000)


async def test_lot_page_shows_the_car_photos_and_condition_summary(client: ApiClient) -> None:
    world = await make_world(client.app, publish=False)
    lot = world.lots[0]
    await Vehicle.filter(id=lot.vehicle_id).update(transmission="7DCT", displacement_ml=1984, accident=True)
    await Lot.filter(id=lot.id).update(condition_report="整车 B 级")
    await ConditionItem.create(vehicle_id=lot.vehicle_id, item="前保险杠", grade="C", note="划痕")
    await ConditionItem.create(vehicle_id=lot.vehicle_id, item="发动机", grade="A")
    data = b"\xff\xd8fakejpeg"
    files = client.app.state.services.files
    await files.save("photos/test/one.jpg", data, "image/jpeg")
    photo = await Photo.create(
        vehicle_id=lot.vehicle_id, key="photos/test/one.jpg", content_type="image/jpeg", width=800, height=600,
        size_bytes=len(data), sha256="a" * 64,
    )  # fmt: skip
    anon = client.fork()
    # a draft's lot and its photos are the house's alone
    assert (await anon.get(f"/api/lots/{lot.id}")).json()["error"]["code"] == "lot_not_found"
    assert (await anon.get(f"/api/lots/{lot.id}/photos/{photo.id}")).status_code == 404
    house = await _as(client, world.auctioneer)
    assert (await house.get(f"/api/lots/{lot.id}")).status_code == 200
    await house.post(f"/api/auction-sessions/{world.session.id}/publish")

    page = (await anon.get(f"/api/lots/{lot.id}")).json()
    assert page["vehicle"]["title"] == "大众 帕萨特 330TSI"
    assert (page["specs"]["transmission"], page["specs"]["displacement_ml"]) == ("7DCT", 1984)
    assert page["photos"] == [
        {"id": photo.id, "url": f"/api/lots/{lot.id}/photos/{photo.id}", "thumb_url": None, "width": 800, "height": 600}
    ]
    cond = page["condition"]
    assert (cond["text"], cond["items"], cond["worst_grade"], cond["accident"]) == ("整车 B 级", 2, "C", True)
    assert cond["flagged"] == [{"item": "前保险杠", "grade": "C", "note": "划痕"}]
    assert "reserve_price" not in page
    r = await anon.get(page["photos"][0]["url"])
    assert (r.status_code, r.content, r.headers["content-type"]) == (200, data, "image/jpeg")
    assert (await anon.get(f"{page['photos'][0]['url']}?size=thumb")).status_code == 404  # not made yet
    assert (await anon.get(f"{page['photos'][0]['url']}?size=huge")).status_code in (400, 422)
    # another vehicle's photo is not this lot's
    other = await make_vehicle(world.seller)
    foreign = await Photo.create(
        vehicle_id=other.id, key="photos/test/one.jpg", content_type="image/jpeg", width=1, height=1, size_bytes=1,
        sha256="b" * 64,
    )  # fmt: skip
    assert (await anon.get(f"/api/lots/{lot.id}/photos/{foreign.id}")).status_code == 404
    assert (await anon.get("/api/lots/999999")).json()["error"]["code"] == "lot_not_found"


async def test_sessions_show_phase_and_results_and_the_calendar_puts_live_and_upcoming_first(
    client: ApiClient,
) -> None:
    ended = await make_world(client.app, lots=3, reserve=500_000)
    services = client.app.state.services
    user, _ = await make_bidder(client.app, ended.session)
    bidder = await ended.principal(user)
    for lot, amount in ((ended.lots[0], 600_000), (ended.lots[1], 200_000)):  # the second below the reserve
        bid = await actions.place_bid(services, bidder, lot.id, f"res-{lot.id:05d}", amount, now_ms())
        assert bid["status"] == "accepted", bid
    for lot in ended.lots:
        await _close(client, lot)
    seller = await ended.principal(ended.seller_user)
    await actions.decide(services, seller, ended.lots[1].id, "decline", None, now_ms())
    live = await make_world(client.app)
    upcoming = await make_world(client.app, starts_at=datetime.now(UTC) + timedelta(days=2))
    later = await make_world(client.app, starts_at=datetime.now(UTC) + timedelta(days=5))

    items = (await client.fork().get("/api/auction-sessions")).json()["items"]
    order = [s["id"] for s in items]
    assert order == [live.session.id, upcoming.session.id, later.session.id, ended.session.id]
    by_id = {s["id"]: s for s in items}
    assert [by_id[i]["phase"] for i in order] == ["live", "upcoming", "upcoming", "ended"]
    assert by_id[ended.session.id]["results"] == {
        "lots": 3,
        "sold": 1,
        "unsold": 2,
        "pending": 0,
        "turnover": 600_000,
        "sell_through_bp": 3333,
    }
    assert by_id[upcoming.session.id]["results"]["sold"] == 0
    one = (await client.fork().get(f"/api/auction-sessions/{ended.session.id}")).json()
    assert (one["phase"], one["results"]["turnover"]) == ("ended", 600_000)


async def test_results_export_is_the_houses_and_formula_safe(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2, reserve=500_000)
    services = client.app.state.services
    await Vehicle.filter(id=world.lots[0].vehicle_id).update(make='=HYPERLINK("x")', model="\tcmd", series="")
    user, reg = await make_bidder(client.app, world.session)
    bidder = await world.principal(user)
    bid = await actions.place_bid(services, bidder, world.lots[0].id, "exp-00001", 600_000, now_ms())
    assert bid["status"] == "accepted", bid
    for lot in world.lots:
        await _close(client, lot)
    url = f"/api/auction-sessions/{world.session.id}/results/export"
    r = await (await _as(client, world.auctioneer)).get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["lot"] for row in rows] == ["1", "2"]
    first: dict[str, Any] = rows[0]
    assert first["vehicle"].startswith("'=")  # a formula stays text
    assert (first["status"], first["hammer_price_yuan"], first["buyer_premium_yuan"]) == ("sold", "6000.00", "300.00")
    assert (first["reserve_price_yuan"], first["buyer_paddle"]) == ("5000.00", reg.paddle)
    assert (rows[1]["status"], rows[1]["hammer_price_yuan"]) == ("passed", "")
    for stranger in (world.seller_user, user):
        assert (await (await _as(client, stranger)).get(url)).json()["error"]["code"] == "not_house_staff"
    admin = await make_platform_admin(client.app)
    assert (await (await _as(client, admin.user)).get(url)).status_code == 200
    assert (await client.fork().get(url)).status_code == 401


async def test_consigning_a_vehicle_with_an_open_listing_is_refused_up_front(client: ApiClient) -> None:
    house = await make_org("auction_house")
    dealer = await make_org("dealer")
    admin = await make_member(client.app, dealer, ["dealer_admin"])
    await make_certificate(dealer, admin.user, status="verified")
    vehicle = await make_vehicle(dealer)
    listing = await Listing.create(
        vehicle_id=vehicle.id, dealer_org_id=dealer.id, price_fen=1, created_by=admin.user.id
    )
    await VehicleEngagement.create(vehicle_id=vehicle.id, kind="listing", ref_id=listing.id)
    await client.login(admin.login)
    body = {"vehicle_id": vehicle.id, "house_org_id": house.id}
    r = await client.post("/api/consignments", json=body)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["code"] == "vehicle_listed"
    assert r.json()["error"]["details"] == {"listing_id": listing.id}
    # in a lot already (another house's): refused too, with its own code
    await VehicleEngagement.filter(vehicle_id=vehicle.id).update(kind="lot", ref_id=77)
    r = await client.post("/api/consignments", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_in_lot")
    # free again: consigned
    await VehicleEngagement.filter(vehicle_id=vehicle.id).delete()
    assert (await client.post("/api/consignments", json=body)).status_code == 201
    assert await AuctionSession.all().count() == 0
