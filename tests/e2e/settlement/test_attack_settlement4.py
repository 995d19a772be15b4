"""A fourth attack on settlement's money: an invoice a deposit paid in full voided after its vehicle left the yard
(the deposit back to the buyer, the consignor's payable reversed after the payout), and the others below. A 4xx with a
stable code; nothing posted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from marketplace.accounts.auth import principal_for_user
from marketplace.errors import ApiError
from marketplace.settlement.models import (
    BankLine,
    BuyerRefund,
    DepositRefund,
    GatePass,
    Invoice,
    LedgerTransaction,
    Payout,
    Receipt,
    Sale,
)
from marketplace.settlement.services import handover, invoices, ledger, payouts, refunds, sales
from marketplace.settlement.services import sweeper as settlement_sweeper
from tests.conftest import PG_URL
from tests.e2e.settlement.handover_world import SELLER_NET, TOTAL, World, build, run_jobs, sold_event
from tests.e2e.settlement.test_attack_bank import import_ns, queued
from tests.e2e.settlement.test_bank_desk_api import other_bank_csv, staff
from tests.e2e.settlement.test_deposits_defaults import sell
from tests.e2e.settlement.test_settlement_api import login
from tests.support import ApiClient
from tests.support_bank import make_invoice


async def _paid_by_deposit_and_handed_over(client: ApiClient) -> World:
    w = await build(client, deposit_fen=TOTAL)
    await run_jobs(client, "settlement.invoice_issued")  # a deposit that pays everything issues the gate pass
    await w.hand_over()
    return w


async def test_an_invoice_paid_by_deposit_is_not_voided_once_the_vehicle_left(client: ApiClient) -> None:
    w = await _paid_by_deposit_and_handed_over(client)
    await w.as_("house_admin")
    r = await client.post(f"/api/invoices/{w.invoice.id}/void", json={"reason": "wrong buyer"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "vehicle_handed_over"), r.text
    # Nothing reversed: the deposit stays applied (no refund of it while the buyer keeps the vehicle).
    assert not await LedgerTransaction.filter(house_org_id=w.house, business_key__startswith="void:").exists()


@pytest.mark.parametrize("typed", ["NS-7", "ns-7"])
async def test_a_line_whose_serial_was_recorded_by_hand_for_other_money_is_not_applied_again(
    client: ApiClient, typed: str
) -> None:
    """Staff recorded transfer NS-7 by hand for the wrong amount; the statement shows it with the right one (queued,
    `receipt_amount_differs`). Applying the line as well would count one transfer twice (or, typed alike, mark an
    invoice paid with no posting behind it and fail on the receipt's key: a 500)."""
    house = await staff(client)
    first, second = await make_invoice(house, 4242, 100_000), await make_invoice(house, 4242, 100_000)
    hand = {"invoice_id": first.id, "reference": typed, "amount_fen": 10_000, "received_on": "2026-03-02"}
    assert (await client.post(f"/api/houses/{house}/receipts", json=hand)).status_code == 201
    await import_ns(client, house, other_bank_csv([["NS-7", "2026-03-02 10:00", "150.00", "张三", "货款"]]))
    line = (await queued(client, house))["NS-7"]
    assert line["reason"] == "receipt_amount_differs"
    before = await LedgerTransaction.filter(house_org_id=house).count()
    r = await client.post(f"/api/houses/{house}/bank/lines/{line['id']}/resolve",
                          json={"action": "apply", "invoices": [second.number]})  # fmt: skip
    assert (r.status_code, r.json()["error"]["code"]) == (409, "bank_line_recorded_by_hand"), r.text
    assert (await Invoice.get(id=second.id)).paid_fen == 0
    assert await Receipt.filter(house_org_id=house).count() == 1
    assert await LedgerTransaction.filter(house_org_id=house).count() == before
    # Excluding it (the money is the hand receipt's) is still possible.
    r = await client.post(f"/api/houses/{house}/bank/lines/{line['id']}/resolve", json={"action": "exclude"})
    assert r.status_code == 200, r.text


async def _payout_due_and_a_buyer_refund_due(client: ApiClient, lot: int = 1) -> tuple[World, int]:
    w = await build(client, lot)
    await w.pay(TOTAL + 50_000)  # 50,000 over: the buyer's credit
    await w.hand_over(days_ago=8)  # the dispute window (7 days) closed: the payout is due
    await w.as_("buyer")
    asked = await client.post(f"/api/me/houses/{w.house}/credit-refund", json={})
    assert asked.status_code == 201, asked.text
    return w, int(asked.json()["id"])


async def test_one_bank_transfer_is_not_both_a_payout_and_a_refund(client: ApiClient) -> None:
    """A 流水号 names one transfer: recorded as the consignor's payout it cannot also be a buyer's refund (the books
    would show two outflows where the bank shows one), nor the other way round."""
    w, task = await _payout_due_and_a_buyer_refund_due(client)
    await w.as_("auctioneer")
    paid = await client.post(f"/api/sales/{w.sale.id}/payout", json={"bank_reference": "ICBC OUT 1",
                                                                     "paid_on": "2026-12-01"})  # fmt: skip
    assert paid.status_code == 201, paid.text
    url = f"/api/houses/{w.house}/buyer-refunds/{task}/complete"
    r = await client.post(url, json={"bank_reference": "ICBC  OUT 1"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "refund_reference_used"), r.text
    assert (await BuyerRefund.get(id=task)).status == "due"

    w2, task2 = await _payout_due_and_a_buyer_refund_due(client, lot=2)
    await w2.as_("auctioneer")
    done = await client.post(f"/api/houses/{w2.house}/buyer-refunds/{task2}/complete",
                             json={"bank_reference": "ICBC OUT 2"})  # fmt: skip
    assert done.status_code == 201, done.text
    r = await client.post(f"/api/sales/{w2.sale.id}/payout", json={"bank_reference": "ICBC OUT 2",
                                                                   "paid_on": "2026-12-01"})  # fmt: skip
    assert (r.status_code, r.json()["error"]["code"]) == (409, "payout_reference_used"), r.text
    assert not await Payout.filter(sale_id=w2.sale.id).exists()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has one writer, so the two never overlap")
async def test_a_payout_and_a_refund_recorded_at_once_with_one_reference_cannot_both_pass(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both past the look-up before either writes. Two things stop the second: both outflows move bank clearing (its
    compare-and-set makes the later one run again and find the reference taken) and the payout's claim of the
    reference beside the refunds' (which also holds for a payout of 0 that posts nothing)."""
    w, task = await _payout_due_and_a_buyer_refund_due(client)
    looked_up = refunds.reference_used

    async def slow_look_up(conn: Any, house_org_id: int, reference: str) -> bool:
        used = await looked_up(conn, house_org_id, reference)
        await asyncio.sleep(0.5)  # both desks past the look-up before either claims: only the claim can stop one
        return used

    monkeypatch.setattr(refunds, "reference_used", slow_look_up)
    staff = await principal_for_user(w.users["auctioneer"])
    at = datetime.now(UTC)
    results = await asyncio.gather(
        payouts.record_payout(staff, w.sale.id, "ICBC RACE 9", at.date(), at),
        refunds.complete(staff, w.house, task, "ICBC RACE 9", at),
        return_exceptions=True,
    )
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(lost) == 1, results
    assert isinstance(lost[0], ApiError), lost
    assert lost[0].code in ("payout_reference_used", "refund_reference_used"), lost
    out = await LedgerTransaction.filter(house_org_id=w.house, kind__in=["payout", "buyer_refunded"]).count()
    assert out == 1  # one transfer, one outflow in the books


async def test_a_deposit_unapplied_by_a_void_after_its_refund_was_opened_is_owed_as_credit(client: ApiClient) -> None:
    """The winner's deposit paid the invoice; after the session the rest became a refund task (one per deposit). A void
    then returned the part it paid to the deposit account, where no second refund could ever take it: money owed with
    no way to pay it. It is the buyer's credit instead, refundable on request."""
    world, _, _, (winner, _) = await sell(client)
    house = world.house.id
    assert (await settlement_sweeper.sweep_once())["refunds_opened"] == 2
    task = await DepositRefund.get(house_org_id=house, user_id=winner.id)
    invoice = await Invoice.get(buyer_user_id=winner.id)
    assert (invoice.status, invoice.deposit_applied_fen, task.amount_fen) == ("paid", 315_000, 185_000)
    admin = await principal_for_user(world.auctioneer)  # the house's admin too
    await invoices.void_invoice(admin, invoice.id, "wrong buyer recorded", datetime.now(UTC))
    party = f"user:{winner.id}/session:{world.session.id}"
    assert await ledger.balance(house, "deposits_held", party) == 185_000  # what the refund task pays, no more
    assert await ledger.balance(house, "buyer_credit", f"user:{winner.id}") == 315_000
    await login(client, winner)
    credits = (await client.get("/api/me/credits")).json()["items"]
    assert [(c["house_org_id"], c["refundable_fen"]) for c in credits] == [(house, 315_000)]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has one writer, so the two never overlap")
async def test_a_void_and_the_gate_scan_at_once_do_not_both_pass(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The void has checked that the vehicle is still in the yard and is writing its credit note when the yard scans
    the pass: the scan waits on the invoice's row lock and finds it void (without the lock it read the invoice as
    paid and released a vehicle whose sale was being cancelled)."""
    w = await build(client, deposit_fen=TOTAL)
    await run_jobs(client, "settlement.invoice_issued")
    code = (await GatePass.get(sale_id=w.sale.id)).pass_code
    numbered = invoices.next_number

    async def slow_number(*args: Any, **kw: Any) -> int:
        await asyncio.sleep(0.5)  # the void holds the invoice's lock past the scan's start
        return await numbered(*args, **kw)

    monkeypatch.setattr(invoices, "next_number", slow_number)
    admin = await principal_for_user(w.users["house_admin"])
    yard = await principal_for_user(w.users["auctioneer"])

    async def scan_soon() -> object:
        await asyncio.sleep(0.2)
        return await handover.scan(yard, w.house, code, datetime.now(UTC))

    results = await asyncio.gather(
        invoices.void_invoice(admin, w.invoice.id, "wrong buyer", datetime.now(UTC)), scan_soon(),
        return_exceptions=True,
    )  # fmt: skip
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(lost) == 1, results
    voided = (await Invoice.get(id=w.invoice.id)).status == "void"
    handed = (await GatePass.get(sale_id=w.sale.id)).handed_over_at is not None
    assert voided != handed, (voided, handed)


async def test_an_unwind_after_the_payout_leaves_the_consignor_owing_and_pays_nothing_out_twice(
    client: ApiClient,
) -> None:
    """The house rejected the dispute, the window closed and the consignor was paid; the buyer went to the
    association, which unwound the sale. The buyer is owed all they paid; the consignor now owes the house what it
    was paid (its payable below zero, set off against its next sales), and the sale is never paid out again."""
    w = await build(client)
    await w.pay()
    await w.hand_over()
    await w.as_("buyer")
    d = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})
    dispute = d.json()["id"]
    await w.as_("house_admin")
    assert (await client.post(f"/api/disputes/{dispute}/answer", json={"answer": "rejected"})).is_success
    await GatePass.filter(sale_id=w.sale.id).update(handed_over_at=datetime.now(UTC) - timedelta(days=8))  # closed
    await w.as_("auctioneer")
    body = {"bank_reference": "OUT-1", "paid_on": "2026-12-01"}
    paid = await client.post(f"/api/sales/{w.sale.id}/payout", json=body)
    assert paid.status_code == 201, paid.text
    await w.as_("buyer")
    assert (await client.post(f"/api/disputes/{dispute}/escalate", json={"note": "协会"})).is_success
    await w.as_("association")
    r = await client.post(f"/api/disputes/{dispute}/ruling", json={"ruling": "unwind", "note": "退车"})
    assert r.status_code == 200, r.text
    buyer, seller = f"user:{w.users['buyer'].id}", f"org:{w.seller_org}"
    assert await ledger.balance(w.house, "buyer_credit", buyer) == TOTAL
    assert await ledger.balance(w.house, "seller_payable", seller) == -SELLER_NET  # the consignor owes it back
    assert await ledger.balance(w.house, "buyer_receivable", buyer) == 0
    task = await BuyerRefund.get(house_org_id=w.house, source="unwind")
    assert task.amount_fen == TOTAL
    await w.as_("auctioneer")
    again = await client.post(f"/api/sales/{w.sale.id}/payout", json={**body, "bank_reference": "OUT-2"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "payout_exists")
    assert await Payout.filter(sale_id=w.sale.id).count() == 1


async def test_a_window_shortened_after_the_handover_does_not_cut_that_buyer_s_dispute_short(client: ApiClient) -> None:
    """The vehicle left under a 7-day window; two days later the house shortens its window to one day. That buyer
    keeps their 7 days (a shorter window applies to later handovers): the dispute opens, and the consignor's payout
    is not due early, in the sale's view and the house-wide list alike. (A longer window set later applies to all.)"""
    w = await build(client)
    await w.pay()
    await w.hand_over(days_ago=2)
    await w.as_("house_admin")
    assert (await client.put(f"/api/houses/{w.house}/dispute-policy", json={"window_days": 1})).is_success
    payout = (await client.get(f"/api/sales/{w.sale.id}/payout")).json()
    assert "dispute_window_open" in payout["waiting"], payout
    listed = (await client.get(f"/api/houses/{w.house}/payouts?state=due")).json()["items"]
    assert listed == []
    await w.as_("buyer")
    r = await client.post(f"/api/sales/{w.sale.id}/disputes", json={"reason": "flood", "description": "泡水"})
    assert r.status_code == 201, r.text
    # A vehicle of the house handed over after the change has the one-day window.
    assert await sales.consume(sold_event(w.house, w.seller_org, w.users["buyer"].id, 2))
    later = await Sale.get(house_org_id=w.house, lot_id=2)
    w.sale, w.invoice = later, await Invoice.get(sale_id=later.id)
    await w.pay(reference="ICBC-PAY-2")
    await w.hand_over(days_ago=2)
    await w.as_("buyer")
    r = await client.post(f"/api/sales/{later.id}/disputes", json={"reason": "flood", "description": "泡水"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "dispute_window_closed"), r.text


async def test_a_serial_typed_with_spaces_by_hand_is_the_statement_s_serial(client: ApiClient) -> None:
    """Staff record a part payment by hand with the serial as the bank's notice prints it, spaced; the statement
    later carries the same serial (read without spaces) quoting the invoice. It is the same transfer: matched, not
    applied a second time (the invoice paid twice, the excess a credit the buyer could ask back)."""
    house = await staff(client)
    invoice = await make_invoice(house, 4343, 100_000)
    hand = {"invoice_id": invoice.id, "reference": "icbc 2026 1201 0007", "amount_fen": 10_000,
            "received_on": "2026-03-02"}  # fmt: skip
    assert (await client.post(f"/api/houses/{house}/receipts", json=hand)).status_code == 201
    row = ["ICBC 20261201 0007", "2026-03-02 10:00", "100.00", "张三", f"付 {invoice.number}"]
    await import_ns(client, house, other_bank_csv([row]))
    assert (await Invoice.get(id=invoice.id)).paid_fen == 10_000
    (line,) = await BankLine.filter(house_org_id=house)
    assert line.status == "matched"
    # The same receipt typed again, spaced as before or not at all, is the first one.
    for typed in ("icbc 2026 1201 0007", "ICBC202612010007"):
        again = await client.post(f"/api/houses/{house}/receipts", json={**hand, "reference": typed})
        assert (again.status_code, again.json()["created"]) == (200, False), typed
    too_long = await client.post(f"/api/houses/{house}/receipts", json={**hand, "reference": "㍿" * 64})
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (422, "validation_error")
