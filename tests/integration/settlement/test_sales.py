"""From a sale event to the buyer's invoice and the house's books, on both profiles.

The relay is stopped: each test hands the committed event to settlement's consumer itself, as the relay would,
so deliveries (and redeliveries) happen exactly when the test says.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from auctions.models import Lot
from listings.models import Vehicle
from marketplace.accounts.auth import principal_for_user
from marketplace.settlement.domain.invoices import deposit_party
from marketplace.settlement.models import Invoice, LedgerEntry, LedgerTransaction, Receipt, Sale, SessionPin
from marketplace.settlement.services import fees, invoices, ledger, sales
from tests.conftest import PG_URL
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support import ApiClient, make_member, make_org, make_user
from tests.support_settlement import sale_events, sell_lot

SCHEDULE: dict[str, Any] = {
    "buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 400, "min_fen": 20_000}],
    "seller_commission": [{"lower_fen": 0, "upper_fen": None, "flat_fen": 30_000}],
    "fixed": [{"kind": "document", "side": "buyer", "amount_fen": 5_000}],
    "vat_bp": 600,
    "payment_days": 3,
}


TODAY = datetime.now(UTC).date()


@pytest.fixture
async def quiet(client: ApiClient) -> ApiClient:
    await client.app.state.services.relay.stop()
    return client


async def publish_schedule(world: Any, rules: dict[str, Any], effective_from: datetime | None = None) -> Any:
    principal = await principal_for_user(world.auctioneer)
    now = datetime.now(UTC)
    return await fees.create_version(principal, world.house.id, rules, effective_from or now, "", now)


async def test_a_sold_lot_becomes_an_invoice_with_the_deposit_applied(quiet: ApiClient) -> None:
    sold = await sell_lot(quiet.app, hammer=300_000)
    world, event = sold["world"], sold["event"]
    payload = event["payload"]
    # The event carries every figure settlement needs.
    assert payload["house_org_id"] == world.house.id
    assert payload["seller_org_id"] == world.seller.id
    assert payload["buyer_user_id"] == sold["buyer"].id
    assert payload["session_id"] == world.session.id
    assert (payload["hammer_fen"], payload["deposit_fen"], payload["currency"]) == (300_000, 500_000, "CNY")
    assert payload["premium_terms"] == [[0, 500, 0], [10_000_000, 300, 50_000]]
    assert payload["buyer_premium_fen"] == 15_000
    assert payload["sold_at"].endswith("+00:00")

    assert await sales.consume(event) is True
    assert await sales.consume(event) is False  # a redelivery does nothing
    invoice = await Invoice.get(buyer_user_id=sold["buyer"].id)
    # No fee schedule: the session's own premium table for the buyer (5 % below 10万), 5 % statutory for the seller.
    assert invoice.total_fen == 315_000
    assert invoice.lines == [
        {"kind": "hammer", "category": "price", "amount_fen": 300_000, "paid_fen": 300_000},
        {"kind": "buyer_premium", "category": "fee", "amount_fen": 15_000, "paid_fen": 15_000},
    ]
    assert (invoice.deposit_applied_fen, invoice.paid_fen, invoice.status) == (315_000, 315_000, "paid")
    assert invoice.number == f"{invoice.year}-{world.house.id:05d}-000001"
    sold_on = invoices.local_day((await Sale.get(id=invoice.sale_id)).sold_at)
    assert invoice.due_date > sold_on
    assert (invoice.due_date - sold_on) <= timedelta(days=14)
    house = world.house.id
    assert await ledger.balance(house, "deposits_held", deposit_party(sold["buyer"].id, world.session.id)) == 185_000
    assert await ledger.balance(house, "buyer_receivable", f"user:{sold['buyer'].id}") == 0
    assert await ledger.balance(house, "seller_payable", f"org:{world.seller.id}") == 285_000
    assert (
        await ledger.balance(house, "fee_income.buyer_premium")
        + await ledger.balance(house, "fee_income.seller_commission")
        + await ledger.balance(house, "vat_payable")
        == 30_000
    )
    assert await LedgerTransaction.filter(house_org_id=house).count() == 3  # sale, deposit lodged, deposit applied
    await assert_books_consistent()


async def test_the_sale_keeps_the_session_and_lot_titles_and_an_older_event_has_none(quiet: ApiClient) -> None:
    sold = await sell_lot(quiet.app, hammer=300_000)
    world, event = sold["world"], sold["event"]
    lot = await Lot.get(session_id=world.session.id)
    vehicle = await Vehicle.get(id=lot.vehicle_id)
    expected = " ".join(p for p in (vehicle.make, vehicle.model, vehicle.series) if p)
    assert (event["payload"]["session_title"], event["payload"]["lot_title"]) == (world.session.title, expected)
    assert await sales.consume(event)
    sale = await Sale.get(lot_id=lot.id)
    assert (sale.session_title, sale.lot_title) == (world.session.title, expected)
    # An event recorded before the titles were carried still settles, with empty titles.
    older = {
        **event,
        "event_id": str(uuid.uuid4()),
        "payload": {k: v for k, v in event["payload"].items() if k not in ("session_title", "lot_title")},
    }
    older["payload"]["lot_id"] = lot.id + 1000
    assert await sales.consume(older)
    old_sale = await Sale.get(lot_id=lot.id + 1000)
    assert (old_sale.session_title, old_sale.lot_title) == ("", "")


async def test_the_session_pins_the_schedule_in_force_when_published(quiet: ApiClient) -> None:
    from tests.support_auctions import make_world

    first = await sell_lot(quiet.app)  # a house with no schedule: the session pinned none
    pin = await SessionPin.get(session_id=first["world"].session.id)
    assert pin.fee_schedule_id is None
    assert pin.premium == [[0, 500, 0], [10_000_000, 300, 50_000]]

    world = await make_world(quiet.app, publish=False)
    schedule = await publish_schedule(world, SCHEDULE)
    from auctions.services import catalogue

    await catalogue.publish(await world.principal(world.auctioneer), world.session.id)
    assert (await SessionPin.get(session_id=world.session.id)).fee_schedule_id == schedule.id
    # A later version (effective now, after publication) does not change the session's terms.
    await publish_schedule(world, {**SCHEDULE, "buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 900}]})
    est, used, basis = await fees.estimate(world.house.id, 1_000_000, datetime.now(UTC), world.session.id)
    assert (used.id if used else None, basis) == (schedule.id, "session")
    assert [(c.kind, c.amount_fen) for c in est.buyer_charges] == [("buyer_premium", 40_000), ("document", 5_000)]
    house_now, latest, _ = await fees.estimate(world.house.id, 1_000_000, datetime.now(UTC) + timedelta(seconds=1))
    assert latest is not None
    assert latest.version == 2
    assert house_now.buyer_charges[0].amount_fen == 90_000


async def test_a_fee_schedule_cannot_take_effect_in_the_past(quiet: ApiClient) -> None:
    from marketplace.errors import Conflict
    from tests.support_auctions import make_world

    world = await make_world(quiet.app, publish=False)
    with pytest.raises(Conflict) as exc:
        await publish_schedule(world, SCHEDULE, datetime.now(UTC) - timedelta(days=1))
    assert exc.value.code == "effective_in_past"


async def test_invoice_numbers_are_gapless_per_house_and_year(quiet: ApiClient) -> None:
    first = await sell_lot(quiet.app)
    house = first["world"].house
    # More sales of the same house, as events (the consumer does not care where the figures came from).
    events = [first["event"]]
    for i in range(1, 6):
        ev = {**first["event"], "event_id": f"00000000-0000-4000-8000-{i:012d}"}
        ev["payload"] = {**first["event"]["payload"], "lot_id": 900_000 + i, "deposit_fen": 0}
        events.append(ev)
    if PG_URL:
        await asyncio.gather(*(sales.consume(e) for e in events))  # concurrently: the counter serialises them
    else:
        for e in events:
            await sales.consume(e)
    seqs = sorted(i.seq for i in await Invoice.filter(house_org_id=house.id))
    assert seqs == [1, 2, 3, 4, 5, 6]
    assert len({i.number for i in await Invoice.filter(house_org_id=house.id)}) == 6
    await assert_books_consistent()


async def test_an_accepted_offer_is_invoiced_in_the_dealers_own_books(quiet: ApiClient) -> None:
    dealer = await make_org("dealer")
    buyer = await make_user(quiet.app, "offerbuyer")
    event = {
        "event_id": "00000000-0000-4000-8000-00000000abcd",
        "topic": "listing.sale_recorded",
        "payload": {"sale_id": 77, "listing_id": 5, "buyer_user_id": buyer.id, "seller_org_id": dealer.id,
                    "price_fen": 8_800_000, "sold_at": "2026-09-30T02:00:00+00:00", "house_org_id": dealer.id,
                    "vehicle_id": 9, "offer_id": 3, "buyer_org_id": None, "deposit_fen": 0, "currency": "CNY"},
        "created_at": "2026-09-30T02:00:00+00:00",
    }  # fmt: skip
    assert await sales.consume(event)
    invoice = await Invoice.get(house_org_id=dealer.id)
    assert (invoice.total_fen, invoice.status, invoice.number) == (8_800_000, "open", f"2026-{dealer.id:05d}-000001")
    assert invoice.due_date == date(2026, 10, 10)  # 3 working days after Sep 30, past 国庆, on a make-up Saturday
    assert await ledger.balance(dealer.id, "vehicle_sales") == 8_800_000
    assert await ledger.balance(dealer.id, "buyer_receivable", f"user:{buyer.id}") == 8_800_000


async def _open_invoice(quiet: ApiClient) -> tuple[Any, Invoice]:
    sold = await sell_lot(quiet.app, hammer=300_000)
    event = sold["event"]
    event["payload"] = {**event["payload"], "deposit_fen": 0}  # no deposit: the whole invoice is open
    await sales.consume(event)
    return sold, await Invoice.get(buyer_user_id=sold["buyer"].id)


async def test_receipts_pay_fees_first_then_the_price_and_an_overpayment_is_credit(quiet: ApiClient) -> None:
    sold, invoice = await _open_invoice(quiet)
    staff = await principal_for_user(sold["world"].auctioneer)
    house = sold["world"].house.id
    today = TODAY
    first, new = await invoices.record_receipt(staff, house, invoice.id, "CMB 2026 0001", 20_000, today,
                                               datetime.now(UTC))  # fmt: skip
    assert new
    assert first.allocation == [["buyer_premium", 15_000], ["hammer", 5_000]]
    again, new = await invoices.record_receipt(staff, house, invoice.id, "CMB  2026 0001", 20_000, today,
                                               datetime.now(UTC))  # fmt: skip
    assert not new
    assert again.id == first.id
    from marketplace.errors import Conflict

    with pytest.raises(Conflict) as used:
        await invoices.record_receipt(staff, house, invoice.id, "CMB 2026 0001", 25_000, today, datetime.now(UTC))
    assert used.value.code == "receipt_reference_used"
    second, _ = await invoices.record_receipt(staff, house, invoice.id, "CMB 2026 0002", 300_000, today,
                                              datetime.now(UTC))  # fmt: skip
    assert (second.applied_fen, second.credit_fen) == (295_000, 5_000)
    invoice = await Invoice.get(id=invoice.id)
    assert (invoice.status, invoice.paid_fen) == ("paid", 315_000)
    buyer = f"user:{sold['buyer'].id}"
    assert await ledger.balance(house, "buyer_receivable", buyer) == 0
    assert await ledger.balance(house, "buyer_credit", buyer) == 5_000
    assert await ledger.balance(house, "bank_clearing") == 320_000
    assert await Receipt.filter(house_org_id=house).count() == 2
    await assert_books_consistent()


async def test_only_the_houses_staff_record_receipts(quiet: ApiClient) -> None:
    from marketplace.errors import NotFound

    sold, invoice = await _open_invoice(quiet)
    other_house = await make_org("auction_house")
    outsider = (await make_member(quiet.app, other_house, ["house_admin"], "rival")).user
    with pytest.raises(NotFound):
        await invoices.record_receipt(await principal_for_user(outsider), sold["world"].house.id, invoice.id, "X1",
                                      1_000, TODAY, datetime.now(UTC))  # fmt: skip
    assert await LedgerEntry.filter(transaction_id__in=[]).count() == 0
    assert await Receipt.all().count() == 0


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_receipts_recorded_at_once_never_overapply_an_invoice(
    quiet: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A receipt that read the invoice before another committed, and the buyer's receivable after, was once refused
    # ("would fall below zero") instead of taking what was left. A pause before each posting opens that window wide.
    post = ledger.post
    for round_ in range(3):
        sold, invoice = await _open_invoice(quiet)
        staff = await principal_for_user(sold["world"].auctioneer)
        house = sold["world"].house.id
        pauses = iter([0.0, 0.15, 0.3, 0.05, 0.2, 0.1])

        async def slow_post(*args: Any, pauses: Any = pauses, **kwargs: Any) -> Any:
            await asyncio.sleep(next(pauses, 0.0))
            return await post(*args, **kwargs)

        monkeypatch.setattr(ledger, "post", slow_post)
        results = await asyncio.gather(
            *(
                invoices.record_receipt(
                    staff, house, invoice.id, f"RACE-{round_}-{i}", 100_000, TODAY, datetime.now(UTC)
                )  # fmt: skip
                for i in range(6)
            )
        )
        monkeypatch.setattr(ledger, "post", post)
        assert sum(r.applied_fen for r, _ in results) == 315_000
        assert sum(r.credit_fen for r, _ in results) == 6 * 100_000 - 315_000
        invoice = await Invoice.get(id=invoice.id)
        assert (invoice.paid_fen, invoice.status) == (315_000, "paid")
        assert await ledger.balance(house, "buyer_receivable", f"user:{sold['buyer'].id}") == 0
    await assert_books_consistent()


async def test_every_sale_event_committed_is_settled_once(quiet: ApiClient) -> None:
    await sell_lot(quiet.app)
    await sell_lot(quiet.app)
    for e in await sale_events("auctions.lot_sold"):
        await sales.consume(e)
        await sales.consume(e)
    assert await Invoice.all().count() == 2
    assert await Sale.all().count() == 2


async def test_voiding_an_invoice_keeps_its_number_and_reverses_its_postings(quiet: ApiClient) -> None:
    from marketplace.errors import Conflict
    from marketplace.settlement.models import CreditNote

    sold = await sell_lot(quiet.app, hammer=300_000)
    await sales.consume(sold["event"])
    world, buyer = sold["world"], sold["buyer"]
    invoice = await Invoice.get(buyer_user_id=buyer.id)
    assert invoice.deposit_applied_fen == 315_000
    admin = await principal_for_user(world.auctioneer)  # auctioneer and house_admin
    voided = await invoices.void_invoice(admin, invoice.id, "the seller withdrew the vehicle", datetime.now(UTC))
    assert (voided.status, voided.number) == ("void", invoice.number)
    note = await CreditNote.get(invoice_id=invoice.id)
    assert note.number == f"CN-{TODAY.year}-{world.house.id:05d}-000001"
    assert note.amount_fen == 315_000
    house = world.house.id
    # The whole deposit is the bidder's again; nothing is owed either way; income and VAT are back to zero.
    assert await ledger.balance(house, "deposits_held", deposit_party(buyer.id, world.session.id)) == 500_000
    for code, party in [("buyer_receivable", f"user:{buyer.id}"), ("seller_payable", f"org:{world.seller.id}"),
                        ("fee_income.buyer_premium", ""), ("vat_payable", "")]:  # fmt: skip
        assert await ledger.balance(house, code, party) == 0, code
    with pytest.raises(Conflict) as twice:
        await invoices.void_invoice(admin, invoice.id, "again", datetime.now(UTC))
    assert twice.value.code == "invoice_void"
    with pytest.raises(Conflict) as late:
        await invoices.record_receipt(admin, house, invoice.id, "LATE-1", 1_000, TODAY, datetime.now(UTC))
    assert late.value.code == "invoice_void"
    assert await LedgerTransaction.filter(house_org_id=house).count() == 5  # 3 postings, 2 reversals
    await assert_books_consistent()


async def test_an_invoice_with_receipts_is_not_voided(quiet: ApiClient) -> None:
    from marketplace.errors import Conflict

    sold, invoice = await _open_invoice(quiet)
    staff = await principal_for_user(sold["world"].auctioneer)
    await invoices.record_receipt(staff, sold["world"].house.id, invoice.id, "PAID-1", 1_000, TODAY, datetime.now(UTC))
    with pytest.raises(Conflict) as refused:
        await invoices.void_invoice(staff, invoice.id, "no", datetime.now(UTC))
    assert refused.value.code == "invoice_has_receipts"
    assert (await Invoice.get(id=invoice.id)).status == "open"
