"""Buyer refunds: money the house owes back to a buyer, held as their buyer_credit, paid by bank transfer.

A dispute's price adjustment and an unwind credit the buyer (domain/handover.py) and open a task here under the
decision's business key; a buyer with a bank over-payment credit may ask for it back, which opens one too (one open
request per buyer, house and currency). House staff record the bank reference of their transfer; that posts
`buyer-refund:{task}` (buyer_credit → bank_clearing) once, as deposit refunds do (services/deposits.py): the task
moved by compare-and-set, the posting keyed by the task, and buyer_credit's zero floor in the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from marketplace.accounts.domain import Principal
from marketplace.accounts.models import Organisation
from marketplace.errors import ApiError, Conflict, Forbidden, NotFound
from marketplace.outbox.events import record_event
from marketplace.settlement.domain import access
from marketplace.settlement.domain import invoices as rules
from marketplace.settlement.domain import statements as statement_rules
from marketplace.settlement.domain.cards import FINAL
from marketplace.settlement.models import BuyerRefund, CardOperation, LedgerAccount, Payout, RefundReference
from marketplace.settlement.services import ledger, notices
from marketplace.settlement.services.ledger import Contended
from marketplace.web.pagination import PageQuery, paginate


def require_house_staff(principal: Principal, house_org_id: int) -> None:
    """Only the house's own staff record its refund transfers; the books' readers are told why, others see 404."""
    if not access.keeps_books(principal, house_org_id):
        if access.reads_books(principal, house_org_id):
            raise Forbidden("the house's own staff record its refunds", code="not_house_staff")
        raise NotFound("not found")


def normalise_reference(bank_reference: str) -> str:
    """A reference as it is kept and shown: as typed, its runs of spaces made one."""
    return " ".join(bank_reference.split())


def reference_key(bank_reference: str) -> str:
    """A reference as it is compared: the bank's form (statements.squash: full-width as half-width, no spaces, upper
    case), as receipts and statement serials are kept. "boc 2026 0001" and "BOC20260001" are one transfer; compared
    as typed, the second paid another refund. Claims are kept in this form (migration 0016 rewrote the older ones),
    so their unique key holds however the reference was typed."""
    return statement_rules.squash(bank_reference)[:64]


def same_reference(a: str | None, b: str) -> bool:
    return a is not None and reference_key(a) == reference_key(b)


async def reference_used(conn: BaseDBAsyncClient, house_org_id: int, reference: str) -> bool:
    """One bank transfer pays one thing: a reference recorded for a deposit refund, a buyer refund or a consignor's
    payout is taken (payouts recorded before they claimed references were given their claims by migration 0016)."""
    key = reference_key(reference)
    if await RefundReference.filter(house_org_id=house_org_id, bank_reference=key).using_db(conn).exists():
        return True
    return await Payout.filter(house_org_id=house_org_id, bank_reference__iexact=reference).using_db(conn).exists()


async def claim_reference(
    conn: BaseDBAsyncClient, house_org_id: int, reference: str, kind: str, refund_id: int
) -> None:
    """Claim the reference for this refund (or payout: `kind` "payout") in the completing transaction. The look-up
    above it answers the usual case with a clear 409; two completions racing past it meet here, on the unique key:
    the loser's IntegrityError rolls its transaction back, and `ledger.retrying` runs it again to find the reference
    taken (or, for the same refund and reference, the refund done)."""
    await RefundReference.create(house_org_id=house_org_id, bank_reference=reference_key(reference), refund_kind=kind,
                                 refund_id=refund_id, using_db=conn)  # fmt: skip


async def credit_fen(conn: BaseDBAsyncClient, house_org_id: int, user_id: int, currency: str) -> int:
    acc = await ledger.account(conn, house_org_id, "buyer_credit", rules.buyer_party(user_id), currency, create=False)
    return 0 if acc is None else -acc.balance_fen


async def free_credit_fen(conn: BaseDBAsyncClient, house_org_id: int, user_id: int, currency: str) -> int:
    """The buyer's credit not already on its way back, by either rail: open bank refund tasks and card refunds the
    provider has not settled yet (their postings come when it does). The credit's account row is locked first
    (PostgreSQL; SQLite has one writer), so a bank request and a card refund decided at once take turns."""
    party = rules.buyer_party(user_id)
    acc = await ledger.account(conn, house_org_id, "buyer_credit", party, currency, create=False)
    if acc is not None:  # read again under the row lock
        acc = await LedgerAccount.filter(id=acc.id).select_for_update().using_db(conn).first()
    held = 0 if acc is None else -int(acc.balance_fen)
    by_bank = await BuyerRefund.filter(
        house_org_id=house_org_id, user_id=user_id, currency=currency, status="due"
    ).using_db(conn)
    by_card = await CardOperation.filter(
        house_org_id=house_org_id, kind="refund", purpose="credit", party=party, currency=currency,
        status__not_in=sorted(FINAL),
    ).using_db(conn)  # fmt: skip
    return held - sum(int(r.amount_fen) for r in by_bank) - sum(int(op.amount_fen) for op in by_card)


async def open_task(conn: BaseDBAsyncClient, house_org_id: int, user_id: int, amount_fen: int, currency: str,
                    source: str, source_key: str, *, dispute_id: int | None = None,
                    sale_id: int | None = None) -> BuyerRefund:  # fmt: skip
    """The refund task for money just credited to the buyer; the same business key again finds the task."""
    found = await BuyerRefund.filter(source_key=source_key).using_db(conn).first()
    if found is not None:
        return found
    return await BuyerRefund.create(
        house_org_id=house_org_id, user_id=user_id, amount_fen=amount_fen, currency=currency, source=source,
        source_key=source_key, dispute_id=dispute_id, sale_id=sale_id, using_db=conn,
    )  # fmt: skip


def _request_slot(house_org_id: int, user_id: int, currency: str) -> str:
    return f"{house_org_id}:{user_id}:{currency}"


async def request(principal: Principal, house_org_id: int, currency: str, amount_fen: int | None,
                  now: datetime) -> BuyerRefund:  # fmt: skip
    """A buyer asks for their credit with a house back by bank (all of it when no amount is named). Refused when
    another request of theirs is still open or the amount exceeds what is not already promised by an open task."""

    async def work(conn: BaseDBAsyncClient) -> BuyerRefund:
        free = await free_credit_fen(conn, house_org_id, principal.user_id, currency)
        if await credit_fen(conn, house_org_id, principal.user_id, currency) <= 0:
            # Also a stranger's house: a credit exists only where the buyer has one, so nothing leaks.
            raise NotFound("you hold no credit with this house", code="no_credit")
        slot = _request_slot(house_org_id, principal.user_id, currency)
        if await BuyerRefund.filter(open_request=slot).using_db(conn).exists():
            raise Conflict("your earlier refund request is still open", code="refund_request_open")
        amount = free if amount_fen is None else amount_fen
        if amount <= 0 or amount > free:
            raise ApiError(f"at most {max(free, 0)} fen of your credit can be refunded", code="refund_exceeds_credit",
                           status=409)  # fmt: skip
        try:
            return await BuyerRefund.create(
                house_org_id=house_org_id, user_id=principal.user_id, amount_fen=amount, currency=currency,
                source="request", source_key=f"request:{slot}:{now.isoformat()}", open_request=slot, using_db=conn,
            )  # fmt: skip
        except IntegrityError:
            raise Conflict("your earlier refund request is still open", code="refund_request_open") from None

    return await ledger.retrying(work)


async def complete(principal: Principal, house_org_id: int, refund_id: int, bank_reference: str,
                   now: datetime) -> tuple[BuyerRefund, bool]:  # fmt: skip
    """House staff record the bank transfer that refunded a buyer: once. The same reference again returns the task
    (False: nothing new); another reference for a task done already is 409 `refund_already_recorded`."""
    require_house_staff(principal, house_org_id)
    reference = normalise_reference(bank_reference)

    async def work(conn: BaseDBAsyncClient) -> tuple[BuyerRefund, bool]:
        task = await BuyerRefund.filter(id=refund_id, house_org_id=house_org_id).using_db(conn).first()
        if task is None:
            raise NotFound("no such refund", code="refund_not_found")
        if task.status == "done":
            if same_reference(task.bank_reference, reference):
                return task, False
            raise Conflict("this refund was recorded already", code="refund_already_recorded")
        if await reference_used(conn, house_org_id, reference):
            raise Conflict("this bank reference was recorded for another refund", code="refund_reference_used")
        if await credit_fen(conn, house_org_id, task.user_id, task.currency) < task.amount_fen:
            # The credit was applied to another invoice (or refunded otherwise) since the task was opened.
            raise Conflict("the buyer's credit is smaller than the refund", code="insufficient_balance")
        await claim_reference(conn, house_org_id, reference, "buyer", task.id)
        moved = (
            await BuyerRefund.filter(id=task.id, status="due")
            .using_db(conn)
            .update(status="done", bank_reference=reference, completed_by_user_id=principal.user_id,
                    completed_at=now, open_request=None)
        )  # fmt: skip
        if moved != 1:
            raise Contended()
        posted = await ledger.post(
            conn, house_org_id, f"buyer-refund:{task.id}", "buyer_refunded",
            rules.credit_refund_legs(task.user_id, task.amount_fen, task.currency), now,
            memo=f"buyer refund {reference}",
        )  # fmt: skip
        await BuyerRefund.filter(id=task.id).using_db(conn).update(transaction_id=posted.transaction.id)
        await notices.notify(
            conn, task.user_id, f"buyer-refund:{task.id}:refunded", "credit_refunded",
            {"amount": notices.yuan(task.amount_fen), "reference": reference, "house_org_id": house_org_id},
        )  # fmt: skip
        await record_event(
            conn, "settlement.buyer_refunded",
            {"refund_id": task.id, "house_org_id": house_org_id, "user_id": task.user_id,
             "amount_fen": task.amount_fen, "currency": task.currency, "source": task.source},
        )  # fmt: skip
        return await BuyerRefund.filter(id=task.id).using_db(conn).get(), True

    try:
        return await ledger.retrying(work)
    except ledger.Refused as exc:
        raise Conflict(str(exc), code=exc.code) from None


async def house_refunds(
    principal: Principal, house_org_id: int, status: str | None, cursor: str | None = None, limit: int = 50
) -> tuple[list[BuyerRefund], str | None]:
    """A page of the house's buyer refunds, oldest first (ids grow with creation), keyset-paged on the id as the
    desk's other lists are: every task is reachable however many there are, and a page costs `limit` rows."""
    if not access.reads_books(principal, house_org_id):
        raise NotFound("not found")
    qs = BuyerRefund.filter(house_org_id=house_org_id)
    return await paginate(qs.filter(status=status) if status else qs, PageQuery(cursor=cursor, limit=limit),
                          lambda r: r, newest_first=False)  # fmt: skip


async def my_refunds(principal: Principal) -> list[BuyerRefund]:
    return list(await BuyerRefund.filter(user_id=principal.user_id).order_by("-id").limit(200))


class Credit(NamedTuple):
    house_org_id: int
    house_name: str  # the buyer knows the house they bought from: a name, not an id
    currency: str
    balance_fen: int
    refundable_fen: int  # not already in an open refund task
    request_open: bool


async def my_credits(principal: Principal) -> list[Credit]:
    """The buyer's credits with each house they hold one with."""
    accounts = await LedgerAccount.filter(party=rules.buyer_party(principal.user_id))  # a few per house
    held = [a for a in accounts if a.code == "buyer_credit" and a.balance_fen < 0]
    if not held:
        return []
    due = await BuyerRefund.filter(user_id=principal.user_id, status="due")
    on_card = await CardOperation.filter(
        party=rules.buyer_party(principal.user_id), kind="refund", purpose="credit", status__not_in=sorted(FINAL)
    )
    names = dict(await Organisation.filter(id__in={a.house_org_id for a in held}).values_list("id", "name"))
    out = []
    for acc in held:
        mine = [r for r in due if (r.house_org_id, r.currency) == (acc.house_org_id, acc.currency)]
        pending = sum(
            op.amount_fen for op in on_card if (op.house_org_id, op.currency) == (acc.house_org_id, acc.currency)
        )
        free = -acc.balance_fen - sum(r.amount_fen for r in mine) - pending
        out.append(Credit(acc.house_org_id, str(names.get(acc.house_org_id, "")), acc.currency, -acc.balance_fen,
                          max(free, 0), any(r.open_request is not None for r in mine)))  # fmt: skip
    return out
