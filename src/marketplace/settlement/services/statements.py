"""Bank statement import: the file read (statement_files.py), each line kept once, matched to invoices.

One import is one transaction: the import's row (once per file content), every new line (once per house and
dedup key), the receipts and postings of the lines that match. Two imports of overlapping files at once meet on
those unique keys: the second waits for the first, fails on the key, and reruns (`ledger.retrying`) to find the
lines there already, so nothing is applied twice. Each applied line posts its receipts (Dr bank clearing, Cr the
buyer's receivable, as a receipt recorded by hand does) and its reconciliation (Dr bank, Cr bank clearing).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, NotFound, ValidationFailed
from marketplace.outbox.events import record_event
from marketplace.settlement.domain import invoices as invoice_rules
from marketplace.settlement.domain import statements as rules
from marketplace.settlement.domain.ledger import credit, debit
from marketplace.settlement.models import BankImport, BankLine, Invoice, Receipt
from marketplace.settlement.services import ledger, statement_files
from marketplace.settlement.services.books import require_books
from marketplace.settlement.services.invoices import apply_payment, lines_of, locked
from marketplace.web.pagination import PageQuery, paginate

# --- applying ------------------------------------------------------------------------------------------


async def _open_invoices(conn: BaseDBAsyncClient, house_org_id: int, numbers: list[str]) -> dict[str, Invoice]:
    if not numbers:
        return {}
    found = locked(Invoice.filter(house_org_id=house_org_id, number__in=numbers), conn)
    return {i.number: i for i in await found}


def _view(invoices: dict[str, Invoice]) -> dict[str, rules.OpenInvoice]:
    return {
        n: rules.OpenInvoice(n, i.status, i.currency, i.total_fen - i.paid_fen) for n, i in invoices.items()
    }  # fmt: skip


async def _receipt(
    conn: BaseDBAsyncClient, house_org_id: int, line: BankLine, reference: str, invoice: Invoice, fen: int,
    user_id: int, now: datetime,
) -> None:  # fmt: skip
    """A receipt from a statement line: the same posting and row as one recorded by hand with that reference."""
    allocation = invoice_rules.allocate(lines_of(invoice), fen)
    posted = await ledger.post(
        conn, house_org_id, f"receipt:bank:{reference}", "receipt",
        invoice_rules.receipt_legs(invoice.buyer_user_id, allocation.applied_fen, allocation.remainder_fen,
                                   invoice.currency),
        now, memo=f"bank {reference} for {invoice.number}",
    )  # fmt: skip
    if allocation.applied_fen:
        await apply_payment(conn, invoice, allocation)
    receipt = await Receipt.create(
        house_org_id=house_org_id, rail="bank", reference=reference, invoice_id=invoice.id, amount_fen=fen,
        currency=invoice.currency, applied_fen=allocation.applied_fen, credit_fen=allocation.remainder_fen,
        allocation=[list(a) for a in allocation.applied], received_on=line.booked_at.astimezone(rules.LOCAL).date(),
        recorded_by_user_id=user_id, transaction_id=posted.transaction.id, using_db=conn,
    )  # fmt: skip
    await record_event(
        conn, "settlement.receipt_recorded",
        {"receipt_id": receipt.id, "invoice_id": invoice.id, "house_org_id": house_org_id,
         "applied_fen": receipt.applied_fen, "credit_fen": receipt.credit_fen, "status": invoice.status},
    )  # fmt: skip


async def _reconcile(conn: BaseDBAsyncClient, house_org_id: int, line: BankLine, now: datetime) -> None:
    """The line is on the bank's statement: its money moves from bank clearing to the bank."""
    cur, fen = line.currency, line.amount_fen
    legs = [debit("bank", "", fen, cur), credit("bank_clearing", "", fen, cur)]
    posted = await ledger.post(
        conn, house_org_id, f"bank:line:{line.dedup_key}", "bank_reconciled", legs, now,
        memo=f"statement line {line.serial or line.dedup_key[:16]}",
    )  # fmt: skip
    line.transaction_id = posted.transaction.id


def _receipt_reference(line: BankLine, n: int, of: int) -> str:
    base = line.serial or line.dedup_key
    return base if of == 1 else f"{base[:58]}/{n}"


async def _apply_to(
    conn: BaseDBAsyncClient, house_org_id: int, line: BankLine, splits: list[tuple[Invoice, int]], user_id: int,
    now: datetime,
) -> None:  # fmt: skip
    for n, (invoice, fen) in enumerate(splits, start=1):
        await _receipt(conn, house_org_id, line, _receipt_reference(line, n, len(splits)), invoice, fen, user_id, now)
    line.invoices = [[i.number, fen] for i, fen in splits]
    await _reconcile(conn, house_org_id, line, now)


async def _place(conn: BaseDBAsyncClient, house_org_id: int, parsed: rules.Line, line: BankLine, user_id: int,
                 now: datetime) -> None:  # fmt: skip
    """Decide a new line: already recorded by hand (its serial is a receipt's reference), applied, flagged, queued."""
    if parsed.serial and parsed.amount_fen > 0:
        # Staff type a serial as they read it; the statement's is upper case without spaces.
        by_hand = (
            await Receipt.filter(house_org_id=house_org_id, rail="bank", reference__iexact=parsed.serial)
            .using_db(conn)
        )  # fmt: skip
        if by_hand:
            line.invoices = [[f"receipt:{r.id}", r.amount_fen] for r in by_hand]
            if sum(r.amount_fen for r in by_hand) != parsed.amount_fen:
                line.status, line.reason = "queued", "receipt_amount_differs"
                return
            line.status = "matched"
            await _reconcile(conn, house_org_id, line, now)
            return
    quoted = rules.references(parsed.reference)
    found = await _open_invoices(conn, house_org_id, quoted)
    decision = rules.match(parsed, quoted, _view(found))
    line.status, line.reason = decision.outcome, decision.reason
    if decision.outcome == "applied":
        await _apply_to(conn, house_org_id, line, [(found[n], fen) for n, fen in decision.splits], user_id, now)
    else:
        line.invoices = [[n, 0] for n in quoted]


async def _previous_balance(
    conn: BaseDBAsyncClient, house_org_id: int, first: rules.Line, keys: list[str]
) -> int | None:
    """The printed balance of the last stored line before this file's first (lines of this file excluded: an
    overlapping export's lines are stored already)."""
    before = (
        await BankLine.filter(house_org_id=house_org_id, booked_at__lte=first.booked_at, currency=first.currency)
        .exclude(dedup_key__in=keys)
        .using_db(conn)
        .order_by("-booked_at", "-line_no", "-id")
        .first()
    )
    return None if before is None else before.balance_fen


async def import_statement(
    principal: Principal, house_org_id: int, data: bytes, layout: str, filename: str, now: datetime
) -> tuple[BankImport, bool]:
    """Import a statement file; the same file again returns the first import's report (False: nothing new)."""
    statement_files.require_keeper(principal, house_org_id)
    if not data:
        raise ValidationFailed("the file is empty", code="invalid_file")
    mapping = await statement_files.mapping_for(house_org_id, layout)
    sha = hashlib.sha256(data).hexdigest()
    done = await BankImport.get_or_none(house_org_id=house_org_id, sha256=sha)
    if done is not None:
        return done, False
    parsed = await statement_files.read_off_loop(data, mapping)

    async def work(conn: BaseDBAsyncClient) -> tuple[BankImport, bool]:
        again = await BankImport.filter(house_org_id=house_org_id, sha256=sha).using_db(conn).first()
        if again is not None:
            return again, False
        record = await BankImport.create(
            house_org_id=house_org_id, sha256=sha, filename=filename[:200], layout=layout[:60],
            lines_total=len(parsed), lines_new=0, summary={}, imported_by_user_id=principal.user_id, using_db=conn,
        )  # fmt: skip
        keys = [p.dedup_key for p in parsed]
        known: set[str] = {
            str(k)
            for k in await BankLine.filter(house_org_id=house_org_id, dedup_key__in=keys)
            .using_db(conn)
            .values_list("dedup_key", flat=True)
        }
        breaks = rules.balance_breaks(await _previous_balance(conn, house_org_id, parsed[0], keys) if parsed else None,
                                      parsed)  # fmt: skip
        expected = {ln: exp for ln, exp, _ in breaks}
        counts: dict[str, int] = {}
        for p in parsed:
            if p.dedup_key in known:
                continue
            known.add(p.dedup_key)  # the same line twice in one file is one line
            line = BankLine(
                house_org_id=house_org_id, import_id=record.id, dedup_key=p.dedup_key, serial=p.serial,
                line_no=p.line, booked_at=p.booked_at, amount_fen=p.amount_fen, balance_fen=p.balance_fen,
                currency=p.currency, payer=p.payer, payer_account=p.payer_account, reference=p.reference,
                status="queued", balance_break=p.line in expected, expected_balance_fen=expected.get(p.line),
            )  # fmt: skip
            await _place(conn, house_org_id, p, line, principal.user_id, now)
            await line.save(using_db=conn)
            counts[line.status] = counts.get(line.status, 0) + 1
        record.lines_new = sum(counts.values())
        record.summary = {"outcomes": counts, "breaks": [list(b) for b in breaks]}
        await record.save(using_db=conn, update_fields=["lines_new", "summary"])
        return record, True

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


# --- the queue a person works ----------------------------------------------------------------------------


async def resolve_line(
    principal: Principal, house_org_id: int, line_id: int, action: str, invoice_numbers: list[str], note: str,
    now: datetime,
) -> BankLine:  # fmt: skip
    """A person decides a queued or flagged line: `apply` it to one invoice (any excess becomes the buyer's credit)
    or to several that it pays exactly, or `exclude` it as not the house's business (nothing is posted)."""
    statement_files.require_keeper(principal, house_org_id)

    async def work(conn: BaseDBAsyncClient) -> BankLine:
        # The line first, row-locked: two people deciding it at once take turns on it, and the second is told it is
        # decided (not that the first one's invoices are paid). Its invoices are locked after it, always.
        line = await BankLine.filter(id=line_id, house_org_id=house_org_id).select_for_update().using_db(conn).first()
        if line is None:
            raise NotFound("no such statement line", code="bank_line_not_found")
        if line.status not in ("queued", "flagged"):
            raise Conflict("the line is decided already", code="bank_line_decided")
        if action == "exclude":
            line.status, line.note = "excluded", note[:200]
        else:
            if line.amount_fen <= 0:
                raise Conflict("money paid out is reconciled with its payout, not an invoice", code="bank_line_outflow")
            if (
                line.serial
                and await Receipt.filter(house_org_id=house_org_id, rail="bank", reference__iexact=line.serial)
                .using_db(conn)
                .exists()
            ):
                # Staff recorded this transfer by hand (for other money, or after the import queued it): applying the
                # line too would count one transfer twice, or — typed alike — meet the hand receipt's posting key
                # and mark an invoice paid with nothing posted. Excluding it leaves the hand receipt to stand.
                raise Conflict("this transfer was recorded by hand as a receipt", code="bank_line_recorded_by_hand")
            found = await _open_invoices(conn, house_org_id, invoice_numbers)
            if len(found) != len(set(invoice_numbers)):
                raise NotFound("no such invoice", code="invoice_not_found")
            chosen = [found[n] for n in dict.fromkeys(invoice_numbers)]
            if any(i.status != "open" or i.currency != line.currency for i in chosen):
                raise Conflict("only open invoices in the line's currency take a payment", code="invoice_not_open")
            if len(chosen) == 1:
                splits = [(chosen[0], line.amount_fen)]
            else:
                if len({i.buyer_user_id for i in chosen}) > 1:
                    # One payer's transfer: a second buyer credited with the first's money is a mistake the books
                    # would keep (the desk lists one buyer's invoices; two buyers' lines are decided one by one).
                    raise Conflict("a line split across invoices pays one buyer's invoices", code="split_buyers_differ")
                exact = rules.exact_split(line.amount_fen, [(i.number, i.total_fen - i.paid_fen) for i in chosen])
                if exact is None:
                    raise Conflict("a line split across invoices must pay each exactly", code="split_inexact")
                splits = [(found[n], fen) for n, fen in exact]
            await _apply_to(conn, house_org_id, line, splits, principal.user_id, now)
            line.status, line.note = "resolved", note[:200]
        line.resolved_by_user_id = principal.user_id
        updated = (
            await BankLine.filter(id=line.id, version=line.version)
            .using_db(conn)
            .update(status=line.status, note=line.note, invoices=line.invoices, transaction_id=line.transaction_id,
                    resolved_by_user_id=line.resolved_by_user_id, version=line.version + 1)
        )  # fmt: skip
        if updated != 1:
            raise ledger.Contended()
        line.version += 1
        return line

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


async def lines(
    principal: Principal, house_org_id: int, status: str | None, cursor: str | None, limit: int
) -> tuple[list[BankLine], str | None]:
    require_books(principal, house_org_id)
    qs = BankLine.filter(house_org_id=house_org_id)
    if status:
        qs = qs.filter(status=status)
    return await paginate(qs, PageQuery(cursor=cursor, limit=limit), lambda r: r)
