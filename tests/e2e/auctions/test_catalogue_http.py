"""Sessions, lots, registration and deposits, and the HTTP bid fallback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from auctions.models import AuctionSession, BidReceipt, Lot, Registration, SaleRecord
from marketplace.accounts.models import User
from tests.support import ApiClient, make_certificate, make_member, make_org
from tests.support_auctions import TERMS, close_due, consign, make_bidder, make_consigned_vehicle, make_world, token_for


def session_body(house_id: int, **terms: Any) -> dict[str, Any]:
    return {
        "house_org_id": house_id,
        "title": "周三网络拍卖会",
        "kind": "online",
        "starts_at": datetime.now(UTC).isoformat(),
        "terms": {**TERMS, **terms},
    }


@pytest.mark.parametrize(
    ("terms", "fragment", "loc"),
    [
        ({"ladder": [{"start": 100, "step": 10}]}, "start at 0", ["body", "terms", "ladder", "0", "start"]),
        ({"ladder": [{"start": 0, "step": 0}]}, "greater than 0", ["body", "terms", "ladder", "0", "step"]),
        (
            {"ladder": [{"start": 0, "step": 300}, {"start": 1000, "step": 500}]},
            "gap",
            ["body", "terms", "ladder", "1", "start"],
        ),
        (
            {"ladder": [{"start": 0, "step": 100}, {"start": 0, "step": 500}]},
            "ascending",
            ["body", "terms", "ladder", "1", "start"],
        ),
        (
            {"premium": [{"start": 0, "percent_bp": 20_000}]},
            "less than or equal",
            ["body", "terms", "premium", "0", "percent_bp"],
        ),
        (
            {"premium": [{"start": 0, "percent_bp": 100}, {"start": 0, "percent_bp": 100}]},
            "ascending",
            ["body", "terms", "premium", "1", "start"],
        ),
        ({"surprise": 1}, "Extra inputs", ["body", "terms", "surprise"]),
    ],
)
async def test_session_terms_are_validated(
    client: ApiClient, terms: dict[str, Any], fragment: str, loc: list[str]
) -> None:
    house = await make_org("auction_house")
    staff = await make_member(client.app, house, ["house_admin"])
    await client.login(staff.login)
    r = await client.post("/api/auction-sessions", json=session_body(house.id, **terms))
    assert r.status_code == 422, r.text
    [detail] = r.json()["error"]["details"]
    assert fragment in detail["msg"]
    assert detail["loc"] == loc  # the band and field at fault, so a form marks that cell
    assert await AuctionSession.all().count() == 0


async def test_only_house_staff_create_sessions_and_lots(client: ApiClient) -> None:
    house = await make_org("auction_house")
    dealer = await make_org("dealer")
    outsider = await make_member(client.app, dealer, ["dealer_admin"])
    await client.login(outsider.login)
    r = await client.post("/api/auction-sessions", json=session_body(house.id))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "not_house_staff"


async def test_catalogue_flow_reserve_secrecy_registration_and_http_bids(client: ApiClient) -> None:
    house = await make_org("auction_house")
    staff = await make_member(client.app, house, ["house_admin"])
    seller = await make_org("dealer")
    seller_admin = await make_member(client.app, seller, ["dealer_admin"])
    vehicle = await make_consigned_vehicle(seller, house, seller_admin.user)
    await client.login(staff.login)
    r = await client.post("/api/auction-sessions", json=session_body(house.id, lot_duration_seconds=600))
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    bad = await client.post(
        f"/api/auction-sessions/{sid}/lots", json={"vehicle_id": vehicle.id, "starting_price": 105_000}
    )
    assert bad.status_code == 422
    assert "grid" in bad.text
    r = await client.post(
        f"/api/auction-sessions/{sid}/lots",
        json={
            "vehicle_id": vehicle.id,
            "starting_price": 100_000,
            "reserve_price": 800_000,
            "condition_report": "A 级",
        },
    )
    assert r.status_code == 201, r.text
    lot_id = r.json()["id"]
    assert r.json()["reserve_price"] == 800_000
    # its consignment now backs the lot; consigned again, the vehicle is still engaged in that lot
    await consign(vehicle, house)
    busy = await client.post(
        f"/api/auction-sessions/{sid}/lots", json={"vehicle_id": vehicle.id, "starting_price": 100_000}
    )
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "vehicle_busy"
    # a draft is invisible to the public
    anon = client.fork()
    assert (await anon.get(f"/api/auction-sessions/{sid}")).status_code == 404
    r = await client.post(f"/api/auction-sessions/{sid}/publish")
    assert r.status_code == 200, r.text
    lot = r.json()["lots"][0]
    assert lot["status"] == "open"
    assert lot["reserve_price"] == 800_000  # the house sees it

    public = (await anon.get(f"/api/auction-sessions/{sid}")).json()["lots"][0]
    assert "reserve_price" not in public
    assert public["reserve_met"] is False
    seller_view = client.fork()
    await seller_view.login(seller_admin.login)
    assert (await seller_view.get(f"/api/auction-sessions/{sid}")).json()["lots"][0]["reserve_price"] == 800_000

    # a verified dealer registers; the deposit waits for staff to see the bank transfer
    buyer_org = await make_org("dealer")
    buyer = await make_member(client.app, buyer_org, ["buyer"])
    await make_certificate(buyer_org, buyer.user, status="verified")
    bidder = client.fork()
    await bidder.login(buyer.login)
    assert (await bidder.post(f"/api/auction-sessions/{sid}/registrations", json={})).json()["error"]["code"] == (
        "dealers_only"
    )
    r = await bidder.post(f"/api/auction-sessions/{sid}/registrations", json={"org_id": buyer_org.id})
    assert r.status_code == 201, r.text
    reg = r.json()
    assert (reg["deposit_status"], reg["paddle"]) == ("pending", "101")
    assert reg["payment_reference"] in reg["instructions"]
    again = await bidder.post(f"/api/auction-sessions/{sid}/registrations", json={"org_id": buyer_org.id})
    assert again.status_code == 409

    headers = {"Idempotency-Key": "bid-0001-abcdef"}
    r = await bidder.post(f"/api/lots/{lot_id}/bids", json={"amount": 100_000}, headers=headers)
    assert r.json()["reason"] == "deposit_not_confirmed"
    assert (await bidder.post(f"/api/auction-registrations/{reg['id']}/confirm-deposit")).status_code == 403
    r = await client.post(f"/api/auction-registrations/{reg['id']}/confirm-deposit")
    assert r.json()["deposit_status"] == "confirmed"

    r = await bidder.post(
        f"/api/lots/{lot_id}/bids", json={"amount": 100_000}, headers={"Idempotency-Key": "bid-0002-abcdef"}
    )
    assert r.status_code == 200
    first = r.json()
    assert (first["status"], first["price"], first["leader"], first["next_minimum"]) == (
        "accepted",
        100_000,
        "101",
        110_000,
    )
    # the same key is the same bid: the same answer, no second bid
    r = await bidder.post(
        f"/api/lots/{lot_id}/bids", json={"amount": 100_000}, headers={"Idempotency-Key": "bid-0002-abcdef"}
    )
    assert r.json() == {**first, "server_time": r.json()["server_time"]}  # the envelope's clock is the send's
    assert await BidReceipt.filter(client_bid_id="bid-0002-abcdef").count() == 1
    missing = await bidder.post(f"/api/lots/{lot_id}/bids", json={"amount": 110_000})
    assert missing.json()["error"]["code"] == "idempotency_key"
    off = await bidder.post(
        f"/api/lots/{lot_id}/bids", json={"amount": 115_000}, headers={"Idempotency-Key": "bid-0003-abcdef"}
    )
    assert off.json()["reason"] == "off_grid"
    assert off.json()["detail"]["nearest"] == [110_000, 120_000]
    assert (await bidder.post("/api/lots/999999/bids", json={"amount": 1}, headers=headers)).status_code == 404

    # the seller's own organisation can never bid (shill prevention), even when registered
    seller_reg = Registration(
        session_id=sid,
        user_id=seller_admin.user.id,
        org_id=seller.id,
        paddle="900",
        deposit_amount=0,
        deposit_status="confirmed",
        payment_reference="x",
    )
    await seller_reg.save()
    r = await seller_view.post(
        f"/api/lots/{lot_id}/bids", json={"amount": 200_000}, headers={"Idempotency-Key": "shill-bid-0001"}
    )
    assert r.json()["reason"] == "own_lot"
    events = (await anon.get(f"/api/lots/{lot_id}/events?after_seq=0")).json()["events"]
    assert [e["seq"] for e in events] == [1]
    assert events[0]["event"]["lines"] == [{"paddle": "101", "amount": 100_000, "auto": False}]


async def test_buying_limit_counts_leading_lots(client: ApiClient) -> None:
    world = await make_world(client.app, lots=2, terms={"buying_limit": 300_000})
    user, _ = await make_bidder(client.app, world.session)
    token = await token_for(user)
    client.bearer = token
    a, b = world.lots
    r = await client.post(f"/api/lots/{a.id}/bids", json={"amount": 200_000}, headers={"Idempotency-Key": "limit-0001"})
    assert r.json()["status"] == "accepted"
    r = await client.post(f"/api/lots/{b.id}/bids", json={"amount": 200_000}, headers={"Idempotency-Key": "limit-0002"})
    assert r.json()["reason"] == "buying_limit"
    r = await client.post(f"/api/lots/{b.id}/bids", json={"amount": 100_000}, headers={"Idempotency-Key": "limit-0003"})
    assert r.json()["status"] == "accepted"


async def test_token_without_bid_scope_cannot_bid(client: ApiClient) -> None:
    world = await make_world(client.app)
    user, _ = await make_bidder(client.app, world.session)
    client.bearer = await token_for(user, ["read"])
    r = await client.post(
        f"/api/lots/{world.lots[0].id}/bids", json={"amount": 100_000}, headers={"Idempotency-Key": "scope-0001"}
    )
    assert r.status_code == 403


async def test_conditional_sale_seller_counter_buyer_accepts_and_sale_record(client: ApiClient) -> None:
    from auctions.services import actions
    from auctions.services.clock import now_ms
    from tests.support_auctions import set_end

    world = await make_world(client.app, reserve=500_000)
    lot = world.lots[0]
    user, reg = await make_bidder(client.app, world.session)
    services = client.app.state.services
    bidder = await world.principal(user)
    assert (await actions.place_bid(services, bidder, lot.id, "cond-0001", 300_000, now_ms()))["status"] == "accepted"
    await set_end(lot, now_ms() - 1)
    await close_due(services, lot.id)  # exactly once, whoever closes it
    assert (await Lot.get(id=lot.id)).status == "conditional"
    seller = await world.principal(world.seller_user)
    stranger = await world.principal((await make_bidder(client.app, world.session))[0])
    assert (await actions.decide(services, stranger, lot.id, "accept", None, now_ms()))["reason"] == "not_your_decision"
    r = await actions.decide(services, seller, lot.id, "counter", 400_000, now_ms())
    assert r["status"] == "accepted"
    from auctions.models import LotEvent

    countered = await LotEvent.filter(lot_id=lot.id).order_by("-seq").first()
    assert countered is not None
    assert countered.payload["type"] == "countered"
    summary = countered.payload["lot"]  # what every watcher gets: the window and the counter, no extra fetch
    assert (summary["status"], summary["counter"]) == ("countered", 400_000)
    assert summary["decision_deadline"] == (await Lot.get(id=lot.id)).state["decision_deadline"]
    r = await actions.decide(services, bidder, lot.id, "accept", None, now_ms())
    assert r["status"] == "accepted"
    sale = await SaleRecord.get(lot_id=lot.id)
    assert (sale.hammer_price, sale.buyer_premium, sale.buyer_paddle) == (400_000, 20_000, reg.paddle)
    assert (sale.buyer_user_id, sale.seller_org_id, sale.house_org_id) == (user.id, world.seller.id, world.house.id)
    client.bearer = await token_for(user)
    assert (await client.get(f"/api/lots/{lot.id}/sale")).json()["total"] == 420_000
    client.bearer = await token_for(await User.get(id=stranger.user_id))
    assert (await client.get(f"/api/lots/{lot.id}/sale")).status_code == 404


async def test_condition_report_change_cancels_proxies_and_tells_bidders(client: ApiClient) -> None:
    from auctions.models import LotEvent

    world = await make_world(client.app)
    lot = world.lots[0]
    leader, _ = await make_bidder(client.app, world.session)
    other, _ = await make_bidder(client.app, world.session)
    client.bearer = await token_for(leader)
    r = await client.post(
        f"/api/lots/{lot.id}/bids", json={"amount": 500_000, "proxy": True}, headers={"Idempotency-Key": "proxy-00001"}
    )
    assert r.json()["price"] == 100_000
    client.bearer = await token_for(other)
    r = await client.post(f"/api/lots/{lot.id}/condition-report", json={"condition_report": "左前门钣金"})
    assert r.json()["reason"] == "not_house_staff"
    client.bearer = await token_for(world.auctioneer)
    r = await client.post(
        f"/api/lots/{lot.id}/condition-report", json={"condition_report": "左前门钣金 / door repaint"}
    )
    assert r.json()["status"] == "accepted"
    event = await LotEvent.filter(lot_id=lot.id).order_by("-seq").first()
    assert event is not None
    assert event.payload["proxies_cancelled"] == [_.paddle for _ in [await Registration.get(user_id=leader.id)]]
    assert (await Lot.get(id=lot.id)).condition_report == "左前门钣金 / door repaint"
    client.bearer = await token_for(other)
    r = await client.post(
        f"/api/lots/{lot.id}/bids", json={"amount": 110_000}, headers={"Idempotency-Key": "after-00001"}
    )
    assert r.json()["leader"] != (await Registration.get(user_id=leader.id)).paddle  # the old maximum no longer answers


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/auction-sessions/abc"),
        ("POST", "/api/auction-sessions/1e3/publish"),
        ("DELETE", "/api/lots/abc"),
        ("GET", "/api/lots/1e3/sale"),
        ("POST", "/api/lots/x/decision"),
        ("POST", "/api/consignments/abc/withdraw"),
        ("POST", "/api/auction-registrations/%20/confirm-deposit"),
    ],
)
async def test_a_non_numeric_id_is_not_found_never_a_500(client: ApiClient, method: str, path: str) -> None:
    house = await make_org("auction_house")
    staff = await make_member(client.app, house, ["house_admin"])
    await client.login(staff.login)
    r = await client.request(method, path, json={"action": "accept"} if path.endswith("decision") else None)
    assert r.status_code == 404, r.text
    assert r.json()["error"]["code"]


async def test_conditional_sales_are_decided_by_selling_staff_with_the_right_scopes(client: ApiClient) -> None:
    import dataclasses

    from auctions.services import actions
    from auctions.services.clock import now_ms
    from marketplace.accounts.models import Membership
    from tests.support_auctions import set_end

    world = await make_world(client.app, reserve=500_000)
    lot = world.lots[0]
    user, _ = await make_bidder(client.app, world.session)
    services = client.app.state.services
    bidder = await world.principal(user)
    assert (await actions.place_bid(services, bidder, lot.id, "scope-0001", 300_000, now_ms()))["status"] == "accepted"
    await set_end(lot, now_ms() - 1)
    await close_due(services, lot.id)

    # A dealer's buyer-role member buys for it; they neither decide its sales nor see its reserves.
    shopper = await make_member(client.app, None, [], "shopper")
    await Membership.create(user_id=shopper.user.id, organisation_id=world.seller.id, roles=["buyer"])
    as_shopper = await world.principal(shopper.user)
    r = await actions.decide(services, as_shopper, lot.id, "decline", None, now_ms())
    assert (r["status"], r["reason"]) == ("rejected", "not_your_decision")
    client.bearer = await token_for(shopper.user)
    seen = (await client.get(f"/api/auction-sessions/{world.session.id}")).json()["lots"][0]
    assert "reserve_price" not in seen
    client.bearer = await token_for(world.seller_user)
    assert (await client.get(f"/api/auction-sessions/{world.session.id}")).json()["lots"][0]["reserve_price"] == 500_000

    # A token acts within its scopes: read-only never decides or runs the rostrum; accepting needs `bid`.
    seller = await world.principal(world.seller_user)
    read_only = dataclasses.replace(seller, scopes=frozenset({"read"}))
    r = await actions.decide(services, read_only, lot.id, "counter", 400_000, now_ms())
    assert (r["status"], r["reason"]) == ("rejected", "insufficient_scope")
    auctioneer = dataclasses.replace(await world.principal(world.auctioneer), scopes=frozenset({"read"}))
    r = await actions.control(services, auctioneer, lot.id, {"action": "pass"}, now_ms())
    assert (r["status"], r["reason"]) == ("rejected", "insufficient_scope")
    assert (await actions.decide(services, seller, lot.id, "counter", 400_000, now_ms()))["status"] == "accepted"
    no_bid = dataclasses.replace(bidder, scopes=frozenset({"read", "write"}))
    r = await actions.decide(services, no_bid, lot.id, "accept", None, now_ms())
    assert (r["status"], r["reason"]) == ("rejected", "insufficient_scope")
    assert (await Lot.get(id=lot.id)).status == "countered"  # nothing changed by any refusal
    assert (await actions.decide(services, bidder, lot.id, "accept", None, now_ms()))["status"] == "accepted"
