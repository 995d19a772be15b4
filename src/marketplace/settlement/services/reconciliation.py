"""Reconciliation per rail: every bank line and every Stripe balance transaction matched to a posting, or listed.

A receipt (by hand, from a statement line, or a card payment) debits the rail's clearing account. When the rail's
own record confirms the money — a statement line, a Stripe balance transaction — a posting moves it on to the
bank (or the Stripe balance, less Stripe's fee), so a clearing account nets to zero once everything recorded has
been seen, and what is left in it is listed: receipts the statements do not show yet, card payments Stripe has
not settled yet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count

from marketplace.accounts.domain import Principal
from marketplace.errors import ServiceUnavailable
from marketplace.ports.payments.base import BalanceLine, CardRailError, Payee
from marketplace.settlement.domain import cards as card_rules
from marketplace.settlement.models import BankImport, BankLine, CardBalanceLine, CardOperation, Receipt
from marketplace.settlement.services import cards, ledger, payees
from marketplace.settlement.services.books import require_books
from marketplace.settlement.services.statement_files import require_keeper
from marketplace.web.pagination import PageQuery, paginate

LISTED = 200  # unmatched items listed per view (the counts cover them all)
OPEN_STATUSES = ("queued", "flagged")


def _line_out(line: BankLine) -> dict[str, Any]:
    return {
        "id": line.id, "serial": line.serial, "booked_at": line.booked_at, "amount_fen": line.amount_fen,
        "balance_fen": line.balance_fen, "currency": line.currency, "payer": line.payer, "reference": line.reference,
        "status": line.status, "reason": line.reason, "invoices": line.invoices, "balance_break": line.balance_break,
        "expected_balance_fen": line.expected_balance_fen, "note": line.note,
    }  # fmt: skip


async def bank_view(principal: Principal, house_org_id: int, currency: str) -> dict[str, Any]:
    require_books(principal, house_org_id)
    lines = BankLine.filter(house_org_id=house_org_id, currency=currency)
    counts = {s: await lines.filter(status=s).count() for s in ("applied", "matched", "resolved", "flagged",
                                                                  "queued", "excluded")}  # fmt: skip
    unmatched = await lines.filter(status__in=OPEN_STATUSES).order_by("-booked_at", "-id").limit(LISTED)
    breaks = await lines.filter(balance_break=True).order_by("-booked_at", "-id").limit(LISTED)
    last = await lines.filter(balance_fen__not_isnull=True).order_by("-booked_at", "-line_no", "-id").first()
    seen = {str(s) for s in await BankLine.filter(house_org_id=house_org_id).values_list("serial", flat=True) if s}
    seen |= {str(k) for k in await BankLine.filter(house_org_id=house_org_id).values_list("dedup_key", flat=True)}
    receipts = await Receipt.filter(house_org_id=house_org_id, rail="bank", currency=currency).order_by("-id")
    unseen = [r for r in receipts if r.reference.split("/")[0] not in seen and r.reference.upper() not in seen]
    clearing = await ledger.balance(house_org_id, "bank_clearing", "", currency)
    return {
        "rail": "bank", "currency": currency, "counts": counts,
        "clearing_fen": clearing, "bank_fen": await ledger.balance(house_org_id, "bank", "", currency),
        "statement_balance_fen": None if last is None else last.balance_fen,
        "reconciled": clearing == 0 and not unmatched,
        "unmatched": [_line_out(x) for x in unmatched], "balance_breaks": [_line_out(x) for x in breaks],
        "receipts_not_on_statement": [
            {"id": r.id, "reference": r.reference, "invoice_id": r.invoice_id, "amount_fen": r.amount_fen,
             "received_on": r.received_on} for r in unseen[:LISTED]
        ],
    }  # fmt: skip


MATCHED = ("applied", "matched", "resolved")


async def statement_imports(
    principal: Principal, house_org_id: int, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The house's imported statements, newest first, each with its lines' outcomes as they stand now (a queued
    line a person resolved counts as matched)."""
    require_books(principal, house_org_id)
    rows, next_cursor = await paginate(BankImport.filter(house_org_id=house_org_id),
                                       PageQuery(cursor=cursor, limit=limit), lambda r: r)  # fmt: skip
    counts: dict[int, dict[str, int]] = {r.id: {} for r in rows}
    grouped = (
        await BankLine.filter(house_org_id=house_org_id, import_id__in=list(counts))
        .annotate(n=Count("id"))
        .group_by("import_id", "status")
        .values("import_id", "status", "n")
    )
    for g in grouped:
        counts[int(g["import_id"])][str(g["status"])] = int(g["n"])
    out = []
    for r in rows:
        c = counts[r.id]
        out.append({
            "id": r.id, "filename": r.filename, "layout": r.layout, "lines_total": r.lines_total,
            "lines_new": r.lines_new, "imported_at": r.created_at, "counts": c,
            "matched": sum(c.get(s, 0) for s in MATCHED), "unmatched": sum(c.get(s, 0) for s in OPEN_STATUSES),
            "excluded": c.get("excluded", 0), "balance_breaks": len(r.summary.get("breaks", [])),
        })  # fmt: skip
    return out, next_cursor


# --- Stripe -------------------------------------------------------------------------------------------------------


async def stripe_view(principal: Principal, house_org_id: int, currency: str) -> dict[str, Any]:
    require_books(principal, house_org_id)
    bts = CardBalanceLine.filter(house_org_id=house_org_id, currency=currency)
    unmatched = await bts.filter(status="unmatched").order_by("-created", "-id").limit(LISTED)
    settled = {str(s) for s in await bts.filter(status="matched").values_list("source", flat=True)}
    paid = await CardOperation.filter(house_org_id=house_org_id, currency=currency, status="succeeded",
                                      kind__in=["payment", "capture", "checkout"]).order_by("-id")  # fmt: skip
    unsettled = [op for op in paid if op.charge_id and op.charge_id not in settled and op.kind != "capture"]
    clearing = await ledger.balance(house_org_id, "stripe_clearing", "", currency)
    return {
        "rail": "stripe", "currency": currency,
        "counts": {"matched": await bts.filter(status="matched").count(), "unmatched": len(unmatched)},
        "clearing_fen": clearing, "stripe_balance_fen": await ledger.balance(house_org_id, "stripe_balance", "",
                                                                              currency),
        "fees_fen": await ledger.balance(house_org_id, "payment_fees", "", currency),
        "reconciled": clearing == 0 and not unmatched,
        "unmatched": [
            {"id": b.provider_id, "type": b.type, "source": b.source, "amount_fen": b.amount_fen, "fee_fen": b.fee_fen,
             "net_fen": b.net_fen, "created": b.created} for b in unmatched
        ],
        "payments_not_settled": [
            {"operation_id": op.id, "provider_id": op.provider_id, "amount_fen": op.amount_fen} for op in unsettled
        ][:LISTED],
    }  # fmt: skip


async def _settle_line(conn: BaseDBAsyncClient, house_org_id: int, account: str, bt: BalanceLine) -> str:
    if await CardBalanceLine.filter(provider_id=bt.id).using_db(conn).exists():
        return "known"
    op = None
    # Only this house's operations on this very account: a line is the house's when its money is in its account.
    ours = CardOperation.filter(house_org_id=house_org_id, payee_account=account)
    if bt.source.startswith(("ch_", "py_")):
        charged = ours.filter(charge_id=bt.source, kind__in=["payment", "authorisation", "checkout"])
        op = await charged.exclude(purpose="order").using_db(conn).first()  # an export order's: not a house's books
    elif bt.source.startswith(("re_", "pyr_")):
        op = await ours.filter(provider_id=bt.source, kind="refund").using_db(conn).first()
    row = CardBalanceLine(
        house_org_id=house_org_id, account=account[:80], provider_id=bt.id, type=bt.type[:30],
        source=bt.source[:80], amount_fen=bt.amount, fee_fen=bt.fee, net_fen=bt.net, currency=bt.currency,
        created=datetime.fromtimestamp(bt.created, UTC), status="unmatched", operation_id=op.id if op else None,
    )  # fmt: skip
    if op is not None and bt.currency == op.currency:
        legs = card_rules.settled_legs(bt.amount, bt.fee, bt.net, bt.currency)
        posted = await ledger.post(
            conn, op.house_org_id, f"card:settled:{bt.id}", "card_settled", legs, row.created,
            memo=f"stripe {bt.type} {bt.id}",
        )  # fmt: skip
        row.status, row.transaction_id = "matched", posted.transaction.id
    await row.save(using_db=conn)
    return row.status


async def house_accounts(house_org_id: int) -> list[str]:
    """The connected accounts the house's card money went to: the one in force and any earlier one its operations
    name (a change applies to new operations only, so the old account may still settle or refund)."""
    accounts = {
        str(a)
        for a in await CardOperation.filter(house_org_id=house_org_id)
        .exclude(payee_account="")
        .distinct()
        .values_list("payee_account", flat=True)
    }
    row = await payees.current(house_org_id)
    if row is not None and row.status == "verified":
        accounts.add(row.account)
    return sorted(accounts)


async def sync_stripe(principal: Principal, house_org_id: int, since: datetime) -> dict[str, int]:
    """Fetch the balance transactions of the house's own connected account(s) since a moment and match each once
    (its id is unique). Never the platform's balance: the house's card money is not there."""
    require_keeper(principal, house_org_id)
    r = cards.rail()
    accounts = await house_accounts(house_org_id)
    if not accounts:
        await payees.payee_account(house_org_id)  # 409 card_payee_missing: nothing to read
    counts: dict[str, int] = {}
    for account in accounts:
        try:
            lines = await r.balance_lines(Payee(account), int(since.timestamp()))
        except CardRailError as exc:
            raise ServiceUnavailable(str(exc), code="card_provider_unavailable") from None
        for bt in lines:
            outcome = await ledger.retrying(
                lambda conn, bt=bt, account=account: _settle_line(conn, house_org_id, account, bt)  # type: ignore[misc]
            )
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts
