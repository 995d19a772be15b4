"""From a sale to the buyer's invoice and its postings; receipts recorded by house staff; reading invoices.

Everything for one sale happens in one transaction (the event consumer's): the sale row, the invoice with the
next number of the house's year (compare-and-set on the counter row, so numbers are gapless and never reused),
the sale's posting, the deposit lodged and applied. Each posting carries a business key, so a redelivered
event — or a retry after an ambiguous commit — posts nothing twice.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.outbox.events import record_event
from marketplace.settlement import holidays
from marketplace.settlement.domain import access
from marketplace.settlement.domain import fees as fee_rules
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.domain import statements as statement_rules
from marketplace.settlement.domain.ledger import reversal as ledger_reversal
from marketplace.settlement.models import (
    CreditNote,
    CreditNoteCounter,
    Deposit,
    GatePass,
    Invoice,
    InvoiceCounter,
    Receipt,
    Sale,
)
from marketplace.settlement.services import ledger
from marketplace.settlement.services.ledger import Contended

REFERENCE_MAX = 64  # settlement_receipts.reference
LOCAL = ZoneInfo("Asia/Shanghai")  # invoice years and due dates are the house's calendar days


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


async def next_number(
    conn: BaseDBAsyncClient,
    house_org_id: int,
    year: int,
    series: type[InvoiceCounter | CreditNoteCounter] = InvoiceCounter,
) -> int:
    return await next_numbers(conn, house_org_id, year, 1, series)


async def next_numbers(
    conn: BaseDBAsyncClient,
    house_org_id: int,
    year: int,
    count: int,
    series: type[InvoiceCounter | CreditNoteCounter] = InvoiceCounter,
) -> int:
    """Take the next `count` numbers of the house's year as one range (the batch consumer's invoices); returns
    the first. Compare-and-set on the counter row, so numbers are gapless and never reused."""
    counter = await series.filter(house_org_id=house_org_id, year=year).using_db(conn).first()
    if counter is None:
        # A concurrent first number of the year hits the unique key; `ledger.retrying` runs us again.
        counter = await series.create(house_org_id=house_org_id, year=year, last_seq=0, using_db=conn)
    taken = (
        await series.filter(id=counter.id, last_seq=counter.last_seq)
        .using_db(conn)
        .update(last_seq=counter.last_seq + count)
    )
    if taken != 1:
        raise Contended()
    return int(counter.last_seq) + 1


def locked(invoices: QuerySet[Invoice], conn: BaseDBAsyncClient) -> QuerySet[Invoice]:
    """Invoices read to take a payment: row-locked in id order until the transaction ends (PostgreSQL; SQLite has
    one writer at a time), so an allocation never starts from a balance another payment is changing."""
    return invoices.select_for_update().order_by("id").using_db(conn)


def lines_of(invoice: Invoice) -> list[rules.Line]:
    return [rules.Line(**line) for line in invoice.lines]


async def _apply(conn: BaseDBAsyncClient, invoice: Invoice, allocation: rules.Allocation) -> None:
    paid = invoice.paid_fen + allocation.applied_fen
    updated = (
        await Invoice.filter(id=invoice.id, version=invoice.version)
        .using_db(conn)
        .update(
            lines=[asdict(line) for line in allocation.lines],
            paid_fen=paid,
            status="paid" if paid >= invoice.total_fen else "open",
            version=invoice.version + 1,
        )
    )
    if updated != 1:
        raise Contended()
    invoice.lines = [asdict(line) for line in allocation.lines]
    invoice.paid_fen = paid
    invoice.status = "paid" if paid >= invoice.total_fen else "open"
    invoice.version += 1


apply_payment = _apply  # a payment from another rail (a statement line, a card) applied the same way


async def record_sale(conn: BaseDBAsyncClient, sale: dict[str, Any], rules_used: fee_rules.FeeRules,
                      schedule_id: int | None) -> Invoice | None:  # fmt: skip
    """Settle a sale: its row, the invoice, the postings. A sale already recorded returns None."""
    if await Sale.filter(source=sale["source"], source_ref=sale["source_ref"]).using_db(conn).exists():
        return None
    row = await Sale.create(**sale, fee_schedule_id=schedule_id, rules=fee_rules.rules_json(rules_used), using_db=conn)
    est = fee_rules.estimate(rules_used, row.hammer_fen)
    if est.currency != row.currency:
        raise ValueError(f"the fee schedule is in {est.currency}, the sale in {row.currency}")
    sold_on = local_day(row.sold_at)
    calendar = holidays.china()
    due = calendar.add_working_days(sold_on, rules_used.payment_days)
    year = sold_on.year
    seq = await next_number(conn, row.house_org_id, year)
    lines = rules.invoice_lines(est)
    invoice = await Invoice.create(
        house_org_id=row.house_org_id,
        number=rules.number(year, row.house_org_id, seq),
        year=year,
        seq=seq,
        sale_id=row.id,
        buyer_user_id=row.buyer_user_id,
        buyer_org_id=row.buyer_org_id,
        currency=row.currency,
        total_fen=est.total_due_fen,
        lines=[asdict(line) for line in lines],
        issued_at=row.sold_at,
        due_date=due,
        due_date_provisional=not (calendar.covers(sold_on) and calendar.covers(due)),
        using_db=conn,
    )
    own_stock = row.seller_org_id == row.house_org_id
    legs = rules.sale_legs(est, row.buyer_user_id, row.seller_org_id, own_stock)
    if legs:  # a sale of nothing with no fees posts nothing
        await ledger.post(
            conn, row.house_org_id, f"sale:{row.source}:{row.source_ref}", "sale", legs, row.sold_at,
            memo=f"invoice {invoice.number}",
        )  # fmt: skip
    if row.deposit_fen > 0 and row.session_id is not None:
        await _apply_deposit(conn, row, invoice)
    await record_event(
        conn,
        "settlement.invoice_issued",
        {"invoice_id": invoice.id, "house_org_id": invoice.house_org_id, "buyer_user_id": invoice.buyer_user_id,
         "total_fen": invoice.total_fen, "balance_fen": invoice.total_fen - invoice.paid_fen,
         "due_date": invoice.due_date.isoformat()},
    )  # fmt: skip
    return invoice


async def _apply_deposit(conn: BaseDBAsyncClient, sale: Sale, invoice: Invoice) -> None:
    # The deposit is lodged once per bidder and session (its business key); each won lot's invoice then takes
    # what is left of it, fees first, so two lots never use the same deposit money.
    # Lodged here only if no one lodged it before: a deposit confirmed on the deposits desk (or by card, through
    # Stripe clearing, or for another amount) is posted under the same key with its own legs, which the ledger
    # would refuse to see reused for other ones.
    assert sale.session_id is not None
    cur = sale.currency
    lodged_key = f"deposit:lodged:{sale.session_id}:{sale.buyer_user_id}"
    if not await ledger.is_posted(conn, sale.house_org_id, lodged_key):
        await ledger.post(
            conn, sale.house_org_id, lodged_key, "deposit_lodged",
            rules.deposit_lodged_legs(sale.buyer_user_id, sale.session_id, sale.deposit_fen, cur), sale.sold_at,
        )  # fmt: skip
    held = await ledger.account(
        conn, sale.house_org_id, "deposits_held", rules.deposit_party(sale.buyer_user_id, sale.session_id), cur
    )
    assert held is not None
    available = -held.balance_fen
    allocation = rules.allocate(lines_of(invoice), min(available, invoice.total_fen - invoice.paid_fen))
    if not allocation.applied_fen:
        return
    await ledger.post(
        conn, sale.house_org_id, f"deposit:applied:{invoice.id}", "deposit_applied",
        rules.deposit_applied_legs(sale.buyer_user_id, sale.session_id, allocation.applied_fen, cur), sale.sold_at,
        memo=f"deposit applied to {invoice.number}",
    )  # fmt: skip
    await _apply(conn, invoice, allocation)
    await Invoice.filter(id=invoice.id).using_db(conn).update(deposit_applied_fen=allocation.applied_fen)
    invoice.deposit_applied_fen = allocation.applied_fen


# --- receipts -------------------------------------------------------------------------------------


async def record_receipt(
    principal: Principal, house_org_id: int, invoice_id: int, reference: str, amount_fen: int, received_on: date,
    now: datetime,
) -> tuple[Receipt, bool]:  # fmt: skip
    """A bank receipt for an invoice, recorded by house staff: fees first, then the price, the rest a credit.
    Once per bank reference: the same reference again returns the first receipt (True: it is new)."""
    if not access.keeps_books(principal, house_org_id):
        if access.reads_books(principal, house_org_id):
            raise Forbidden("the house's own staff record its receipts", code="not_house_staff")
        raise NotFound("not found")
    # Kept as a statement keeps the bank's serial (statements.squash: full-width as half-width, no spaces, upper
    # case), so the statement line of this transfer finds it however staff typed it: spaced as the bank's notice
    # prints it, the line was applied a second time. The posting key is the same as the line's, too.
    spaced, reference = " ".join(reference.split()), statement_rules.squash(reference)
    if len(reference) > REFERENCE_MAX:  # NFKC may lengthen a character (㍿ → 株式会社)
        raise ValidationFailed("the bank reference is too long", details=[{"loc": ["body", "reference"],
                                                                            "msg": "too long"}])  # fmt: skip

    async def work(conn: BaseDBAsyncClient) -> tuple[Receipt, bool]:
        # Case-blind, and also as receipts were kept before they were squashed (spaces kept).
        typed = Q(reference__iexact=reference) | Q(reference__iexact=spaced)
        existing = await Receipt.filter(typed, house_org_id=house_org_id, rail="bank").using_db(conn).first()
        if existing is not None:
            if existing.invoice_id != invoice_id or existing.amount_fen != amount_fen:
                raise Conflict(
                    "this bank reference was recorded with another invoice or amount", code="receipt_reference_used"
                )
            return existing, False
        # Locked: receipts for one invoice take turns, each allocating from what the one before left (read unlocked,
        # a stale invoice made the posting refuse: the buyer's receivable would have gone below zero).
        invoice = await locked(Invoice.filter(id=invoice_id, house_org_id=house_org_id), conn).first()
        if invoice is None:
            raise NotFound("no such invoice", code="invoice_not_found")
        if invoice.status == "void":
            raise Conflict("the invoice was voided by a credit note", code="invoice_void")
        allocation = rules.allocate(lines_of(invoice), amount_fen)
        posted = await ledger.post(
            conn, house_org_id, f"receipt:bank:{reference}", "receipt",
            rules.receipt_legs(invoice.buyer_user_id, allocation.applied_fen, allocation.remainder_fen,
                               invoice.currency),
            now, memo=f"bank {reference} for {invoice.number}",
        )  # fmt: skip
        if allocation.applied_fen:
            await _apply(conn, invoice, allocation)
        receipt = await Receipt.create(
            house_org_id=house_org_id, rail="bank", reference=reference, invoice_id=invoice.id, amount_fen=amount_fen,
            currency=invoice.currency, applied_fen=allocation.applied_fen, credit_fen=allocation.remainder_fen,
            allocation=[list(a) for a in allocation.applied], received_on=received_on,
            recorded_by_user_id=principal.user_id, transaction_id=posted.transaction.id, using_db=conn,
        )  # fmt: skip
        await record_event(
            conn, "settlement.receipt_recorded",
            {"receipt_id": receipt.id, "invoice_id": invoice.id, "house_org_id": house_org_id,
             "applied_fen": receipt.applied_fen, "credit_fen": receipt.credit_fen, "status": invoice.status},
        )  # fmt: skip
        return receipt, True

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


# --- voiding ---------------------------------------------------------------------------------------


async def void_invoice(principal: Principal, invoice_id: int, reason: str, now: datetime) -> Invoice:
    """Cancel an invoice by a credit note: the invoice keeps its number (status void); new postings reverse the
    deposit applied (back to the bidder's deposit) and the sale. Only an invoice nobody has paid into by receipt:
    refunding received money is the refunds work, not this."""
    invoice = await visible_invoice(principal, invoice_id)
    if not access.sets_fees(principal, invoice.house_org_id):
        raise Forbidden("only the house's administrators void an invoice", code="insufficient_role")

    async def work(conn: BaseDBAsyncClient) -> Invoice:
        current = await locked(Invoice.filter(id=invoice_id), conn).first()
        assert current is not None
        await void_in(conn, current, reason, principal.user_id, now)
        return await Invoice.filter(id=current.id).using_db(conn).get()

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


async def void_in(conn: BaseDBAsyncClient, current: Invoice, reason: str, user_id: int | None,
                  now: datetime) -> CreditNote:  # fmt: skip
    """Void `current` by a credit note inside the caller's transaction (a void, or a default's cancellation)."""
    if current.status == "void":
        raise Conflict("the invoice is void already", code="invoice_void")
    if current.paid_fen != current.deposit_applied_fen:
        raise Conflict("receipts were applied to this invoice: refund them first", code="invoice_has_receipts")
    if await GatePass.filter(sale_id=current.sale_id, handed_over_at__isnull=False).using_db(conn).exists():
        # A deposit that paid everything leaves no receipt, so the rule above let such an invoice be voided after
        # the vehicle left: the deposit went back to the buyer, who kept the car, and the consignor's payable was
        # reversed even after the payout. The sale happened; only a dispute's unwind undoes it now. (The scan reads
        # the invoice row-locked, so a void and a scan at once take turns.)
        raise Conflict("the vehicle was handed over: a dispute's unwind undoes the sale", code="vehicle_handed_over")
    sale = await Sale.filter(id=current.sale_id).using_db(conn).get()
    year = local_day(now).year
    seq = await next_number(conn, current.house_org_id, year, CreditNoteCounter)
    note = await CreditNote.create(
        house_org_id=current.house_org_id, number=f"CN-{rules.number(year, current.house_org_id, seq)}",
        year=year, seq=seq, invoice_id=current.id, amount_fen=current.total_fen, reason=reason[:200],
        issued_by_user_id=user_id or 0, issued_at=now, using_db=conn,
    )  # fmt: skip
    if current.deposit_applied_fen:
        assert sale.session_id is not None
        deposit = await Deposit.filter(session_id=sale.session_id, user_id=sale.buyer_user_id).using_db(conn).first()
        if deposit is None or deposit.status == "held":
            legs = ledger_reversal(rules.deposit_applied_legs(
                sale.buyer_user_id, sale.session_id, current.deposit_applied_fen, current.currency
            ))  # fmt: skip
        else:
            # The deposit was settled after the session (its one refund opened or made, or all of it spent): money
            # returned to the deposit account now would stay there, owed with no refund to take it. It is the
            # buyer's credit instead, refundable on request (services/refunds.py).
            legs = rules.deposit_unapplied_to_credit_legs(sale.buyer_user_id, current.deposit_applied_fen,
                                                          current.currency)  # fmt: skip
        await ledger.post(conn, current.house_org_id, f"void:deposit:{current.id}", "deposit_unapplied", legs, now,
                          memo=f"credit note {note.number}")  # fmt: skip
    est = fee_rules.estimate(fee_rules.stored_rules(sale.rules), sale.hammer_fen)
    legs = rules.sale_legs(est, sale.buyer_user_id, sale.seller_org_id, sale.seller_org_id == sale.house_org_id)
    if legs:
        await ledger.post(conn, current.house_org_id, f"void:sale:{current.id}", "sale_voided",
                          ledger_reversal(legs), now, memo=f"credit note {note.number}")  # fmt: skip
    updated = (
        await Invoice.filter(id=current.id, version=current.version)
        .using_db(conn)
        .update(status="void", version=current.version + 1)
    )
    if updated != 1:
        raise Contended()
    current.status, current.version = "void", current.version + 1
    await record_event(
        conn, "settlement.invoice_voided",
        {"invoice_id": current.id, "credit_note": note.number, "house_org_id": current.house_org_id},
    )  # fmt: skip
    return note


# --- reading --------------------------------------------------------------------------------------


async def visible_invoice(principal: Principal, invoice_id: int) -> Invoice:
    invoice = await Invoice.get_or_none(id=invoice_id)
    if invoice is None or not access.sees_invoice(
        principal, invoice.house_org_id, invoice.buyer_user_id, invoice.buyer_org_id
    ):
        raise NotFound("no such invoice", code="invoice_not_found")
    return invoice


def overdue(invoice: Invoice, today: date) -> bool:
    return invoice.status == "open" and today > invoice.due_date
