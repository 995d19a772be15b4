"""Default (悔拍): the buyer did not pay after the grace period, so the house (or the sweeper, under its terms)
cancels the sale, forfeits the deposit through the waterfall, penalises and bars the buyer, and offers the vehicle
to the second-highest bidder (auctions does that, from `settlement.sale_defaulted`).

One transaction: the credit note (the sale and the deposit applied reversed), the forfeiture (the whole deposit
still held for the buyer and session → forfeiture_suspense), the waterfall's first step (the house's costs), the
default row, the bar, the 扣分 record, the buyer's notice and the events. The waterfall's last steps (the re-sale's
shortfall to the seller, then the rest) post when the re-sale is known (`close_in`): a second-chance sale, or the
house closing the default by hand after a relisting (or with no re-sale).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from marketplace.accounts import organisations
from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.outbox.events import record_event
from marketplace.settlement import holidays
from marketplace.settlement.domain import access
from marketplace.settlement.domain import clocks as clock_rules
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.domain.ledger import FEE_INCOME_PREFIX, Leg, credit, debit, without_zero_legs
from marketplace.settlement.models import Bar, Charge, Default, Deposit, Invoice, Sale, SaleClock
from marketplace.settlement.services import clocks, deposits, invoices, ledger, notices
from marketplace.settlement.services.invoices import LOCAL, local_day
from marketplace.settlement.services.ledger import Contended

SALE_CANCELLED = "settlement.sale_cancelled"
SALE_DEFAULTED = "settlement.sale_defaulted"
COSTS_ACCOUNT = FEE_INCOME_PREFIX + "default_costs"


def _end_of_local_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL)


def costs_legs(d: Default, charges_fen: int) -> list[Leg]:
    """Step 1: the house's costs out of the forfeiture: the buyer's unpaid late and storage charges first (they
    are receivable), then the fees the cancelled sale would have earned (compensation: no VAT, not a service)."""
    cur = d.currency
    to_charges = min(charges_fen, d.house_costs_fen)
    return without_zero_legs(
        [
            debit("forfeiture_suspense", "", d.house_costs_fen, cur),
            credit("buyer_receivable", rules.buyer_party(d.buyer_user_id), to_charges, cur),
            credit(COSTS_ACCOUNT, "", d.house_costs_fen - to_charges, cur),
        ]
    )


def close_legs(d: Default, w: clock_rules.Waterfall) -> list[Leg]:
    """Steps 2 and 3: the re-sale's shortfall to the seller, then the rest to the house or the seller."""
    cur, seller = d.currency, rules.seller_party(d.seller_org_id)
    rest = (
        credit("forfeiture_income", "", w.rest_fen, cur)
        if w.rest_to == "house"
        else credit("seller_payable", seller, w.rest_fen, cur)
    )
    return without_zero_legs(
        [
            debit("forfeiture_suspense", "", w.shortfall_fen + w.rest_fen, cur),
            credit("seller_payable", seller, w.shortfall_fen, cur),
            rest,
        ]
    )


async def declare_in(conn: BaseDBAsyncClient, invoice: Invoice, by_user_id: int | None, reason: str,
                     now: datetime) -> Default:  # fmt: skip
    existing = await Default.filter(invoice_id=invoice.id).using_db(conn).first()
    if existing is not None:
        return existing
    sale = await Sale.filter(id=invoice.sale_id).using_db(conn).get()
    if invoice.status != "open":
        raise Conflict("only an unpaid invoice can go into default", code="invoice_not_open")
    if sale.clocks_paused_since is not None:
        raise Conflict("a dispute holds this sale's clocks", code="clocks_paused")
    clock = await SaleClock.filter(sale_id=sale.id).using_db(conn).first()
    deadlines = clocks.deadlines_of(sale, invoice, clock)
    today = local_day(now)
    if today < deadlines.default_on:
        raise Conflict(f"the grace period runs until {deadlines.default_on}", code="default_too_early")
    terms = fee_rules.stored_rules(sale.rules).clocks
    lost_fees = sum(int(line["amount_fen"]) for line in invoice.lines if line["category"] == "fee")
    note = await invoices.void_in(conn, invoice, f"default: {reason}", by_user_id, now)
    forfeited = 0
    if sale.session_id is not None:
        forfeited = await deposits.held_fen(conn, sale.house_org_id, sale.buyer_user_id, sale.session_id, sale.currency)
    charges = sum(c.amount_fen for c in await Charge.filter(invoice_id=invoice.id).using_db(conn))
    w = clock_rules.waterfall(forfeited, charges + lost_fees, sale.hammer_fen, None, terms.rest_to)
    second_chance = None
    if sale.source == "auction" and sale.lot_id is not None:
        second_chance = _end_of_local_day(holidays.china().add_working_days(today, terms.second_chance_working_days))
    d = await Default.create(
        house_org_id=sale.house_org_id, invoice_id=invoice.id, sale_id=sale.id, session_id=sale.session_id,
        lot_id=sale.lot_id, seller_org_id=sale.seller_org_id, buyer_user_id=sale.buyer_user_id,
        buyer_org_id=sale.buyer_org_id, hammer_fen=sale.hammer_fen, currency=sale.currency, forfeited_fen=forfeited,
        house_costs_fen=w.house_costs_fen, rest_to=w.rest_to, reason=reason[:200], declared_by_user_id=by_user_id,
        declared_at=now, second_chance_until=second_chance, using_db=conn,
    )  # fmt: skip
    if forfeited:
        assert sale.session_id is not None
        party = rules.deposit_party(sale.buyer_user_id, sale.session_id)
        await ledger.post(
            conn, sale.house_org_id, f"default:forfeit:{invoice.id}", "deposit_forfeited",
            [debit("deposits_held", party, forfeited, sale.currency),
             credit("forfeiture_suspense", "", forfeited, sale.currency)],
            now, memo=f"default on {invoice.number}",
        )  # fmt: skip
        await (
            Deposit.filter(session_id=sale.session_id, user_id=sale.buyer_user_id)
            .using_db(conn)
            .update(status="forfeited")
        )
    legs = costs_legs(d, charges)
    if legs:
        await ledger.post(conn, sale.house_org_id, f"default:costs:{invoice.id}", "default_costs", legs, now,
                          memo=f"house costs of default on {invoice.number}")  # fmt: skip
    await Bar.create(
        house_org_id=sale.house_org_id, org_id=sale.buyer_org_id, user_id=sale.buyer_user_id,
        until=today + timedelta(days=terms.bar_days), default_id=d.id, using_db=conn,
    )  # fmt: skip
    if sale.buyer_org_id is not None:
        await organisations.record_default_penalty(
            conn, sale.buyer_org_id, sale.buyer_user_id, terms.penalty_points,
            f"悔拍 default on invoice {invoice.number}", f"credit note {note.number}; default {d.id}",
        )  # fmt: skip
    await notices.notify(
        conn, sale.buyer_user_id, f"invoice:{invoice.id}:defaulted", "defaulted",
        {"number": invoice.number, "forfeited": notices.yuan(forfeited)}, invoice.id,
    )  # fmt: skip
    await record_event(
        conn, SALE_CANCELLED,
        {"source": sale.source, "source_ref": sale.source_ref, "sale_id": sale.id, "lot_id": sale.lot_id,
         "house_org_id": sale.house_org_id, "reason": "default"},
    )  # fmt: skip
    await record_event(
        conn, SALE_DEFAULTED,
        {"default_id": d.id, "sale_id": sale.id, "source": sale.source, "lot_id": sale.lot_id,
         "session_id": sale.session_id, "house_org_id": sale.house_org_id, "vehicle_id": sale.vehicle_id,
         "seller_org_id": sale.seller_org_id, "buyer_user_id": sale.buyer_user_id,
         "buyer_org_id": sale.buyer_org_id, "hammer_fen": sale.hammer_fen, "currency": sale.currency,
         "second_chance_until": second_chance.isoformat() if second_chance else None},
    )  # fmt: skip
    return d


async def declare(principal: Principal, invoice_id: int, reason: str, now: datetime) -> Default:
    """The house's administrators declare a default on an unpaid invoice after its grace period."""
    invoice = await invoices.visible_invoice(principal, invoice_id)
    if not access.sets_fees(principal, invoice.house_org_id):
        raise Forbidden("only the house's administrators declare a default", code="insufficient_role")

    async def work(conn: BaseDBAsyncClient) -> Default:
        current = await invoices.locked(Invoice.filter(id=invoice_id), conn).get()
        if current.status == "void" and await Default.filter(invoice_id=current.id).using_db(conn).exists():
            return await Default.filter(invoice_id=current.id).using_db(conn).get()
        return await declare_in(conn, current, principal.user_id, reason, now)

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


async def close_in(conn: BaseDBAsyncClient, default_id: int, resale_sale_id: int | None, resale_hammer_fen: int | None,
                   now: datetime) -> Default:  # fmt: skip
    """The waterfall's last steps, once: the re-sale's shortfall to the seller, then the rest as the terms say."""
    d = await Default.filter(id=default_id).using_db(conn).get()
    if d.status == "closed":
        return d
    w = clock_rules.waterfall(d.forfeited_fen, d.house_costs_fen, d.hammer_fen, resale_hammer_fen, d.rest_to)  # type: ignore[arg-type]
    legs = close_legs(d, w)
    if legs:
        await ledger.post(conn, d.house_org_id, f"default:close:{d.id}", "default_closed", legs, now,
                          memo=f"waterfall of default {d.id}")  # fmt: skip
    moved = (
        await Default.filter(id=d.id, version=d.version)
        .using_db(conn)
        .update(status="closed", shortfall_fen=w.shortfall_fen, rest_fen=w.rest_fen, resale_sale_id=resale_sale_id,
                resale_hammer_fen=resale_hammer_fen, closed_at=now, version=d.version + 1)
    )  # fmt: skip
    if moved != 1:
        raise Contended()
    return await Default.filter(id=d.id).using_db(conn).get()


async def close(principal: Principal, house_org_id: int, default_id: int, resale_hammer_fen: int | None,
                now: datetime) -> Default:  # fmt: skip
    """The house closes a default by hand: the vehicle was relisted and sold for `resale_hammer_fen`, or (None)
    the house gives up on a re-sale; the rest of the forfeiture is shared by the waterfall."""
    visible_default(principal, house_org_id)
    if not access.sets_fees(principal, house_org_id):
        raise Forbidden("only the house's administrators close a default", code="insufficient_role")

    async def work(conn: BaseDBAsyncClient) -> Default:
        d = await Default.filter(id=default_id, house_org_id=house_org_id).using_db(conn).first()
        if d is None:
            raise NotFound("no such default", code="default_not_found")
        if d.status == "closed":
            raise Conflict("the default is closed already", code="default_closed")
        return await close_in(conn, d.id, None, resale_hammer_fen, now)

    return await ledger.retrying(work)


def visible_default(principal: Principal, house_org_id: int) -> None:
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")


async def house_defaults(principal: Principal, house_org_id: int) -> list[Default]:
    visible_default(principal, house_org_id)
    return list(await Default.filter(house_org_id=house_org_id).order_by("-id").limit(200))


async def bar_refusal(
    house_org_id: int, user_id: int, org_id: int | None, today: date, conn: BaseDBAsyncClient | None = None
) -> str | None:
    """Why this bidder may not register for, or bid in, the house's sessions (None: they may): a default's bar.
    auctions' registration and every bid call this (one indexed query; a bid passes its transaction's `conn`);
    the code is stable: `barred_after_default`."""
    who = Q(user_id=user_id) | Q(org_id=org_id) if org_id is not None else Q(user_id=user_id)
    if await Bar.filter(who, house_org_id=house_org_id, until__gt=today).using_db(conn).exists():
        return "barred_after_default"
    return None
