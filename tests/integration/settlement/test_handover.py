"""The guarantees of the handover under races: one payout per sale (a database constraint, proven by raw inserts on
both databases and by concurrent payouts on PostgreSQL), one handover per gate pass, one gate pass per sale."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise.exceptions import IntegrityError

from marketplace.accounts.auth import principal_for_user
from marketplace.errors import ApiError
from marketplace.settlement.models import GatePass, LedgerTransaction, Payout, Transfer
from marketplace.settlement.services import handover, payouts
from tests.conftest import PG_URL
from tests.e2e.settlement.handover_world import SELLER_NET, World, build
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support import ApiClient


async def _delivered(client: ApiClient) -> World:
    w = await build(client)
    await w.pay()
    await w.hand_over(days_ago=8)
    return w


async def test_the_database_refuses_a_second_payout_for_a_sale(client: ApiClient) -> None:
    w = await _delivered(client)
    staff = await principal_for_user(w.users["auctioneer"])
    await payouts.record_payout(staff, w.sale.id, "OUT-1", date(2026, 12, 9), datetime.now(UTC))
    row = await Payout.get(sale_id=w.sale.id)
    fields = {k: getattr(row, k) for k in ("house_org_id", "seller_org_id", "currency", "hammer_fen",
              "commission_fen", "seller_fees_fen", "adjustments_fen", "set_off_fen", "amount_fen", "paid_on",
              "recorded_by_user_id")}  # fmt: skip
    with pytest.raises(IntegrityError):  # bypassing every check in the code: the unique sale column holds
        await Payout.create(sale_id=w.sale.id, bank_reference="OUT-2", **fields)


async def test_issuing_a_gate_pass_twice_issues_one(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    first = await GatePass.get(sale_id=w.sale.id)
    again = await handover.issue_if_paid(w.invoice.id, datetime.now(UTC))
    assert again is not None
    assert again.id == first.id
    assert again.pass_code == first.pass_code
    assert await GatePass.filter(sale_id=w.sale.id).count() == 1


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_two_payouts_at_once_make_one(client: ApiClient) -> None:
    w = await _delivered(client)
    staff = await principal_for_user(w.users["auctioneer"])
    admin = await principal_for_user(w.users["house_admin"])
    now = datetime.now(UTC)
    results = await asyncio.gather(
        *(
            payouts.record_payout(who, w.sale.id, f"OUT-{i}", date(2026, 12, 9), now)
            for i, who in enumerate([staff, admin, staff, admin])
        ),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert all(isinstance(r, ApiError) and r.code == "payout_exists" for r in refused), refused
    assert await Payout.filter(sale_id=w.sale.id).count() == 1
    assert await LedgerTransaction.filter(house_org_id=w.house, kind="payout").count() == 1
    assert (await Payout.get(sale_id=w.sale.id)).amount_fen == SELLER_NET
    await assert_books_consistent()


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_two_scans_at_once_hand_over_once(client: ApiClient) -> None:
    w = await build(client)
    await w.pay()
    code = (await GatePass.get(sale_id=w.sale.id)).pass_code
    yard = [await principal_for_user(w.users[who]) for who in ("auctioneer", "house_admin", "auctioneer")]
    now = datetime.now(UTC)
    results = await asyncio.gather(
        *(handover.scan(p, w.house, code, now + timedelta(microseconds=i)) for i, p in enumerate(yard)),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(made) == 1, results
    assert all(isinstance(r, ApiError) and r.code == "gate_pass_used" for r in refused), refused
    assert await Transfer.filter(sale_id=w.sale.id).count() == 1
    gate = await GatePass.get(sale_id=w.sale.id)
    assert gate.handed_over_by_user_id == made[0][0].handed_over_by_user_id


async def test_a_deposit_that_pays_everything_issues_the_pass_from_the_invoice_event(client: ApiClient) -> None:
    from tests.e2e.settlement.handover_world import run_jobs

    w = await build(client, lot=5, deposit_fen=20_000_000)  # the deposit exceeds the total: paid at the sale
    await w.invoice.refresh_from_db()
    assert w.invoice.status == "paid"
    assert not await GatePass.exists(sale_id=w.sale.id)
    await run_jobs(client, "settlement.invoice_issued")
    assert await GatePass.exists(sale_id=w.sale.id)


async def test_a_voided_invoices_pass_no_longer_scans(client: ApiClient) -> None:
    from marketplace.settlement.models import Invoice
    from marketplace.settlement.services import invoices
    from tests.e2e.settlement.handover_world import run_jobs

    w = await build(client, lot=6, deposit_fen=20_000_000)
    await run_jobs(client, "settlement.invoice_issued")
    code = (await GatePass.get(sale_id=w.sale.id)).pass_code
    admin = await principal_for_user(w.users["house_admin"])
    await invoices.void_invoice(admin, w.invoice.id, "the consignor withdrew the vehicle", datetime.now(UTC))
    assert (await Invoice.get(id=w.invoice.id)).status == "void"
    with pytest.raises(ApiError) as exc:
        await handover.scan(admin, w.house, code, datetime.now(UTC))
    assert exc.value.code == "gate_pass_not_found"
    assert not await Transfer.exists(sale_id=w.sale.id)
