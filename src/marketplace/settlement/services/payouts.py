"""Paying the consignor (卖方结算): due when the buyer has paid in full, the vehicle was handed over and the dispute
window has closed with no dispute open. House staff record the bank transfer with its reference; the unique
sale column of `settlement_payouts` makes a second payout impossible, whatever the race.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound
from marketplace.outbox.events import record_event
from marketplace.settlement.domain import access
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import handover as rules
from marketplace.settlement.domain import ledger as ledger_rules
from marketplace.settlement.domain.invoices import seller_party
from marketplace.settlement.models import Dispute, GatePass, Invoice, Payout, Sale
from marketplace.settlement.services import ledger, refunds
from marketplace.settlement.services.handover import visible_sale, window_days


@dataclass(frozen=True)
class PayoutStatus:
    sale_id: int
    house_org_id: int
    seller_org_id: int
    currency: str
    figures: rules.PayoutFigures
    waiting: list[rules.Waiting]
    payout: Payout | None

    @property
    def state(self) -> str:
        if self.payout is not None:
            return "paid"
        return "waiting" if self.waiting else "due"


async def _payable(conn: BaseDBAsyncClient | None, sale: Sale) -> int:
    """What the house owes the seller now, from the running balance of its payable account (one row)."""
    row = await ledger.account(
        conn or connections.get("default"), sale.house_org_id, "seller_payable", seller_party(sale.seller_org_id),
        sale.currency, create=False,
    )  # fmt: skip
    t = ledger_rules.account_type("seller_payable")
    return 0 if row is None else ledger_rules.natural(t, row.balance_fen)


def assemble(
    sale: Sale, invoice: Invoice | None, gate: GatePass | None, dispute: Dispute | None, payout: Payout | None,
    window: int, payable_fen: int, now: datetime,
) -> PayoutStatus:  # fmt: skip
    """A sale's payout from its rows, already loaded (one sale: `status_of`; a page of them: `payout_list`)."""
    est = fee_rules.estimate(fee_rules.stored_rules(sale.rules), sale.hammer_fen)
    adjustments = dispute.refunded_fen if dispute is not None and sale.unwound_at is None else 0
    figures = rules.payout_figures(est, adjustments, payable_fen)
    waiting = rules.payout_waiting(
        own_stock=sale.seller_org_id == sale.house_org_id,
        invoice_paid=invoice is not None and invoice.status == "paid",
        delivered_at=gate.handed_over_at if gate is not None else None,
        window_days=rules.window_of(gate.dispute_window_days if gate is not None else None, window),
        dispute_open=dispute is not None and dispute.status == "open",
        unwound=sale.unwound_at is not None,
        now=now,
    )
    return PayoutStatus(sale.id, sale.house_org_id, sale.seller_org_id, sale.currency, figures, waiting, payout)


async def status_of(sale: Sale, now: datetime, conn: BaseDBAsyncClient | None = None) -> PayoutStatus:
    invoice = await Invoice.filter(sale_id=sale.id).using_db(conn).first()
    gate = await GatePass.filter(sale_id=sale.id).using_db(conn).first()
    dispute = await Dispute.filter(sale_id=sale.id).using_db(conn).first()
    payout = await Payout.filter(sale_id=sale.id).using_db(conn).first()
    window = await window_days(sale.house_org_id, conn)
    return assemble(sale, invoice, gate, dispute, payout, window, await _payable(conn, sale), now)


async def sale_payout(principal: Principal, sale_id: int, now: datetime) -> PayoutStatus:
    """For the house's staff and the seller; a buyer is not told what the consignor nets."""
    sale, viewer = await visible_sale(principal, sale_id)
    if not (viewer.house or viewer.seller):
        raise NotFound("no such sale", code="sale_not_found")
    return await status_of(sale, now)


async def record_payout(
    principal: Principal, sale_id: int, bank_reference: str, paid_on: date, now: datetime
) -> tuple[PayoutStatus, bool]:
    """Record the bank transfer to the consignor: posts Dr seller payable / Cr bank (business key `payout:{sale}`).
    The same reference again returns the first payout (False: nothing new); another reference for a sale paid
    already is 409 `payout_exists`."""
    sale, viewer = await visible_sale(principal, sale_id)
    if not access.keeps_books(principal, sale.house_org_id):
        if viewer.house:
            raise Forbidden("the house's own staff record its payouts", code="not_house_staff")
        raise NotFound("no such sale", code="sale_not_found")
    reference = " ".join(bank_reference.split())

    async def work(conn: BaseDBAsyncClient) -> tuple[PayoutStatus, bool]:
        current = await Sale.filter(id=sale.id).using_db(conn).get()
        existing = await Payout.filter(sale_id=sale.id).using_db(conn).first()
        if existing is not None:
            if not refunds.same_reference(existing.bank_reference, reference):
                raise Conflict("this sale's consignor was paid already", code="payout_exists")
            return await status_of(current, now, conn), False
        if await refunds.reference_used(conn, sale.house_org_id, reference):
            # Another payout's, or a refund's: one transfer out of the house's bank pays one thing.
            raise Conflict("this bank reference was recorded for another payout or a refund",
                           code="payout_reference_used")  # fmt: skip
        status = await status_of(current, now, conn)
        if status.waiting:
            raise Conflict(
                "the payout is not due: " + ", ".join(w.value for w in status.waiting), code="payout_not_due",
                details=[{"waiting": [w.value for w in status.waiting]}],
            )  # fmt: skip
        f = status.figures
        tx_id = None
        if f.amount_fen > 0:
            posted = await ledger.post(
                conn, sale.house_org_id, f"payout:{sale.id}", "payout",
                rules.payout_legs(sale.seller_org_id, f.amount_fen, sale.currency), now,
                memo=f"payout {reference} for sale {sale.id}",
            )  # fmt: skip
            tx_id = posted.transaction.id
        # The unique sale column is the guarantee: a concurrent payout for this sale fails here (or on the posting's
        # business key), `retrying` runs us again, and we find the first one.
        payout = await Payout.create(
            sale_id=sale.id, house_org_id=sale.house_org_id, seller_org_id=sale.seller_org_id, currency=sale.currency,
            hammer_fen=f.hammer_fen, commission_fen=f.commission_fen, seller_fees_fen=f.seller_fees_fen,
            adjustments_fen=f.adjustments_fen, set_off_fen=f.set_off_fen, amount_fen=f.amount_fen,
            bank_reference=reference, paid_on=paid_on, recorded_by_user_id=principal.user_id, transaction_id=tx_id,
            using_db=conn,
        )  # fmt: skip
        # Claimed where refunds claim theirs: a refund recorded with this reference at the same moment meets this
        # row on the unique key, and whichever commits second runs again and finds the reference taken.
        await refunds.claim_reference(conn, sale.house_org_id, reference, "payout", payout.id)
        await record_event(
            conn, "settlement.payout_recorded",
            {"payout_id": payout.id, "sale_id": sale.id, "house_org_id": sale.house_org_id,
             "seller_org_id": sale.seller_org_id, "amount_fen": payout.amount_fen, "currency": payout.currency},
        )  # fmt: skip
        return PayoutStatus(sale.id, sale.house_org_id, sale.seller_org_id, sale.currency, f, [], payout), True

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


# --- the payout statement (per seller, per house) -------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    sale_id: int
    source: str
    lot_id: int | None
    listing_id: int | None
    vehicle_id: int | None
    sold_at: datetime
    currency: str
    hammer_fen: int
    commission_fen: int
    seller_fees_fen: int
    adjustments_fen: int
    net_fen: int  # hammer − commission − fees − adjustments
    state: str  # paid | due | waiting | unwound
    waiting: list[str]
    paid_fen: int | None  # what was transferred (paid lines)
    set_off_fen: int | None  # fees owed elsewhere kept back (paid lines)
    bank_reference: str | None
    paid_on: date | None


@dataclass(frozen=True)
class Totals:
    currency: str
    hammer_fen: int
    commission_fen: int
    seller_fees_fen: int
    adjustments_fen: int
    paid_fen: int
    outstanding_fen: int  # net of the lines not paid yet (due or waiting)


@dataclass(frozen=True)
class PayoutStatement:
    """Every figure of a seller's payout statement with one house (the documents helper renders it)."""

    house_org_id: int
    seller_org_id: int
    as_of: datetime
    lines: list[StatementLine]
    totals: list[Totals]
    payable_balance_fen: dict[str, int] = field(default_factory=dict)  # what the house owes the seller, per currency


async def statement_data(house_org_id: int, seller_org_id: int, now: datetime) -> PayoutStatement:
    """The statement's data, unchecked: the caller decides who may see it (`payout_statement`)."""
    lines: list[StatementLine] = []
    balances: dict[str, int] = {}
    for sale in await Sale.filter(house_org_id=house_org_id, seller_org_id=seller_org_id).order_by("sold_at", "id"):
        st = await status_of(sale, now)
        f, p = st.figures, st.payout
        balances[sale.currency] = await _payable(None, sale)
        state = "unwound" if rules.Waiting.UNWOUND in st.waiting else st.state
        lines.append(
            StatementLine(
                sale_id=sale.id, source=sale.source, lot_id=sale.lot_id, listing_id=sale.listing_id,
                vehicle_id=sale.vehicle_id, sold_at=sale.sold_at, currency=sale.currency,
                hammer_fen=0 if state == "unwound" else f.hammer_fen,
                commission_fen=0 if state == "unwound" else f.commission_fen,
                seller_fees_fen=0 if state == "unwound" else f.seller_fees_fen,
                adjustments_fen=0 if state == "unwound" else f.adjustments_fen,
                net_fen=0 if state == "unwound" else max(f.net_of_sale_fen, 0), state=state,
                waiting=[w.value for w in st.waiting if w is not rules.Waiting.UNWOUND],
                paid_fen=p.amount_fen if p else None, set_off_fen=p.set_off_fen if p else None,
                bank_reference=p.bank_reference if p else None, paid_on=p.paid_on if p else None,
            )
        )  # fmt: skip
    totals = []
    for cur in sorted({line.currency for line in lines}):
        mine = [line for line in lines if line.currency == cur]
        totals.append(
            Totals(
                currency=cur, hammer_fen=sum(x.hammer_fen for x in mine),
                commission_fen=sum(x.commission_fen for x in mine),
                seller_fees_fen=sum(x.seller_fees_fen for x in mine),
                adjustments_fen=sum(x.adjustments_fen for x in mine), paid_fen=sum(x.paid_fen or 0 for x in mine),
                outstanding_fen=sum(x.net_fen for x in mine if x.state in ("due", "waiting")),
            )
        )  # fmt: skip
    return PayoutStatement(house_org_id, seller_org_id, now, lines, totals, balances)


async def payout_statement(
    principal: Principal, house_org_id: int, seller_org_id: int, now: datetime
) -> PayoutStatement:
    """For the house's staff and the seller's own selling staff; to anyone else 404, as if neither existed."""
    if not (access.reads_books(principal, house_org_id) or access.is_seller(principal, seller_org_id)):
        raise NotFound("not found")
    return await statement_data(house_org_id, seller_org_id, now)
