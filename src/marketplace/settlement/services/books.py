"""Reading a house's books: the trial balance (from running balances: one row per account) and statements."""

from __future__ import annotations

from datetime import date

from marketplace.accounts.domain import Principal
from marketplace.errors import NotFound
from marketplace.settlement.domain import access
from marketplace.settlement.domain import ledger as rules
from marketplace.settlement.models import CreditNote, Invoice, LedgerAccount, LedgerEntry, LedgerTransaction, Sale
from marketplace.settlement.schemas import (
    EntryOut,
    InvoiceFilter,
    InvoiceLineOut,
    InvoiceOut,
    StatementIn,
    StatementOut,
    TrialBalanceLine,
    TrialBalanceOut,
)
from marketplace.web.pagination import PageQuery, paginate


def require_books(principal: Principal, org_id: int) -> None:
    if not access.reads_books(principal, org_id):
        raise NotFound("not found")


def _line(acc: LedgerAccount) -> TrialBalanceLine:
    t = rules.account_type(acc.code)
    return TrialBalanceLine(
        account_id=acc.id, code=acc.code, name_en=t.name_en, name_zh=t.name_zh, party=acc.party,
        normal=t.normal, debit_fen=max(acc.balance_fen, 0), credit_fen=max(-acc.balance_fen, 0),
    )  # fmt: skip


async def trial_balance(principal: Principal, org_id: int, currency: str) -> TrialBalanceOut:
    require_books(principal, org_id)
    accounts = await LedgerAccount.filter(house_org_id=org_id, currency=currency).order_by("code", "party")
    lines = [_line(a) for a in accounts if a.balance_fen]
    debit, credit = sum(x.debit_fen for x in lines), sum(x.credit_fen for x in lines)
    return TrialBalanceOut(
        currency=currency, lines=lines, total_debit_fen=debit, total_credit_fen=credit, balanced=debit == credit
    )


async def statement(principal: Principal, org_id: int, account_id: int, query: StatementIn) -> StatementOut:
    require_books(principal, org_id)
    acc = await LedgerAccount.get_or_none(id=account_id, house_org_id=org_id)
    if acc is None:
        raise NotFound("no such account", code="account_not_found")
    rows, cursor = await paginate(
        LedgerEntry.filter(account_id=acc.id), PageQuery(cursor=query.cursor, limit=query.limit), lambda e: e
    )
    headers = {t.id: t for t in await LedgerTransaction.filter(id__in=list({e.transaction_id for e in rows}))}
    items = [
        EntryOut(
            id=e.id,
            transaction_id=str(e.transaction_id),
            business_key=headers[e.transaction_id].business_key,
            kind=headers[e.transaction_id].kind,
            memo=headers[e.transaction_id].memo,
            amount_fen=e.amount_fen,
            balance_after_fen=e.balance_after_fen,
            posted_at=e.posted_at,
        )  # fmt: skip
        for e in rows
    ]
    natural = rules.natural(rules.account_type(acc.code), acc.balance_fen)
    return StatementOut(account=_line(acc), balance_fen=natural, items=items, next_cursor=cursor)


async def invoices_out(rows: list[Invoice], today: date) -> list[InvoiceOut]:
    sales = {s.id: s for s in await Sale.filter(id__in=[i.sale_id for i in rows])}
    notes = {n.invoice_id: n.number for n in await CreditNote.filter(invoice_id__in=[i.id for i in rows])}
    out = []
    for i in rows:
        sale = sales[i.sale_id]
        out.append(
            InvoiceOut.model_validate(
                {
                    "id": i.id, "number": i.number, "house_org_id": i.house_org_id, "buyer_user_id": i.buyer_user_id,
                    "buyer_org_id": i.buyer_org_id, "source": sale.source, "session_id": sale.session_id,
                    "lot_id": sale.lot_id, "listing_id": sale.listing_id, "vehicle_id": sale.vehicle_id,
                    "currency": i.currency, "status": i.status, "credit_note_number": notes.get(i.id),
                    "lines": [InvoiceLineOut(**x) for x in i.lines],
                    "total_fen": i.total_fen, "deposit_applied_fen": i.deposit_applied_fen, "paid_fen": i.paid_fen,
                    "balance_due_fen": i.total_fen - i.paid_fen, "issued_at": i.issued_at, "due_date": i.due_date,
                    "due_date_provisional": i.due_date_provisional, "sale_id": i.sale_id,
                    "session_title": sale.session_title, "lot_title": sale.lot_title,
                    "overdue": i.status == "open" and today > i.due_date,
                }
            )
        )  # fmt: skip
    return out


async def house_invoices(
    principal: Principal, org_id: int, query: InvoiceFilter, today: date
) -> tuple[list[InvoiceOut], str | None]:
    require_books(principal, org_id)
    qs = Invoice.filter(house_org_id=org_id)
    if query.status:
        qs = qs.filter(status=query.status)
    rows, cursor = await paginate(qs, PageQuery(cursor=query.cursor, limit=query.limit), lambda r: r)
    return await invoices_out(rows, today), cursor


async def my_invoices(principal: Principal, query: InvoiceFilter, today: date) -> tuple[list[InvoiceOut], str | None]:
    qs = Invoice.filter(buyer_user_id=principal.user_id)
    if query.status:
        qs = qs.filter(status=query.status)
    rows, cursor = await paginate(qs, PageQuery(cursor=query.cursor, limit=query.limit), lambda r: r)
    return await invoices_out(rows, today), cursor
