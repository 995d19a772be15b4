"""Deposits, the sweeper and defaults end to end: the real app, auctions' events, settlement's jobs.

The relay is stopped and each test hands the committed events to their subscribed jobs itself (`deliver`), so the
order is the test's; every job is idempotent, so a run by the app's own loops changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from auctions.models import SecondChanceOffer
from auctions.schemas import LotIn, SessionIn
from auctions.services import actions, catalogue, second_chance
from auctions.services.clock import now_ms
from marketplace.accounts.auth import principal_for_user
from marketplace.accounts.models import Penalty, User
from marketplace.errors import ApiError
from marketplace.settlement import holidays
from marketplace.settlement.domain import clocks as clock_rules
from marketplace.settlement.models import (
    Bar,
    Charge,
    CreditNote,
    Default,
    Deposit,
    DepositRefund,
    Invoice,
    LedgerEntry,
    Notice,
    Sale,
    SaleClock,
)
from marketplace.settlement.services import fees, ledger
from marketplace.settlement.services import sweeper as settlement_sweeper
from marketplace.settlement.services.invoices import LOCAL, local_day
from tests.e2e.settlement.test_settlement_api import login
from tests.support import ApiClient
from tests.support_auctions import make_bidder, make_consigned_vehicle, make_world, set_end
from tests.support_settlement import sale_events

TOPICS = ("auctions.deposit_confirmed", "auctions.lot_sold", "auctions.session_ended", "settlement.sale_defaulted")
RULES: dict[str, Any] = {
    "buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 500}],
    "seller_commission": [{"lower_fen": 0, "upper_fen": None, "flat_fen": 80_000}],
    "storage": {"daily_fen": 5_000, "free_working_days": 2},
    "late": {"flat_fen": 30_000},
    "default": {"grace_working_days": 2, "auto": True, "penalty_points": 4, "bar_days": 30,
                "second_chance_working_days": 2},
}  # fmt: skip


async def deliver(client: ApiClient) -> None:
    """What the relay does: every committed event of the topics above to each job subscribed to it."""
    services = client.app.state.services
    for topic in TOPICS:
        for event in await sale_events(topic):
            for job in services.subscriptions.get(topic, []):
                await services.registry.functions[job](event)


async def confirm(client: ApiClient, auctioneer: User, registration_id: int) -> None:
    await login(client, auctioneer)
    r = await client.post(f"/api/auction-registrations/{registration_id}/confirm-deposit")
    assert r.status_code == 200, r.text


async def sell(client: ApiClient, *, terms: dict[str, Any] | None = None, rules: dict[str, Any] | None = None) -> Any:
    """A session of one lot: L bids 200,000, W 300,000 and wins; both deposits confirmed by house staff (events)."""
    await client.app.state.services.relay.stop()
    world = await make_world(client.app, terms=terms, publish=False)
    admin = await world.principal(world.auctioneer)
    if rules is not None:
        await fees.create_version(admin, world.house.id, rules, datetime.now(UTC), "tariff", datetime.now(UTC))
    await catalogue.publish(admin, world.session.id)
    lot = world.lots[0]
    loser, loser_reg = await make_bidder(client.app, world.session, confirmed=False)
    winner, winner_reg = await make_bidder(client.app, world.session, confirmed=False)
    await confirm(client, world.auctioneer, loser_reg.id)
    await confirm(client, world.auctioneer, winner_reg.id)
    services = client.app.state.services
    for user, amount in ((loser, 200_000), (winner, 300_000)):
        principal = await principal_for_user(user)
        out = await actions.place_bid(services, principal, lot.id, f"b-{user.id}", amount, now_ms())
        assert out["status"] == "accepted", out
    await set_end(lot, now_ms() - 1)
    await actions.close_if_due(services, lot.id, now_ms())
    await second_chance.close_ended(datetime.now(UTC))
    await deliver(client)
    return world, lot, (loser, loser_reg), (winner, winner_reg)


async def test_deposits_refunded_after_the_session_once(client: ApiClient) -> None:
    world, _, (loser, loser_reg), (winner, _) = await sell(client)
    house = world.house.id
    deposits = {d.user_id: d for d in await Deposit.filter(house_org_id=house)}
    assert {u: d.amount_fen for u, d in deposits.items()} == {loser.id: 500_000, winner.id: 500_000}
    # The winner's deposit paid their invoice (315,000: hammer and 5 % premium), fees first.
    invoice = await Invoice.get(buyer_user_id=winner.id)
    assert (invoice.status, invoice.deposit_applied_fen) == ("paid", 315_000)

    first = await settlement_sweeper.sweep_once()
    assert first["refunds_opened"] == 2
    again = await settlement_sweeper.sweep_once()
    assert again["refunds_opened"] == 0  # a sweeper run twice opens nothing twice
    # Paid, and no storage in the terms: nothing more can accrue, so the sweeper no longer reads the invoice.
    assert (await SaleClock.get(sale_id=invoice.sale_id)).done
    refunds = {r.user_id: r for r in await DepositRefund.filter(house_org_id=house)}
    assert refunds[loser.id].amount_fen == 500_000
    assert refunds[winner.id].amount_fen == 185_000  # what the invoice did not take
    ended_on = local_day(datetime.now(UTC))
    assert refunds[loser.id].due_on == holidays.china().add_working_days(ended_on, 3)

    # The database holds "a deposit never leaves twice" too: a second refund row for one deposit is refused.
    with pytest.raises(IntegrityError):
        await DepositRefund.create(
            house_org_id=house, deposit_id=refunds[loser.id].deposit_id, user_id=loser.id, amount_fen=1,
            currency="CNY", rail="bank", due_on=ended_on,
        )  # fmt: skip

    await login(client, world.auctioneer)
    url = f"/api/houses/{house}/deposit-refunds/{refunds[loser.id].id}/complete"
    done = await client.post(url, json={"bank_reference": "ICBC 20261202 0099"})
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "done"
    replay = await client.post(url, json={"bank_reference": "ICBC  20261202 0099"})
    assert (replay.status_code, replay.json()["created"]) == (200, False)
    twice = await client.post(url, json={"bank_reference": "ICBC 20261202 0100"})
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "refund_already_recorded"
    party = f"user:{loser.id}/session:{world.session.id}"
    assert await ledger.balance(house, "deposits_held", party) == 0
    posted = await DepositRefund.get(id=refunds[loser.id].id)
    assert await LedgerEntry.filter(transaction_id=posted.transaction_id).count() == 2
    # The winner's remainder is still the house's liability until its refund is recorded.
    assert await ledger.balance(house, "deposits_held", f"user:{winner.id}/session:{world.session.id}") == 185_000

    await login(client, loser)
    mine = (await client.get("/api/me/deposits")).json()["items"]
    assert [(d["status"], d["refund"]["bank_reference"]) for d in mine] == [("refunded", "ICBC 20261202 0099")]
    kinds = [n["kind"] for n in (await client.get("/api/me/settlement-notices")).json()["items"]]
    assert kinds == ["refunded", "refund_due"]
    # The deposit came from the house's confirmation of that registration (auctions.deposit_confirmed).
    (confirmed,) = [e["payload"] for e in await sale_events("auctions.deposit_confirmed")
                    if e["payload"]["registration_id"] == loser_reg.id]  # fmt: skip
    assert (confirmed["user_id"], confirmed["amount_fen"], confirmed["rail"]) == (loser.id, 500_000, "bank")


def _noon(day: Any) -> datetime:
    return datetime.combine(day, time(12), LOCAL)


async def _defaulted(client: ApiClient) -> Any:
    world, lot, loser, winner = await sell(client, terms={"deposit": 100_000}, rules=RULES)
    invoice = await Invoice.get(buyer_user_id=winner[0].id)
    assert (invoice.total_fen, invoice.deposit_applied_fen, invoice.status) == (315_000, 100_000, "open")

    await login(client, world.auctioneer)  # house_admin too
    early = await client.post(f"/api/invoices/{invoice.id}/default", json={"reason": "unpaid"})
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "default_too_early"

    sale = await Sale.get(id=invoice.sale_id)
    d = clock_rules.deadlines(holidays.china(), local_day(sale.sold_at), invoice.due_date,
                              clock_rules.parse_terms(RULES["default"], None), 2)  # fmt: skip
    return world, lot, loser, winner, invoice, d


async def test_the_sweeper_posts_charges_and_declares_the_default_once(client: ApiClient) -> None:
    world, lot, (loser, loser_reg), (winner, winner_reg), invoice, d = await _defaulted(client)
    house = world.house.id
    # The reminder's day: a reminder and nothing else (nothing is late yet).
    reminded = await settlement_sweeper.sweep_once(_noon(d.reminder_on))
    assert (reminded["notices"], reminded["late"], reminded["defaults"]) == (1, 0, 0)
    # The day before the default: the overdue notice, the late fee once, storage for each day.
    before = await settlement_sweeper.sweep_once(_noon(d.default_on - timedelta(days=1)))
    assert before["late"] == 1
    assert before["defaults"] == 0
    storage_days = (d.default_on - timedelta(days=1) - d.storage_free_until).days  # type: ignore[operator]
    assert before["storage"] == storage_days
    on_the_day = await settlement_sweeper.sweep_once(_noon(d.default_on))
    assert (on_the_day["late"], on_the_day["storage"], on_the_day["defaults"]) == (0, 1, 1)
    entries = await LedgerEntry.all().count()
    notices = await Notice.all().count()
    repeat = await settlement_sweeper.sweep_once(_noon(d.default_on))
    assert (repeat["late"], repeat["storage"], repeat["defaults"], repeat["notices"]) == (0, 0, 0, 0)
    assert await LedgerEntry.all().count() == entries  # a sweeper run twice posts nothing twice
    assert await Notice.all().count() == notices
    charges = await Charge.filter(invoice_id=invoice.id)
    assert sorted((c.kind, c.ordinal) for c in charges) == [("late", 1)] + [
        ("storage", n) for n in range(1, storage_days + 2)
    ]

    # Cancelled by a credit note; the deposit forfeited; the waterfall's first step paid the house's costs.
    assert (await Invoice.get(id=invoice.id)).status == "void"
    assert await CreditNote.filter(invoice_id=invoice.id).exists()
    default = await Default.get(invoice_id=invoice.id)
    charged = sum(c.amount_fen for c in charges)
    assert default.forfeited_fen == 100_000
    assert default.house_costs_fen == min(100_000, charged + 15_000)  # charges, then the lost premium
    assert default.declared_by_user_id is None  # the sweeper, under the house's terms
    assert await ledger.balance(house, "deposits_held", f"user:{winner.id}/session:{world.session.id}") == 0
    assert await ledger.balance(house, "forfeiture_suspense") == 100_000 - default.house_costs_fen
    # 扣分 and the bar; the statistics are told the sale is gone.
    penalty = await Penalty.get(organisation_id=winner_reg.org_id)
    assert penalty.points == 4
    assert await Bar.filter(house_org_id=house, org_id=winner_reg.org_id).exists()
    (cancelled,) = [e["payload"] for e in await sale_events("settlement.sale_cancelled")]
    assert cancelled == {"source": "auction", "source_ref": lot.id, "sale_id": invoice.sale_id, "lot_id": lot.id,
                         "house_org_id": house, "reason": "default"}  # fmt: skip
    kinds = sorted(n.kind for n in await Notice.filter(user_id=winner.id, invoice_id=invoice.id))
    assert kinds == ["defaulted", "overdue", "reminder"]

    # The bar is enforced where bidders enter the house's sessions.
    other = await catalogue.create_session(
        await world.principal(world.auctioneer),
        SessionIn.model_validate(
            {"house_org_id": house, "title": "下一场", "kind": "online",
             "starts_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(), "terms": world.session.terms}
        ),
    )  # fmt: skip
    vehicle = await make_consigned_vehicle(world.seller, world.house, world.seller_user)
    await catalogue.add_lot(
        await world.principal(world.auctioneer), other.id,
        LotIn(vehicle_id=vehicle.id, starting_price=100_000),
    )  # fmt: skip
    await catalogue.publish(await world.principal(world.auctioneer), other.id)
    with pytest.raises(ApiError) as refused:
        await catalogue.register(
            await principal_for_user(winner), other.id, winner_reg.org_id, client.app.state.services.payments
        )
    assert (refused.value.status, refused.value.code) == (403, "barred_after_default")
    # Another bidder of the same session, not barred, registers.
    ok = await catalogue.register(
        await principal_for_user(loser), other.id, loser_reg.org_id, client.app.state.services.payments
    )
    assert ok.session_id == other.id

    # The second-highest bidder is offered the lot at their last bid, and accepts: a new sale and invoice.
    await deliver(client)
    offer = await SecondChanceOffer.get(default_id=default.id)
    assert (offer.user_id, offer.amount, offer.status) == (loser.id, 200_000, "offered")
    await login(client, loser)
    listed = (await client.get("/api/me/second-chance-offers")).json()["items"]
    assert [o["offer_id"] for o in listed] == [offer.id]
    accepted = await client.post(f"/api/second-chance-offers/{offer.id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    await deliver(client)
    resale = await Sale.get(source="resale", source_ref=offer.id)
    assert (resale.buyer_user_id, resale.hammer_fen, resale.lot_id) == (loser.id, 200_000, lot.id)
    assert (await Invoice.get(sale_id=resale.id)).total_fen == 210_000
    closed = await Default.get(id=default.id)
    left = 100_000 - default.house_costs_fen
    assert (closed.status, closed.resale_sale_id) == ("closed", resale.id)
    assert closed.shortfall_fen == min(left, 100_000)  # the re-sale fetched 100,000 less
    assert closed.shortfall_fen + closed.rest_fen == left
    assert await ledger.balance(house, "forfeiture_suspense") == 0


async def test_an_unaccepted_offer_expires_and_the_house_closes_the_default(client: ApiClient) -> None:
    world, _, (loser, _), _, invoice, d = await _defaulted(client)
    await settlement_sweeper.sweep_once(_noon(d.default_on))
    default = await Default.get(invoice_id=invoice.id)
    await deliver(client)
    offer = await SecondChanceOffer.get(default_id=default.id)
    assert await second_chance.expire_due(offer.deadline + timedelta(seconds=1)) == 1
    assert (await SecondChanceOffer.get(id=offer.id)).status == "expired"
    await login(client, loser)
    late = await client.post(f"/api/second-chance-offers/{offer.id}/accept")
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "offer_not_open"
    # Relisted elsewhere without a re-sale yet: the house closes the default; the rest goes to the house.
    await login(client, world.auctioneer)
    r = await client.post(f"/api/houses/{world.house.id}/defaults/{default.id}/close", json={"resale_hammer_fen": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["shortfall_fen"]) == ("closed", 0)
    assert body["rest_fen"] == 100_000 - default.house_costs_fen
    assert await ledger.balance(world.house.id, "forfeiture_income") == body["rest_fen"]
    again = await client.post(f"/api/houses/{world.house.id}/defaults/{default.id}/close", json={})
    assert again.json()["error"]["code"] == "default_closed"
