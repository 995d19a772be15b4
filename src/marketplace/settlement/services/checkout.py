"""Stripe's hosted checkout (Checkout Sessions): the buyer abroad pays an invoice, or an export order, on Stripe's
own page and comes back to ours.

A session is a card operation of kind `checkout` and follows the rail's one pattern (see `services.cards`): the
row with its idempotency key commits first with the job that owes the call; the call creates the session with that
key (a retry is the same request, so Stripe answers with the same session); the answer commits. The session's state
arrives by webhook (`checkout.session.completed`, `…async_payment_succeeded`, `…expired`), fetched from Stripe as it
is now rather than read from the event, so duplicates and late events change nothing:

- an invoice's session, paid: a receipt on the Stripe rail through the card receipt path (fees first, the rest of
  the balance, anything over it the buyer's credit), keyed by the PaymentIntent the session made: once;
- an export order's session, paid: the event `settlement.checkout_paid`, which the export package turns into the
  order's payment (once per PaymentIntent). The money is the exporter's, in its own Stripe account (the payee), so
  settlement posts nothing to a house's books for it.

Stripe settles no CNY for a mainland business: only the rail's currencies (USD, EUR, HKD) are offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.accounts.domain import Principal
from marketplace.errors import Conflict, Forbidden, ServiceUnavailable
from marketplace.outbox.events import record_event
from marketplace.ports.payments.base import CardRailError, CheckoutRequest, CheckoutSession, Payee
from marketplace.settlement.domain import access
from marketplace.settlement.domain import invoices as invoice_rules
from marketplace.settlement.models import CardOperation, Invoice
from marketplace.settlement.services import cards, ledger, payees
from marketplace.settlement.services.invoices import locked, visible_invoice

KIND = "checkout"
PAID_TOPIC = "settlement.checkout_paid"
EVENT_TYPES = ("checkout.session.completed", "checkout.session.async_payment_succeeded",
               "checkout.session.async_payment_failed", "checkout.session.expired")  # fmt: skip
LIVE = ("pending", "open", "processing")  # a session not yet paid, refused or expired

_public_url = "http://127.0.0.1:8000"


def use_public_url(url: str) -> None:
    """Where the payer comes back to (the site's address; the plugin sets it from the settings)."""
    global _public_url
    _public_url = url.rstrip("/")


def state_of(session: CheckoutSession) -> str:
    """Our operation status for a session as the provider has it: succeeded once the money is in (`paid`, or
    nothing to pay), processing while a delayed method clears, canceled when it expired, else open."""
    if session.status == "complete":
        return "succeeded" if session.payment_status in ("paid", "no_payment_required") else "processing"
    if session.status == "expired":
        return "canceled"
    return "open"


def _return_urls(op: CardOperation) -> tuple[str, str]:
    """The success and cancel pages, derived from the operation alone: a retry by the job sends the same
    parameters with the same key (Stripe refuses a key reused with other parameters)."""
    if op.purpose == "invoice":
        base = f"{_public_url}/me/purchases?invoice={op.invoice_id}&card="
    else:
        base = f"{_public_url}/track?card="
    return f"{base}done&session_id={{CHECKOUT_SESSION_ID}}", f"{base}cancelled"


def _item(op: CardOperation) -> str:
    kind, _, number = op.subject.partition(":")
    return f"Invoice {number} / 发票 {number}" if kind == "invoice" else f"Export order {number} / 出口订单 {number}"


def checkout_request(op: CardOperation) -> CheckoutRequest:
    success, cancel = _return_urls(op)
    return CheckoutRequest(
        idempotency_key=op.idempotency_key, amount=op.amount_fen, currency=op.currency, item=_item(op),
        reference=op.subject.replace(":", "-"), success_url=success, cancel_url=cancel,
        payee=Payee(op.payee_account), metadata={"checkout_operation": op.idempotency_key, "subject": op.subject},
    )  # fmt: skip


async def apply_session(
    conn: BaseDBAsyncClient, op_id: int, session: CheckoutSession, charge_id: str | None = None
) -> CardOperation:
    """Bring a checkout operation to the session's current state, posting what a paid session means once."""
    op = await CardOperation.filter(id=op_id).select_for_update().using_db(conn).get()
    was, state = op.status, state_of(session)
    if was == "succeeded":
        state = "succeeded"  # a session once paid stays paid, whatever a late event says
    fields: dict[str, Any] = {"provider_id": session.id, "status": state}
    if charge_id:
        fields["charge_id"] = charge_id
    await CardOperation.filter(id=op.id).using_db(conn).update(**fields)
    if state == "succeeded" and session.payment_id:
        op.provider_id, op.status = session.id, state
        if op.purpose == "invoice":  # keyed by the PaymentIntent: a second delivery posts nothing
            await cards.post_payment(conn, op, session.amount_total, reference=session.payment_id)
        elif was != "succeeded":  # the row is locked: one delivery sees it unpaid
            await record_event(
                conn, PAID_TOPIC,
                {"operation_id": op.id, "subject": op.subject, "org_id": op.house_org_id,
                 "amount_minor": session.amount_total, "currency": session.currency,
                 "payment_id": session.payment_id, "session_id": session.id, "user_id": op.created_by_user_id},
            )  # fmt: skip
    return await CardOperation.filter(id=op.id).using_db(conn).get()


@dataclass(frozen=True)
class Checkout:
    operation_id: int
    status: str  # open · processing · succeeded · canceled · failed · pending (the call is owed)
    amount: int  # minor units
    currency: str
    url: str | None  # Stripe's hosted page while the session is open


async def _start(subject: str, fields: dict[str, Any]) -> Checkout:
    """One live session per subject and amount: a second click resumes it, a session expired (or for another
    amount: the balance changed meanwhile) gives way to a new one."""
    cards.rail()  # not configured: 409 card_rail_unavailable before anything is written

    async def live(conn: BaseDBAsyncClient) -> CardOperation:
        # Two clicks at once take turns (PostgreSQL; SQLite has one writer): the second resumes the first's session.
        if fields.get("invoice_id"):  # the invoice's own row, locked as every payment locks it
            await locked(Invoice.filter(id=fields["invoice_id"]), conn).first()
        elif conn.capabilities.dialect == "postgres":  # an export order's: settlement has no row of it to lock
            await conn.execute_query("SELECT pg_advisory_xact_lock(hashtext($1))", [subject])
        found = (
            await CardOperation.filter(subject=subject, kind=KIND, status__in=list(LIVE))
            .using_db(conn)
            .order_by("-id")
            .first()
        )
        if found is not None and (found.amount_fen, found.payee_account) == (
            fields["amount_fen"],
            fields["payee_account"],
        ):
            return found  # a payee changed meanwhile: a new session on the new account
        return await cards.new_operation(conn, kind=KIND, subject=subject, **fields)

    for _ in range(2):
        op = await ledger.retrying(live)
        try:
            op = await cards.execute(op.id)
        except CardRailError as exc:  # the job owes the call; the payer may try again shortly
            raise ServiceUnavailable(str(exc), code="card_provider_unavailable") from None
        if op.status == "failed":
            raise Conflict(op.last_error or "the card provider refused the checkout", code="card_refused")
        view = await _view(op)
        if view.status != "canceled":
            return view
    raise ServiceUnavailable("the provider expired the checkout at once: try again", code="card_provider_unavailable")


async def _view(op: CardOperation) -> Checkout:
    """The operation as the payer sees it, with the hosted page's address fetched while the session is open."""
    url = None
    if op.provider_id and op.status == "open":
        try:
            session = await cards.rail().retrieve_checkout(op.provider_id, Payee(op.payee_account))
        except CardRailError as exc:
            raise ServiceUnavailable(str(exc), code="card_provider_unavailable") from None
        op = await ledger.retrying(lambda conn: apply_session(conn, op.id, session))
        url = session.url if op.status == "open" else None
    return Checkout(op.id, op.status, op.amount_fen, op.currency, url)


async def _latest(subject: str) -> Checkout | None:
    op = await CardOperation.filter(subject=subject, kind=KIND).order_by("-id").first()
    if op is None:
        return None
    if cards.configured():
        return await _view(op)
    return Checkout(op.id, op.status, op.amount_fen, op.currency, None)


# --- an invoice ----------------------------------------------------------------------------------------------


async def unavailable_reason(currency: str, is_open: bool, payee_org_id: int) -> str | None:
    """Why the hosted checkout is not offered (a stable code the UI words), or None when it is."""
    if not cards.configured():
        return "card_rail_unavailable"
    if currency not in cards.rail().currencies:
        return "card_currency_unsupported"
    if not is_open:
        return "invoice_not_open"
    return await payees.refusal_for(payee_org_id)


async def _payable_invoice(principal: Principal, invoice_id: int) -> Invoice:
    invoice = await visible_invoice(principal, invoice_id)  # a rival's invoice: the same 404 as a missing one
    if principal.user_id != invoice.buyer_user_id and not access.keeps_books(principal, invoice.house_org_id):
        raise Forbidden("the buyer or the house's staff pay an invoice", code="not_invoice_payer")
    return invoice


async def checkout_invoice(principal: Principal, invoice_id: int) -> Checkout:
    """Open (or resume) Stripe's hosted checkout for an invoice's balance."""
    invoice = await _payable_invoice(principal, invoice_id)
    r = cards.rail()  # not configured (the embedded profile): 409 card_rail_unavailable
    if invoice.currency not in r.currencies:
        raise Conflict(
            f"{r.name} settles no {invoice.currency} here: pay by bank transfer", code="card_currency_unsupported"
        )
    if invoice.status != "open" or invoice.total_fen - invoice.paid_fen <= 0:
        raise Conflict("the invoice is not open", code="invoice_not_open")
    payee = await payees.payee_account(invoice.house_org_id)  # the house's own Stripe account, or 409
    return await _start(
        f"invoice:{invoice.id}",
        {"house_org_id": invoice.house_org_id, "purpose": "invoice", "invoice_id": invoice.id,
         "party": invoice_rules.buyer_party(invoice.buyer_user_id), "amount_fen": invoice.total_fen - invoice.paid_fen,
         "currency": invoice.currency, "payee_account": payee, "created_by_user_id": principal.user_id},
    )  # fmt: skip


async def invoice_checkout(principal: Principal, invoice_id: int) -> tuple[Invoice, str | None, Checkout | None]:
    """Whether an invoice may be paid through the hosted checkout (and why not), and its latest session."""
    invoice = await visible_invoice(principal, invoice_id)
    latest = await _latest(f"invoice:{invoice.id}")
    invoice = await Invoice.get(id=invoice.id)  # a session just brought up to date may have paid it
    return invoice, await unavailable_reason(invoice.currency, invoice.status == "open", invoice.house_org_id), latest


# --- an export order (the export package checks who may, and works out the amount) ---------------------------


def order_subject(order_id: int) -> str:
    return f"export_order:{order_id}"


async def checkout_order(org_id: int, order_id: int, amount_minor: int, currency: str, user_id: int) -> Checkout:
    """Open (or resume) the hosted checkout for an export order's balance; the money goes to the exporter's own
    connected account (409 `card_payee_missing` without a verified one)."""
    r = cards.rail()
    if currency not in r.currencies:
        raise Conflict(f"{r.name} settles no {currency} here: record a bank transfer", code="card_currency_unsupported")
    payee_account = await payees.payee_account(org_id)
    return await _start(
        order_subject(order_id),
        {"house_org_id": org_id, "purpose": "order", "party": f"export_order:{order_id}", "amount_fen": amount_minor,
         "currency": currency, "payee_account": payee_account, "created_by_user_id": user_id},
    )  # fmt: skip


async def order_checkout(order_id: int) -> Checkout | None:
    return await _latest(order_subject(order_id))


async def recorded_order_checkout(order_id: int) -> Checkout | None:
    """The order's latest session as last recorded (by a webhook, or a view), without asking Stripe."""
    op = await CardOperation.filter(subject=order_subject(order_id), kind=KIND).order_by("-id").first()
    return None if op is None else Checkout(op.id, op.status, op.amount_fen, op.currency, None)


async def order_of_session(session_id: str) -> tuple[int, Checkout] | None:
    """The export order a Checkout Session was opened for, and the session as Stripe has it now: what the payer's
    return page (Stripe fills the session's id into our success URL) shows. None for anything else."""
    if not session_id.startswith("cs_") or len(session_id) > 80:
        return None
    op = await CardOperation.filter(provider_id=session_id, kind=KIND, purpose="order").first()
    kind, _, number = op.subject.partition(":") if op else ("", "", "")
    if op is None or kind != "export_order" or not number.isdigit():
        return None
    return int(number), (await _view(op) if cards.configured() else Checkout(op.id, op.status, op.amount_fen,
                                                                             op.currency, None))  # fmt: skip


async def configured_for(currency: str, payee_org_id: int) -> str | None:
    """Why an amount in this currency, for this payee, cannot go through the hosted checkout, or None."""
    if not cards.configured():
        return "card_rail_unavailable"
    if currency not in cards.rail().currencies:
        return "card_currency_unsupported"
    return await payees.refusal_for(payee_org_id)


__all__ = ["Checkout", "checkout_invoice", "checkout_order", "invoice_checkout", "order_checkout", "order_of_session",
           "state_of"]  # fmt: skip
