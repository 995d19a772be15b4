"""`marketplace demo` leaves a live auction with simulated bidders that a newcomer can join at once."""

from __future__ import annotations

from auctions.demo import DEMO_TITLE, DemoBidders
from auctions.models import AuctionSession, Bid, Consignment, Lot, Registration
from marketplace.accounts.models import User
from marketplace.demo import load_demo
from tests.support import ApiClient
from tests.support_auctions import set_end


async def test_demo_session_is_live_and_simulated_bidders_bid(client: ApiClient) -> None:
    services = client.app.state.services
    await load_demo(services.hasher, stats=False)
    session = await AuctionSession.get(status="published", title=DEMO_TITLE)
    lots = await Lot.filter(session_id=session.id)
    assert lots
    assert all(lot.status == "open" for lot in lots)
    # the demo follows the consignment rule: every lot is backed by its seller's consignment to the house
    used = await Consignment.filter(lot_id__in=[lot.id for lot in lots], status="used")
    assert sorted(c.vehicle_id for c in used) == sorted(lot.vehicle_id for lot in lots)
    assert {c.house_org_id for c in used} == {session.house_org_id}
    assert {c.seller_org_id for c in used} == {lot.seller_org_id for lot in lots}
    staff = await User.get(email="staff@demo.cn")
    reg = await Registration.get(session_id=session.id, user_id=staff.id)
    assert reg.deposit_status == "confirmed"  # the newcomer may bid straight away

    bidders = DemoBidders(services, seed=7)
    for _ in range(6):
        assert await bidders.tick()
    assert await Bid.filter(lot_id__in=[lot.id for lot in lots]).count() > 0

    await client.login("staff@demo.cn", "demo-pass-2026")
    lot = lots[0]
    fresh = await Lot.get(id=lot.id)
    from auctions.domain import lot as engine
    from auctions.domain.lot import LotState
    from auctions.domain.terms import engine_terms

    terms = engine_terms("online", session.terms, fresh.starting_price, fresh.reserve_price, None)
    minimum = engine.next_minimum(LotState.from_json(fresh.state), terms)
    r = await client.post(
        f"/api/lots/{lot.id}/bids", json={"amount": minimum}, headers={"Idempotency-Key": "newcomer-1"}
    )
    assert r.json()["status"] == "accepted", r.json()

    # when every lot has closed, the demo lists the vehicles again in a fresh session
    from auctions.services.clock import now_ms

    for lot in lots:
        await set_end(lot, now_ms() - 1)
        from auctions.services import actions

        await actions.close_if_due(services, lot.id, now_ms())
    assert await bidders.tick()
    newest = await AuctionSession.filter(status="published", title=DEMO_TITLE).order_by("-id").first()
    assert newest is not None
    assert newest.id != session.id
    assert await Lot.filter(session_id=newest.id, status="open").count() == len(lots)
    relisted = await Lot.filter(session_id=newest.id).values_list("id", flat=True)
    assert await Consignment.filter(lot_id__in=list(relisted), status="used").count() == len(lots)


async def test_ended_demo_sessions_do_not_pile_up(client: ApiClient) -> None:
    from auctions import demo
    from auctions.services import actions
    from auctions.services.clock import now_ms

    services = client.app.state.services
    # The app's own simulated bidders may have started on the previous test's demo session (before the tables
    # were emptied) and would bid on this one meanwhile: a bid below reserve leaves a lot "conditional", and a
    # session with such a lot is not ended, so the count below would depend on timing. This test drives them.
    for loop in services.loops:
        if isinstance(loop, DemoBidders):
            await loop.stop()
    await load_demo(services.hasher, stats=False)
    bidders = DemoBidders(services, seed=3)
    first = await AuctionSession.get(status="published", title=demo.DEMO_TITLE)
    for _ in range(4):  # four rounds: every lot closes, the demo relists
        latest = await AuctionSession.filter(title=demo.DEMO_TITLE).order_by("-id").first()
        assert latest is not None
        for lot in await Lot.filter(session_id=latest.id):
            await set_end(lot, now_ms() - 1)
            await actions.close_if_due(services, lot.id, now_ms())
        assert await bidders.tick()
    sessions = await AuctionSession.filter(title=demo.DEMO_TITLE).order_by("id")
    # the live one and the two most recent ended ones; the oldest rounds are gone with their lots
    assert len(sessions) == 1 + demo.KEEP_ENDED
    assert first.id not in [s.id for s in sessions]
    assert not await Lot.filter(session_id=first.id).exists()
    calendar = (await client.fork().get("/api/auction-sessions")).json()["items"]
    assert [s["phase"] for s in calendar if s["title"] == demo.DEMO_TITLE] == ["live", "ended", "ended"]
    # beside them, the demo history's two past sessions (auctions/demo_history.py), ended long ago and kept
    assert [s["phase"] for s in calendar if s["title"] != demo.DEMO_TITLE] == ["ended", "ended"]
    # the live session's lots are still backed by consignments, and its vehicles engaged
    live = sessions[-1]
    lots = await Lot.filter(session_id=live.id, status="open")
    assert lots
    assert await Consignment.filter(lot_id__in=[lot.id for lot in lots], status="used").count() == len(lots)
