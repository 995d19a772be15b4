"""Deposit refunds against the database: recorded once, and on PostgreSQL two at once for one deposit — one wins."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from tortoise.transactions import in_transaction

from marketplace.accounts.domain import Principal, Role
from marketplace.errors import ApiError
from marketplace.settings import Settings
from marketplace.settlement.models import DepositRefund, LedgerTransaction
from marketplace.settlement.services import deposits, ledger
from tests.conftest import PG_URL

HOUSE = 41
STAFF = Principal(user_id=7, display_name="cashier", memberships={HOUSE: frozenset({Role.AUCTIONEER})})


async def refund_task(user_id: int, amount: int = 300_000) -> DepositRefund:
    """A deposit lodged for session 5 and its refund task, as the sweeper leaves them."""
    async with in_transaction() as conn:
        d = await deposits.lodge(
            conn,
            {"house_org_id": HOUSE, "session_id": 5, "user_id": user_id, "org_id": None, "paddle": "101",
             "amount_fen": amount, "currency": "CNY", "rail": "bank", "reference": f"AU5-{user_id}"},
            datetime.now(UTC),
        )  # fmt: skip
        return await DepositRefund.create(
            house_org_id=HOUSE, deposit_id=d.id, user_id=user_id, amount_fen=amount, currency="CNY", rail="bank",
            due_on=date(2026, 12, 7), using_db=conn,
        )  # fmt: skip


async def test_a_refund_is_recorded_once(database: Settings) -> None:
    task = await refund_task(1)
    done, created = await deposits.complete_refund(STAFF, HOUSE, task.id, "BOC 0001", datetime.now(UTC))
    assert (done.status, created) == ("done", True)
    again, created = await deposits.complete_refund(STAFF, HOUSE, task.id, " BOC  0001 ", datetime.now(UTC))
    assert (again.id, created) == (task.id, False)
    with pytest.raises(ApiError) as err:
        await deposits.complete_refund(STAFF, HOUSE, task.id, "BOC 0002", datetime.now(UTC))
    assert err.value.code == "refund_already_recorded"
    assert await ledger.balance(HOUSE, "deposits_held", "user:1/session:5") == 0
    assert await LedgerTransaction.filter(business_key=f"deposit:refund:{task.id}").count() == 1
    # Another refund may not reuse the bank reference.
    other = await refund_task(2)
    with pytest.raises(ApiError) as reused:
        await deposits.complete_refund(STAFF, HOUSE, other.id, "BOC 0001", datetime.now(UTC))
    assert reused.value.code == "refund_reference_used"
    # A stranger to the house learns nothing: 404.
    with pytest.raises(ApiError) as hidden:
        await deposits.complete_refund(Principal(user_id=99, display_name="x"), HOUSE, task.id, "X", datetime.now(UTC))
    assert hidden.value.status == 404


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_two_refunds_of_one_deposit_at_once_one_wins(database: Settings) -> None:
    for user in range(10, 15):
        task = await refund_task(user)
        outcomes = await asyncio.gather(
            *(deposits.complete_refund(STAFF, HOUSE, task.id, f"ICBC {user}-{i}", datetime.now(UTC)) for i in range(2)),
            return_exceptions=True,
        )
        won = [o for o in outcomes if isinstance(o, tuple)]
        lost = [o for o in outcomes if isinstance(o, ApiError)]
        assert len(won) == 1, outcomes
        assert won[0][1] is True
        assert [e.code for e in lost] == ["refund_already_recorded"], outcomes
        assert await ledger.balance(HOUSE, "deposits_held", f"user:{user}/session:5") == 0
        assert await LedgerTransaction.filter(business_key=f"deposit:refund:{task.id}").count() == 1
        stored = await DepositRefund.get(id=task.id)
        assert stored.bank_reference == won[0][0].bank_reference


async def test_a_reference_is_one_transfer_however_it_was_typed(database: Settings) -> None:
    """Compared as typed, "boc 0009" and "BOC0009" paid two refunds; and a claim kept as typed before references
    were compared in the bank's form (migration 0016 rewrites it) let the same transfer pay another refund."""
    from marketplace.settlement.models import RefundReference
    from tests.integration.settlement.test_bank_statements import run_migration_0016

    first, second, third = await refund_task(11), await refund_task(12), await refund_task(13)
    await deposits.complete_refund(STAFF, HOUSE, first.id, "boc 0009", datetime.now(UTC))
    with pytest.raises(ApiError) as reused:
        await deposits.complete_refund(STAFF, HOUSE, second.id, "BOC0009", datetime.now(UTC))
    assert reused.value.code == "refund_reference_used"
    again, created = await deposits.complete_refund(STAFF, HOUSE, first.id, "BOC 0009", datetime.now(UTC))
    assert (again.id, created) == (first.id, False)  # the same transfer, typed otherwise: a retry
    await RefundReference.filter(refund_kind="deposit", refund_id=first.id).update(bank_reference="boc 0009")
    await run_migration_0016()
    assert await RefundReference.filter(refund_id=first.id, bank_reference="BOC0009").exists()
    with pytest.raises(ApiError) as old:
        await deposits.complete_refund(STAFF, HOUSE, third.id, "Boc 0009", datetime.now(UTC))
    assert old.value.code == "refund_reference_used"
    assert (await DepositRefund.get(id=third.id)).status == "due"
