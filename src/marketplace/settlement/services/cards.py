"""The card rail's use cases: pay an invoice by card, hold a deposit on a card, capture, release, refund.

Every provider call follows one pattern, so a worker killed at any point neither loses a job nor charges twice:

1. the operation row, with its idempotency key, commits first, together with an outbox event that runs it (the
   `settlement.card_operation` job): a request that dies after this still has the job owed;
2. `execute` makes the call with that key (killed before: the job calls; killed after the call and before the
   commit: the job calls again with the same key and the provider answers with the same object);
3. the answer and its postings commit in one transaction (killed after: the job finds the operation answered
   and does nothing). Postings are keyed by the provider's object id, so a webhook that reports the same state
   posts nothing again.

The rail is the port `marketplace.ports.payments.base.CardRail` (Stripe in production, none in the embedded
profile); `use_rail` installs it (the plugin; tests install one pointed at the local fake).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, NotFound, ServiceUnavailable
from marketplace.outbox.events import record_event
from marketplace.ports.payments.base import (
    CardPayment,
    CardRail,
    CardRailError,
    CardRefund,
    CardRequest,
    CheckoutSession,
    Payee,
)
from marketplace.settlement.domain import access
from marketplace.settlement.domain import cards as rules
from marketplace.settlement.domain import invoices as invoice_rules
from marketplace.settlement.models import CardOperation, Invoice, Receipt
from marketplace.settlement.services import ledger, payees
from marketplace.settlement.services.invoices import apply_payment, lines_of, locked, visible_invoice
from marketplace.settlement.services.refunds import free_credit_fen

OPERATION_TOPIC = "settlement.card_operation_requested"
PAYMENT_KINDS = ("payment", "authorisation")
MONEY_IN_KINDS = ("payment", "authorisation", "checkout")  # those that take money in: each names its payee

_rail: CardRail | None = None
# The kill tests' hooks (as the outbox relay's `before_publish`): run just before and just after the provider call.
before_call: Callable[[CardOperation], Awaitable[None]] | None = None
after_call: Callable[[CardOperation], Awaitable[None]] | None = None


def use_rail(rail: CardRail | None) -> None:
    global _rail
    _rail = rail


def configured() -> bool:
    return _rail is not None


def rail() -> CardRail:
    if _rail is None:
        raise Conflict("card payments are not configured here: pay by bank transfer", code="card_rail_unavailable")
    return _rail


def _now() -> datetime:
    return datetime.now(UTC)


# --- operations ------------------------------------------------------------------------------------------


async def new_operation(conn: BaseDBAsyncClient, **fields: Any) -> CardOperation:
    """Write an operation with its idempotency key and owe its job, in the caller's transaction."""
    if fields.get("kind") in MONEY_IN_KINDS and not fields.get("payee_account"):
        # No payee would be the platform's own Stripe account: the platform never takes buyers' money (二清).
        raise Conflict("a card payment names the payee's connected account", code="card_payee_missing")
    key = fields.pop("idempotency_key", None) or f"mp-card-{uuid.uuid4()}"
    op = await CardOperation.create(idempotency_key=key, provider=rail().name, using_db=conn, **fields)
    await record_event(conn, OPERATION_TOPIC, {"operation_id": op.id})
    return op


async def _call(r: CardRail, op: CardOperation) -> CardPayment | CardRefund | CheckoutSession:
    payee = Payee(op.payee_account)
    if op.kind == "checkout":  # Stripe's hosted page: services.checkout
        from marketplace.settlement.services import checkout

        return await r.create_checkout(checkout.checkout_request(op))
    if op.kind in PAYMENT_KINDS:
        return await r.create_payment(
            CardRequest(
                idempotency_key=op.idempotency_key, amount=op.amount_fen, currency=op.currency,
                capture="automatic" if op.kind == "payment" else "manual", payee=payee,
                description=op.subject, metadata={"operation": op.idempotency_key, "subject": op.subject},
            )
        )  # fmt: skip
    parent = await CardOperation.get(id=op.parent_id)
    if parent.provider_id is None:
        raise CardRailError("the payment it acts on has no answer yet", "card_parent_pending", True)
    if op.kind == "capture":
        return await r.capture(parent.provider_id, op.amount_fen, op.idempotency_key, payee)
    if op.kind == "cancel":
        return await r.cancel(parent.provider_id, op.idempotency_key, payee)
    return await r.refund(parent.provider_id, op.amount_fen, op.idempotency_key, payee)


async def execute(operation_id: int) -> CardOperation:
    """Make an operation's provider call once it is owed; a second run after the answer committed does nothing."""
    op = await CardOperation.get_or_none(id=operation_id)
    if op is None or op.provider_id is not None or op.status in rules.FINAL:
        return op  # type: ignore[return-value]
    r = rail()
    if before_call is not None:
        await before_call(op)
    try:
        answer = await _call(r, op)
    except CardRailError as exc:
        await CardOperation.filter(id=op.id).update(attempts=op.attempts + 1, last_error=str(exc)[:200])
        if exc.retryable:
            raise  # the job is retried with the same key
        await CardOperation.filter(id=op.id, provider_id=None).update(status="failed")
        return await CardOperation.get(id=op.id)
    if after_call is not None:
        await after_call(op)
    return await ledger.retrying(lambda conn: _answered(conn, op.id, answer))


async def _answered(
    conn: BaseDBAsyncClient, op_id: int, answer: CardPayment | CardRefund | CheckoutSession
) -> CardOperation:
    op = await CardOperation.filter(id=op_id).using_db(conn).get()
    if isinstance(answer, CheckoutSession):
        from marketplace.settlement.services import checkout

        return await checkout.apply_session(conn, op.id, answer)
    if isinstance(answer, CardRefund):
        await _refund_state(conn, op, answer)
    else:
        target = op if op.kind in PAYMENT_KINDS else await CardOperation.filter(id=op.parent_id).using_db(conn).get()
        await _payment_state(conn, target, answer)
        if target.id != op.id:
            status = "succeeded" if answer.status in ("succeeded", "canceled") else answer.status
            await CardOperation.filter(id=op.id).using_db(conn).update(provider_id=answer.id, status=status)
            await _child_done(conn, op, answer)
    return await CardOperation.filter(id=op_id).using_db(conn).get()


async def _payment_state(conn: BaseDBAsyncClient, op: CardOperation, pi: CardPayment) -> None:
    """Bring an operation to the provider's current state of its payment, posting what that state means once."""
    await (
        CardOperation.filter(id=op.id)
        .using_db(conn)
        .update(provider_id=pi.id, status=pi.status, charge_id=pi.latest_charge)
    )
    was = op.status
    op.provider_id, op.status, op.charge_id = pi.id, pi.status, pi.latest_charge
    if op.kind == "payment" and pi.status == "succeeded":
        await post_payment(conn, op, pi.amount_received)
    elif op.kind == "authorisation" and pi.status != was and pi.status in ("requires_capture", "canceled"):
        topic = (
            "settlement.card_deposit_held" if pi.status == "requires_capture" else "settlement.card_deposit_released"
        )
        await record_event(conn, topic, _deposit_payload(op, pi.amount_capturable or op.amount_fen))


async def apply_payment_event(conn: BaseDBAsyncClient, op: CardOperation, pi: CardPayment) -> None:
    """A webhook's news: the payment as the provider has it now (fetched, not read from the event)."""
    await _payment_state(conn, op, pi)


async def _child_done(conn: BaseDBAsyncClient, op: CardOperation, pi: CardPayment) -> None:
    if op.kind == "capture" and pi.status == "succeeded":
        # Deposits are the deposits work's books: it posts Dr stripe clearing, Cr deposits held from this event.
        await record_event(conn, "settlement.card_deposit_captured", _deposit_payload(op, pi.amount_received))


def _deposit_payload(op: CardOperation, amount: int) -> dict[str, Any]:
    return {"operation_id": op.id, "house_org_id": op.house_org_id, "subject": op.subject, "party": op.party,
            "amount_fen": amount, "currency": op.currency, "provider_id": op.provider_id}  # fmt: skip


async def post_payment(conn: BaseDBAsyncClient, op: CardOperation, amount: int, reference: str | None = None) -> None:
    """A card payment for an invoice succeeded: a receipt on the Stripe rail (fees first, the rest a credit), once
    per `reference` (the PaymentIntent's id: the operation's own, or the one a hosted checkout made)."""
    assert op.provider_id is not None
    reference = reference or op.provider_id
    if await Receipt.filter(house_org_id=op.house_org_id, rail="stripe", reference=reference).using_db(conn).exists():
        return
    invoice = await locked(Invoice.filter(id=op.invoice_id), conn).get()
    # An invoice voided or paid meanwhile takes nothing: the money is the buyer's credit, refundable.
    allocation = invoice_rules.allocate(lines_of(invoice), amount if invoice.status == "open" else 0)
    applied, rest = allocation.applied_fen, amount - allocation.applied_fen
    posted = await ledger.post(
        conn, op.house_org_id, f"card:payment:{reference}", "card_receipt",
        rules.payment_legs(op.party, applied, rest, op.currency), _now(),
        memo=f"card {reference} for {invoice.number}",
    )  # fmt: skip
    if applied:
        await apply_payment(conn, invoice, allocation)
    receipt = await Receipt.create(
        house_org_id=op.house_org_id, rail="stripe", reference=reference, invoice_id=invoice.id,
        amount_fen=amount, currency=op.currency, applied_fen=applied, credit_fen=rest,
        allocation=[list(a) for a in allocation.applied], received_on=_now().date(),
        recorded_by_user_id=op.created_by_user_id or 0, transaction_id=posted.transaction.id, using_db=conn,
    )  # fmt: skip
    await record_event(
        conn, "settlement.receipt_recorded",
        {"receipt_id": receipt.id, "invoice_id": invoice.id, "house_org_id": op.house_org_id,
         "applied_fen": applied, "credit_fen": rest, "status": invoice.status},
    )  # fmt: skip


async def _refund_state(conn: BaseDBAsyncClient, op: CardOperation, refund: CardRefund) -> None:
    await CardOperation.filter(id=op.id).using_db(conn).update(provider_id=refund.id, status=refund.status)
    if refund.status != "succeeded":
        return
    if op.purpose == "credit":
        await ledger.post(
            conn, op.house_org_id, f"card:refund:{refund.id}", "card_refund",
            rules.refund_legs(op.party, refund.amount, op.currency), _now(), memo=f"card refund {refund.id}",
        )  # fmt: skip
    else:  # a deposit refunded: the deposits work posts it from this event
        await record_event(conn, "settlement.card_deposit_refunded", _deposit_payload(op, refund.amount))


# --- paying an invoice ---------------------------------------------------------------------------------------


async def pay_invoice(principal: Principal, invoice_id: int, now: datetime) -> tuple[CardOperation, str | None]:
    """Start (or resume) the card payment of an invoice's balance; returns the operation and the client secret the
    payer's browser confirms the card with. One open payment per invoice: a second click resumes the first."""
    invoice = await visible_invoice(principal, invoice_id)
    if principal.user_id != invoice.buyer_user_id and not access.keeps_books(principal, invoice.house_org_id):
        raise Forbidden("the buyer or the house's staff pay an invoice", code="not_invoice_payer")
    r = rail()
    if invoice.status != "open":
        raise Conflict("the invoice is not open", code="invoice_not_open")
    if invoice.currency not in r.currencies:
        raise Conflict(
            f"{r.name} settles no {invoice.currency} here: pay by bank transfer", code="card_currency_unsupported"
        )

    payee = await payees.payee_account(invoice.house_org_id)  # the house's own Stripe account, or 409

    async def work(conn: BaseDBAsyncClient) -> CardOperation:
        live = (
            await CardOperation.filter(
                invoice_id=invoice.id, kind="payment", status__not_in=list(rules.FINAL), payee_account=payee
            )  # fmt: skip
            .using_db(conn)
            .first()
        )
        if live is not None:
            return live
        return await new_operation(
            conn, house_org_id=invoice.house_org_id, kind="payment", purpose="invoice",
            subject=f"invoice:{invoice.id}", invoice_id=invoice.id,
            party=invoice_rules.buyer_party(invoice.buyer_user_id), amount_fen=invoice.total_fen - invoice.paid_fen,
            currency=invoice.currency, payee_account=payee, created_by_user_id=principal.user_id,
        )  # fmt: skip

    op = await ledger.retrying(work)
    try:
        op = await execute(op.id)
    except CardRailError as exc:  # the job owes the call; the payer may try again shortly
        raise ServiceUnavailable(str(exc), code="card_provider_unavailable") from None
    if op.status == "failed":
        raise Conflict(op.last_error or "the card provider refused the payment", code="card_refused")
    assert op.provider_id is not None
    pi = await r.retrieve_payment(op.provider_id, Payee(op.payee_account))
    return op, pi.client_secret


# --- card-held deposits (the deposits work calls these; it owns the deposit and its postings) ----------------


async def hold_deposit(
    conn: BaseDBAsyncClient, house_org_id: int, subject: str, party: str, amount_fen: int, currency: str,
    user_id: int | None = None,
) -> CardOperation:  # fmt: skip
    """Authorise (hold) a deposit on the payer's card: a manual-capture payment on the house's own connected account
    (409 `card_payee_missing` without one). In the caller's transaction."""
    if currency not in rail().currencies:
        raise Conflict(f"{rail().name} settles no {currency} here", code="card_currency_unsupported")
    payee_account = await payees.payee_account(house_org_id, conn)
    return await new_operation(
        conn, house_org_id=house_org_id, kind="authorisation", purpose="deposit", subject=subject, party=party,
        amount_fen=amount_fen, currency=currency, payee_account=payee_account, created_by_user_id=user_id,
    )  # fmt: skip


async def refundable_fen(conn: BaseDBAsyncClient, parent: CardOperation) -> int:
    """What may still be refunded on a payment or a captured hold: what was captured, less every refund of it not
    failed or canceled (pending ones included: their provider answer may not be in yet). The parent's row is locked
    first (PostgreSQL; SQLite has one writer), so two refunds decided at once take turns and cannot together exceed
    the payment; Stripe would refuse the second, but only after the first was in its hands."""
    await CardOperation.filter(id=parent.id).select_for_update().using_db(conn).first()
    captured = parent.amount_fen
    if parent.kind == "authorisation":
        capture = (
            await CardOperation.filter(parent_id=parent.id, kind="capture", status__not_in=["canceled", "failed"])
            .using_db(conn)
            .first()
        )
        captured = capture.amount_fen if capture is not None else 0
    refunds = await CardOperation.filter(
        parent_id=parent.id, kind="refund", status__not_in=["canceled", "failed"]
    ).using_db(conn)  # fmt: skip
    return int(captured) - sum(int(op.amount_fen) for op in refunds)


async def _check_refundable(conn: BaseDBAsyncClient, parent: CardOperation, amount_fen: int) -> None:
    if amount_fen > await refundable_fen(conn, parent):
        raise Conflict("the refunds would exceed what the card payment captured", code="refund_exceeds_payment")


async def act_on(conn: BaseDBAsyncClient, parent: CardOperation, kind: str, amount_fen: int | None = None,
                 purpose: str | None = None, idempotency_key: str | None = None) -> CardOperation:  # fmt: skip
    """Capture or cancel a held authorisation, or refund a captured payment (a deposit, or a buyer's credit): a
    refund never beyond what is left of the payment (409 `refund_exceeds_payment`, before any provider call)."""
    if kind not in ("capture", "cancel", "refund"):
        raise ValueError(kind)
    if kind == "refund":
        await _check_refundable(conn, parent, parent.amount_fen if amount_fen is None else amount_fen)
    return await new_operation(
        conn, house_org_id=parent.house_org_id, kind=kind, purpose=purpose or parent.purpose, subject=parent.subject,
        invoice_id=parent.invoice_id, party=parent.party, amount_fen=parent.amount_fen if amount_fen is None else
        amount_fen, currency=parent.currency, payee_account=parent.payee_account, parent_id=parent.id,
        idempotency_key=idempotency_key,
    )  # fmt: skip


async def capture_expiring(now: datetime) -> list[int]:
    """Capture every held deposit whose authorisation would lapse before it is released (captured now, refunded
    later by the deposits work): a hold is never left to expire. Returns the capture operations created."""
    created: list[int] = []
    held = await CardOperation.filter(kind="authorisation", status="requires_capture")
    for auth in held:
        if not rules.must_capture(auth.created_at, None, now):
            continue
        async with in_transaction() as conn:
            if await CardOperation.filter(parent_id=auth.id, kind__in=["capture", "cancel"]).using_db(conn).exists():
                continue
            created.append((await act_on(conn, auth, "capture")).id)
    return created


async def refund_credit(principal: Principal, house_org_id: int, payment_id: int, amount_fen: int,
                        request_id: str | None = None) -> CardOperation:  # fmt: skip
    """Pay a buyer's credit back to the card it came from (the house's staff). With the caller's `request_id` the
    request is made once: sent again (a retry after a lost answer, a double click) it returns the first refund; the
    same id for another payment or amount is 409 `card_refund_request_reused`."""
    key = None if request_id is None else f"mp-card-refund-{house_org_id}-{request_id}"
    if not access.keeps_books(principal, house_org_id):
        if access.reads_books(principal, house_org_id):
            raise Forbidden("the house's own staff refund its buyers", code="not_house_staff")
        raise NotFound("not found")

    async def work(conn: BaseDBAsyncClient) -> CardOperation:
        parent = (
            await CardOperation.filter(id=payment_id, house_org_id=house_org_id, kind="payment").using_db(conn).first()
        )
        if parent is None or parent.status != "succeeded":
            raise NotFound("no such card payment", code="card_payment_not_found")
        if key is not None:
            sent = await CardOperation.filter(idempotency_key=key).using_db(conn).first()
            if sent is not None:
                if (sent.parent_id, sent.amount_fen) != (parent.id, amount_fen):
                    raise Conflict("this request id was sent with another refund", code="card_refund_request_reused")
                return sent
        await _check_refundable(conn, parent, amount_fen)  # before the credit: the payment is the tighter bound
        user_id = int(parent.party.removeprefix("user:"))
        if await free_credit_fen(conn, house_org_id, user_id, parent.currency) < amount_fen:
            # Counting bank refund tasks still open and card refunds not settled yet: neither rail pays twice.
            raise Conflict("the buyer's credit is smaller than the refund", code="insufficient_balance")
        # Two sends of one request at once meet on the key's unique index: the loser runs again and finds it.
        return await act_on(conn, parent, "refund", amount_fen, purpose="credit", idempotency_key=key)

    op = await ledger.retrying(work)
    try:
        return await execute(op.id)
    except CardRailError:
        return op  # owed by its job
