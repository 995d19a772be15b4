"""A dispute's pause holds the sweeper: nothing accrues while paused, and on resume every deadline moves by the
working days the pause lasted (services/clocks.py, services/sweeper.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from marketplace.settings import Settings
from marketplace.settlement.models import Charge, FeeSchedule, Invoice, Notice, SaleClock
from marketplace.settlement.services import clocks, sales
from marketplace.settlement.services import sweeper as settlement_sweeper
from marketplace.settlement.services.invoices import LOCAL

HOUSE, SELLER, BUYER = 61, 62, 63
SOLD = datetime(2026, 12, 2, 10, tzinfo=LOCAL)  # a Wednesday: due Monday 7 December


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), LOCAL)


def sold_event() -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()), "topic": "auctions.lot_sold", "created_at": SOLD.isoformat(),
        "payload": {"lot_id": 501, "session_id": 801, "session_starts_at": (SOLD - timedelta(hours=1)).isoformat(),
                    "house_org_id": HOUSE, "seller_org_id": SELLER, "vehicle_id": 9, "buyer_user_id": BUYER,
                    "buyer_org_id": None, "buyer_paddle": "101", "hammer_fen": 1_000_000, "buyer_premium_fen": 50_000,
                    "premium_terms": [[0, 500, 0]], "deposit_fen": 0, "currency": "CNY",
                    "sold_at": SOLD.isoformat(), "via": "clock"},
    }  # fmt: skip


async def test_paused_clocks_accrue_nothing_and_resume_shifted(database: Settings) -> None:
    await FeeSchedule.create(
        house_org_id=HOUSE, version=1, effective_from=SOLD - timedelta(days=30), created_by_user_id=1,
        rules={"buyer_premium": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 500}],
               "seller_commission": [{"lower_fen": 0, "upper_fen": None, "rate_bp": 300}],
               "late": {"flat_fen": 20_000}, "storage": {"daily_fen": 3_000, "free_working_days": 7}},
    )  # fmt: skip
    assert await sales.consume(sold_event())
    invoice = await Invoice.get(house_org_id=HOUSE)
    assert invoice.due_date == date(2026, 12, 7)
    async with in_transaction() as conn:
        await clocks.pause(conn, invoice.sale_id, at(date(2026, 12, 4)))

    held = await settlement_sweeper.sweep_once(at(date(2026, 12, 9)), None)
    assert (held["notices"], held["late"], held["storage"], held["defaults"]) == (0, 0, 0, 0)
    assert not await Notice.exists()
    assert not await Charge.exists()

    async with in_transaction() as conn:
        assert await clocks.resume(conn, invoice.sale_id, at(date(2026, 12, 8), 10)) == 2  # Mon 7 and Tue 8
    assert (await SaleClock.get(sale_id=invoice.sale_id)).paused_working_days == 2

    # Due now Wednesday 9 December: a reminder (its day was Tuesday), no late fee yet.
    on_9th = await settlement_sweeper.sweep_once(at(date(2026, 12, 9)), None)
    assert (on_9th["notices"], on_9th["late"], on_9th["storage"]) == (1, 0, 0)
    on_10th = await settlement_sweeper.sweep_once(at(date(2026, 12, 10)), None)
    assert (on_10th["notices"], on_10th["late"]) == (1, 1)  # overdue, and the late fee, one day later than unpaused
    late = await Charge.get(invoice_id=invoice.id, kind="late")
    assert (late.day, late.amount_fen) == (date(2026, 12, 10), 20_000)
    # Storage: 7 free working days from 2 December end on the 11th, moved by 2 to the 15th.
    assert (await settlement_sweeper.sweep_once(at(date(2026, 12, 15)), None))["storage"] == 0
    assert (await settlement_sweeper.sweep_once(at(date(2026, 12, 17)), None))["storage"] == 2
    assert [c.day for c in await Charge.filter(kind="storage").order_by("ordinal")] == [
        date(2026, 12, 16),
        date(2026, 12, 17),
    ]
    # Collected on the 18th: that day is charged, then storage stops.
    async with in_transaction() as conn:
        await clocks.collected(conn, invoice.sale_id, at(date(2026, 12, 18), 9))
    assert (await settlement_sweeper.sweep_once(at(date(2026, 12, 28)), None))["storage"] == 1
    assert await Charge.filter(kind="storage").count() == 3
