"""The settlement sweeper: posts what the clocks say is due, from the database, at most once.

Like the auctions' closing sweeper, it is a loop every app process (and the worker) runs; any number of them may
find the same invoice at once. Each invoice is one transaction: the buyer's notices (reminder, overdue: a unique
key each), the late fee (once per vehicle) and each day's storage (numbered charges, unique per invoice, kind and
ordinal, posted under `charge:{invoice}:{kind}:{n}`), and — if the house's terms say so — the default. A sale whose
clocks a dispute holds is skipped entirely. Then deposits: refund tasks, card releases and captures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery

from marketplace.errors import Conflict
from marketplace.outages import OutageLog
from marketplace.settlement.domain import clocks as clock_rules
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.domain.ledger import FEE_INCOME_PREFIX, Leg, credit, debit, without_zero_legs
from marketplace.settlement.domain.money import vat_included
from marketplace.settlement.models import Charge, Invoice, Sale, SaleClock
from marketplace.settlement.services import cards, clocks, defaults, deposits, ledger, notices
from marketplace.settlement.services.invoices import LOCAL, local_day, locked

log = logging.getLogger("marketplace.settlement.sweeper")
_OUTAGE = OutageLog(log, "settlement sweeper")
BATCH = 200
MAX_STORAGE_PER_RUN = 366  # a long-forgotten vehicle catches up over a few runs, never in one unbounded loop


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL)


def late_legs(buyer_user_id: int, fen: int, currency: str) -> list[Leg]:
    # A late fee is 违约金 (damages for late payment), not a service: no VAT in it.
    return [
        debit("buyer_receivable", rules.buyer_party(buyer_user_id), fen, currency),
        credit(FEE_INCOME_PREFIX + "late", "", fen, currency),
    ]


def storage_legs(buyer_user_id: int, fen: int, vat_bp: int, currency: str) -> list[Leg]:
    vat = vat_included(fen, vat_bp)  # storage is a service: VAT inside, as in every other fee
    return without_zero_legs(
        [
            debit("buyer_receivable", rules.buyer_party(buyer_user_id), fen, currency),
            credit(FEE_INCOME_PREFIX + "storage", "", fen - vat, currency),
            credit("vat_payable", "", vat, currency),
        ]
    )


async def _charge(conn: BaseDBAsyncClient, invoice: Invoice, kind: str, ordinal: int, day: date, legs: list[Leg],
                  fen: int) -> None:  # fmt: skip
    posted = await ledger.post(
        conn, invoice.house_org_id, f"charge:{invoice.id}:{kind}:{ordinal}", f"{kind}_fee", legs, _start_of(day),
        memo=f"{kind} {day.isoformat()} on {invoice.number}",
    )  # fmt: skip
    if not posted.duplicate:
        await Charge.create(
            house_org_id=invoice.house_org_id, invoice_id=invoice.id, kind=kind, ordinal=ordinal, day=day,
            amount_fen=fen, currency=invoice.currency, transaction_id=posted.transaction.id, using_db=conn,
        )  # fmt: skip


async def sweep_invoice(conn: BaseDBAsyncClient, invoice_id: int, now: datetime) -> dict[str, int]:
    """Everything due on one invoice by `now`, in the caller's transaction. Re-reads state first."""
    out = {"notices": 0, "late": 0, "storage": 0, "defaults": 0}
    # Locked first, as every payment locks it before posting: one order of locks (invoice, then accounts).
    invoice = await locked(Invoice.filter(id=invoice_id), conn).first()
    sale = None if invoice is None else await Sale.filter(id=invoice.sale_id).using_db(conn).first()
    if invoice is None or sale is None:  # never in service, but a test resets the tables under a running sweeper
        return out
    if invoice.status == "void" or sale.clocks_paused_since is not None:
        return out
    clock = await clocks.clock_of(conn, sale.id)
    fees = fee_rules.stored_rules(sale.rules)
    d = clocks.deadlines_of(sale, invoice, clock)
    today = local_day(now)
    is_open = invoice.status == "open"
    for kind in clock_rules.notices_due(d, today, open_invoice=is_open):
        data = {"number": invoice.number, "due_on": d.due_on.isoformat(),
                "balance": notices.yuan(invoice.total_fen - invoice.paid_fen)}  # fmt: skip
        out["notices"] += await notices.notify(
            conn, invoice.buyer_user_id, f"invoice:{invoice.id}:{kind}", kind, data, invoice.id
        )
    if is_open and fees.late is not None and today >= d.late_on and not clock.late_fee_posted:
        fen = fees.late.charge(sale.hammer_fen)
        if fen > 0:
            await _charge(conn, invoice, "late", 1, d.late_on, late_legs(sale.buyer_user_id, fen, sale.currency), fen)
            out["late"] += 1
        await SaleClock.filter(id=clock.id).using_db(conn).update(late_fee_posted=True)
    collected_on = local_day(clock.collected_at) if clock.collected_at else None
    storage_left = False
    if fees.storage is not None and fees.storage.daily_fen > 0:
        owed = clock_rules.storage_charges(d, today, collected_on)
        due = min(owed, clock.storage_charged + MAX_STORAGE_PER_RUN)
        storage_left = collected_on is None or today < collected_on or due < owed
        for n in range(clock.storage_charged + 1, due + 1):
            fen = fees.storage.daily_fen
            legs = storage_legs(sale.buyer_user_id, fen, fees.vat_bp, sale.currency)
            await _charge(conn, invoice, "storage", n, clock_rules.storage_day(d, n), legs, fen)
            out["storage"] += 1
        if due > clock.storage_charged:
            moved = (
                await SaleClock.filter(id=clock.id, storage_charged=clock.storage_charged)
                .using_db(conn)
                .update(storage_charged=due)
            )
            if moved != 1:
                raise ledger.Contended()
    if invoice.status == "paid" and not storage_left:
        await SaleClock.filter(id=clock.id).using_db(conn).update(done=True)
    no_receipts = invoice.paid_fen == invoice.deposit_applied_fen  # received money is refunded by hand first
    if is_open and fees.clocks.auto_default and today >= d.default_on and no_receipts:
        await defaults.declare_in(conn, invoice, None, "unpaid after the grace period (the house's terms)", now)
        out["defaults"] += 1
    return out


async def sweep_once(now: datetime | None = None, holds: deposits.DepositHolds | None = None) -> dict[str, int]:
    """One pass over the invoices whose clocks may still post something, then the deposits."""
    now = now or datetime.now(UTC)
    totals = {"notices": 0, "late": 0, "storage": 0, "defaults": 0}
    last = 0
    while True:
        ids: list[Any] = list(
            await Invoice.filter(status__in=["open", "paid"], id__gt=last)
            .exclude(sale_id__in=Subquery(SaleClock.filter(done=True).values("sale_id")))
            .order_by("id")
            .limit(BATCH)
            .values_list("id", flat=True)
        )
        if not ids:
            break
        for invoice_id in ids:

            async def one(conn: BaseDBAsyncClient, invoice_id: Any = invoice_id) -> dict[str, int]:
                return await sweep_invoice(conn, int(invoice_id), now)

            try:
                done = await ledger.retrying(one)
            except (ledger.Refused, Conflict) as exc:  # a rule refused it: logged, the rest of the sweep goes on
                log.error("invoice %s: %s", invoice_id, exc)
                continue
            for k, v in done.items():
                totals[k] += v
        last = int(ids[-1])
    totals.update(await deposits.sweep(now, holds))
    if cards.configured():  # a card hold is captured before its authorisation lapses (~7 days), refunded later
        totals["cards_captured"] = totals.get("cards_captured", 0) + len(await cards.capture_expiring(now))
    return totals


class SettlementSweeper:
    """The loop: every `interval` seconds, one `sweep_once`. Idempotent, so any number of processes may run it."""

    def __init__(self, services: Any, *, interval: float = 60.0) -> None:
        self._services = services
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="settlement-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await sweep_once(holds=getattr(self._services, "deposit_holds", None))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                _OUTAGE.report(exc, "sweep failed")
            else:
                _OUTAGE.recovered()
            await asyncio.sleep(self._interval)
