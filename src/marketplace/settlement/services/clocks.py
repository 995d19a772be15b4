"""A sale's clocks in the database: pausing and resuming them (a dispute), collection, and the deadlines now.

Who calls what: a dispute opened calls `pause`, one closed calls `resume` (settle-handover's disputes); the gate
pass calls `collected` (storage stops). Each runs in the caller's transaction. The sweeper reads `deadlines_of`.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.settlement import holidays
from marketplace.settlement.domain import clocks as rules
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.models import Charge, Invoice, Sale, SaleClock
from marketplace.settlement.services.invoices import local_day


async def clock_of(conn: BaseDBAsyncClient, sale_id: int) -> SaleClock:
    found = await SaleClock.filter(sale_id=sale_id).using_db(conn).first()
    if found is not None:
        return found
    # A concurrent first touch hits the unique sale_id; the caller's `retrying` runs the transaction again.
    return await SaleClock.create(sale_id=sale_id, using_db=conn)


async def pause(conn: BaseDBAsyncClient, sale_id: int, at: datetime) -> None:
    """Stop the sale's clocks (no late fee, storage or default accrues) until `resume`. Pausing twice is once."""
    await Sale.filter(id=sale_id, clocks_paused_since__isnull=True).using_db(conn).update(clocks_paused_since=at)


async def resume(conn: BaseDBAsyncClient, sale_id: int, at: datetime) -> int:
    """Restart the clocks; every deadline moves later by the working days the pause lasted. Returns those days."""
    sale = await Sale.filter(id=sale_id).using_db(conn).get()
    if sale.clocks_paused_since is None:
        return 0
    days = rules.paused_days(holidays.china(), local_day(sale.clocks_paused_since), local_day(at))
    clock = await clock_of(conn, sale_id)
    await SaleClock.filter(id=clock.id).using_db(conn).update(paused_working_days=clock.paused_working_days + days)
    await Sale.filter(id=sale_id).using_db(conn).update(clocks_paused_since=None)
    return days


async def collected(conn: BaseDBAsyncClient, sale_id: int, at: datetime) -> None:
    """The vehicle left the yard (gate pass): storage is charged up to and including this day, then stops."""
    clock = await clock_of(conn, sale_id)
    if clock.collected_at is None:
        await SaleClock.filter(id=clock.id).using_db(conn).update(collected_at=at)


def deadlines_of(sale: Sale, invoice: Invoice, clock: SaleClock | None) -> rules.Deadlines:
    fees = fee_rules.stored_rules(sale.rules)
    return rules.deadlines(
        holidays.china(),
        local_day(sale.sold_at),
        invoice.due_date,
        fees.clocks,
        None if fees.storage is None else fees.storage.free_working_days,
        clock.paused_working_days if clock else 0,
    )


async def invoice_clocks(invoice: Invoice) -> tuple[rules.Deadlines, SaleClock | None, Sale, list[Charge]]:
    """The invoice's deadlines as they stand (moved by past pauses), its clock row and its charges."""
    sale = await Sale.get(id=invoice.sale_id)
    clock = await SaleClock.get_or_none(sale_id=sale.id)
    charges = list(await Charge.filter(invoice_id=invoice.id).order_by("kind", "ordinal"))
    return deadlines_of(sale, invoice, clock), clock, sale, charges
