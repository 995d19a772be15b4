"""`marketplace demo` shows settlement at work: two past sessions of the demo house, held and closed through the
auction services, and their sales settled through settlement's services into every state a visitor should see."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from auctions.models import AuctionSession, Lot, SecondChanceOffer, SessionClosure
from listings.models import Vehicle
from marketplace.accounts.models import Membership, User
from marketplace.demo import DEMO_PASSWORD, HISTORY_CARS, load_demo
from marketplace.outbox.models import OutboxEvent
from marketplace.settlement.models import Default, Invoice, LedgerTransaction, Payout, Sale, Transfer
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support import ApiClient

HISTORY = "Online used-car auction"


async def _quiet_load(client: ApiClient) -> None:
    """The demo as `marketplace demo` loads it: nothing else running (no relay, no sweepers, no demo bidders)."""
    services = client.app.state.services
    await services.relay.stop()
    for loop in services.loops:
        await loop.stop()
    await load_demo(services.hasher, files=services.files, stats=False)


async def _sales() -> dict[str, Sale]:
    out = {}
    for key, car in HISTORY_CARS.items():
        vehicle = await Vehicle.get(make=car[1], model=car[2], series=car[3])
        lot = await Lot.get(vehicle_id=vehicle.id)
        out[key] = await Sale.get(source="auction", source_ref=lot.id)
    return out


async def _as(client: ApiClient, email: str) -> ApiClient:
    c = client.fork()
    await c.login(email, DEMO_PASSWORD)
    return c


async def test_the_demo_history_shows_every_state_after_the_hammer(client: ApiClient) -> None:
    await _quiet_load(client)
    now = datetime.now(UTC)
    # Two past sessions, held and closed: every lot sold by the clock, the session's end recorded.
    past = await AuctionSession.filter(title__contains=HISTORY).order_by("starts_at")
    assert len(past) == 2
    for session in past:
        assert session.starts_at < now
        lots = await Lot.filter(session_id=session.id)
        assert lots
        assert {lot.status for lot in lots} == {"sold"}
        assert await SessionClosure.exists(session_id=session.id)
    s = await _sales()
    assert {k: v.session_id for k, v in s.items()} == {
        **dict.fromkeys(("paid_out", "payout_due", "defaulted", "overdue"), past[0].id),
        **dict.fromkeys(("part_paid", "unpaid", "disputed"), past[1].id),
    }
    assert all(sale.sold_at < now for sale in s.values())
    # The titles came with the sale event and are kept on the sale.
    assert s["paid_out"].session_title == past[0].title
    assert s["paid_out"].lot_title == "大众 迈腾 380TSI 豪华型"
    # The sales were the auction services' own: each from an `auctions.lot_sold` event in the outbox.
    sold = [e.payload for e in await OutboxEvent.filter(topic="auctions.lot_sold")]
    assert {int(p["lot_id"]) for p in sold} >= {sale.lot_id for sale in s.values()}

    house = s["paid_out"].house_org_id
    buyer = await User.get(email="buyer@demo.cn")
    dealer = await Membership.get(user__email="dealer@demo.cn")

    # buyer@demo.cn: the overdue invoice (late fee posted), the part-paid one and the unpaid one within its clock.
    b = await _as(client, "buyer@demo.cn")
    mine = {i["sale_id"]: i for i in (await b.get("/api/me/invoices?limit=100")).json()["items"]}
    overdue = mine[s["overdue"].id]
    assert (overdue["status"], overdue["overdue"], overdue["paid_fen"]) == ("open", True, 0)
    clocks = (await b.get(f"/api/invoices/{overdue['id']}/clocks")).json()
    assert [(c["kind"], c["amount_fen"]) for c in clocks["charges"]] == [("late", 50_000)]
    part = mine[s["part_paid"].id]
    deposit = part["deposit_applied_fen"]
    assert part["status"] == "open"
    assert not part["overdue"]
    assert deposit < part["paid_fen"] < part["total_fen"]
    assert part["session_title"] == past[1].title
    assert part["lot_title"] == "丰田 卡罗拉 1.2T 精英版"
    unpaid = mine[s["unpaid"].id]
    assert (unpaid["status"], unpaid["overdue"], unpaid["paid_fen"]) == ("open", False, 0)
    assert unpaid["due_date"] >= now.date().isoformat()
    paid = mine[s["paid_out"].id]
    assert (paid["status"], paid["balance_due_fen"]) == ("paid", 0)
    # the invoice's premium is the one on the 成交确认书 (the fee schedule follows the session's premium table)
    premium = next(line["amount_fen"] for line in paid["lines"] if line["kind"] == "buyer_premium")
    assert premium == s["paid_out"].reported_premium_fen
    # The 成交确认书 names the session and the lot.
    pdf = await b.get(f"/api/invoices/{paid['id']}/confirmation.pdf?bilingual=true")
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "渝拍二手车网络拍卖会" in text
    assert "迈腾" in text
    # ... and the 过户 of the paid vehicle is done, and its payout made.
    transfer = (await b.get(f"/api/sales/{s['paid_out'].id}/transfer")).json()
    assert (transfer["status"], transfer["outcome"]) == ("done", "cross_province")
    # The under-bidder of the defaulted lot has the second-chance offer, open.
    [offer] = (await b.get("/api/me/second-chance-offers")).json()["items"]
    assert (offer["lot_id"], offer["status"]) == (s["defaulted"].lot_id, "offered")
    assert datetime.fromisoformat(offer["deadline"]) > now

    # house@demo.cn: the default, the dispute, and the consignor's statement with the paid and the due payouts.
    h = await _as(client, "house@demo.cn")
    [default] = (await h.get(f"/api/houses/{house}/defaults")).json()["items"]
    assert default["sale_id"] == s["defaulted"].id
    assert default["forfeited_fen"] == 500_000  # the defaulter's whole deposit (the session's terms)
    assert (await Invoice.get(sale_id=s["defaulted"].id)).status == "void"
    [dispute] = (await h.get(f"/api/houses/{house}/disputes")).json()["items"]
    assert (dispute["sale_id"], dispute["status"]) == (s["disputed"].id, "open")
    assert (await Sale.get(id=s["disputed"].id)).clocks_paused_since is not None
    statement = (await h.get(f"/api/houses/{house}/sellers/{dealer.organisation_id}/payout-statement")).json()
    states = {line["sale_id"]: line["state"] for line in statement["lines"]}
    assert (states[s["paid_out"].id], states[s["payout_due"].id]) == ("paid", "due")
    due = (await h.get(f"/api/sales/{s['payout_due'].id}/payout")).json()
    assert (due["state"], due["waiting"]) == ("due", [])
    assert due["figures"]["amount_fen"] > 0
    # Bidders who won nothing have their deposits' refunds due (the sweeper's pass), e.g. dealer@demo.cn's.
    refunds = (await h.get(f"/api/houses/{house}/deposit-refunds?status=due")).json()["items"]
    dealer_user = await User.get(email="dealer@demo.cn")
    assert [r["amount_fen"] for r in refunds if r["user_id"] == dealer_user.id] == [500_000]
    payout = await Payout.get(sale_id=s["paid_out"].id)
    assert payout.paid_on < now.date()
    # dealer@demo.cn (the consignor of the earlier session) sees the same statement.
    d = await _as(client, "dealer@demo.cn")
    mine_as_seller = (await d.get(f"/api/houses/{house}/sellers/{dealer.organisation_id}/payout-statement")).json()
    assert {line["sale_id"]: line["state"] for line in mine_as_seller["lines"]} == states
    # staff@demo.cn (the disputing buyer) sees the dispute.
    st = await _as(client, "staff@demo.cn")
    assert (await st.get(f"/api/disputes/{dispute['id']}")).status_code == 200

    # The books are whole: every transaction balanced, the trial balance zero.
    await assert_books_consistent()
    assert await LedgerTransaction.filter(house_org_id=house, kind="payout").count() == 1
    assert await Default.filter(house_org_id=house).count() == 1
    assert await Transfer.filter(house_org_id=house).count() == 3  # handed over: paid out, payout due, disputed
    assert buyer.id == (await Sale.get(id=s["part_paid"].id)).buyer_user_id


async def test_the_demo_loads_once_into_an_empty_database(client: ApiClient) -> None:
    from marketplace.demo import database_is_empty

    await _quiet_load(client)
    assert not await database_is_empty()  # `marketplace demo` loads nothing more into this database
    first: Any = await Sale.all().count()
    # The relay delivering the demo's events later (as the app does when it starts) changes nothing.
    services = client.app.state.services
    for topic in ("auctions.lot_sold", "auctions.session_ended", "settlement.sale_defaulted"):
        for event in await OutboxEvent.filter(topic=topic).order_by("id"):
            from marketplace.outbox.events import envelope

            for job in services.subscriptions.get(topic, []):
                await services.registry.functions[job](envelope(event))
    assert await Sale.all().count() == first
    assert await SecondChanceOffer.all().count() == 1
    await assert_books_consistent()
