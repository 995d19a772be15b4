"""HTTP handlers of the card rail (Stripe): paying an invoice by card, refunds, Stripe's webhook, reconciliation.

The webhook is public (Stripe calls it without a session) and trusts nothing but the signature: verified with
the signing secret, kept once by event id, applied from the PaymentIntent as Stripe has it now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute

from marketplace.errors import PayloadTooLarge
from marketplace.settlement.schemas import CurrencyIn
from marketplace.settlement.schemas_rails import (
    CardCheckoutStateOut,
    CardOperationOut,
    CardPaymentOut,
    CardRefundIn,
    CheckoutSessionOut,
    StripeReconciliationOut,
    StripeSyncIn,
    StripeSyncOut,
    WebhookOut,
)
from marketplace.settlement.services import cards, checkout, reconciliation, webhooks
from marketplace.web.endpoint import Call, endpoint

TAG = "settlement"


def now() -> datetime:
    return datetime.now(UTC)


@endpoint(
    "POST",
    "/api/invoices/{id:int}/card-payment",
    summary="Pay an invoice's balance by card (Stripe; USD, EUR or HKD, never CNY): returns the client secret for "
    "Stripe.js; a second call resumes the same payment",
    tag=TAG,
    response=CardPaymentOut,
    errors=(403, 404, 409, 503),
)
async def pay_by_card(call: Call[Any, Any]) -> CardPaymentOut:
    op, secret = await cards.pay_invoice(call.user, call.path_id(), now())
    call.services.relay.notify()
    return CardPaymentOut(
        operation_id=op.id, provider=op.provider, status=op.status, amount_fen=op.amount_fen, currency=op.currency,
        client_secret=secret, stripe_account=op.payee_account,
    )  # fmt: skip


def checkout_out(c: checkout.Checkout) -> CheckoutSessionOut:
    return CheckoutSessionOut(
        operation_id=c.operation_id, status=c.status, amount_minor=c.amount, currency=c.currency, url=c.url
    )


@endpoint(
    "POST",
    "/api/invoices/{id:int}/card-checkout",
    summary="Open (or resume) Stripe's hosted checkout for an invoice's balance (the buyer or the house's staff; "
    "USD, EUR or HKD, never CNY): returns the page's URL to send the payer to",
    tag=TAG,
    response=CheckoutSessionOut,
    errors=(403, 404, 409, 503),
)
async def open_card_checkout(call: Call[Any, Any]) -> CheckoutSessionOut:
    opened = await checkout.checkout_invoice(call.user, call.path_id())
    call.services.relay.notify()
    return checkout_out(opened)


@endpoint(
    "GET",
    "/api/invoices/{id:int}/card-checkout",
    summary="Whether an invoice may be paid through Stripe's hosted checkout (and why not), and its latest session "
    "as Stripe has it now",
    tag=TAG,
    response=CardCheckoutStateOut,
    errors=(404, 503),
)
async def card_checkout_state(call: Call[Any, Any]) -> CardCheckoutStateOut:
    _, reason, latest = await checkout.invoice_checkout(call.user, call.path_id())
    call.services.relay.notify()
    return CardCheckoutStateOut(
        available=reason is None, reason=reason,
        currencies=sorted(cards.rail().currencies) if cards.configured() else [],
        checkout=checkout_out(latest) if latest else None,
    )  # fmt: skip


@endpoint(
    "POST",
    "/api/houses/{id:int}/card-payments/{operation:int}/refund",
    summary="Refund a buyer's credit to the card it was paid with (the house's staff)",
    tag=TAG,
    body=CardRefundIn,
    response=CardOperationOut,
    errors=(403, 404, 409, 422, 503),
)
async def refund_card(call: Call[CardRefundIn, Any]) -> CardOperationOut:
    op = await cards.refund_credit(call.user, call.path_id(), call.path_id("operation"), call.body.amount_fen,
                                   call.body.request_id)  # fmt: skip
    call.services.relay.notify()
    return CardOperationOut(
        operation_id=op.id, kind=op.kind, status=op.status, amount_fen=op.amount_fen, currency=op.currency
    )


@endpoint(
    "POST",
    "/api/payments/stripe/webhook",
    summary="Stripe's webhook: verified by the Stripe-Signature header, once per event id, in any order",
    tag=TAG,
    response=WebhookOut,
    auth="public",
    csrf=False,  # Stripe has no session; the signature is the authentication
    errors=(400, 409, 413, 503),
)
async def stripe_webhook(call: Call[Any, Any]) -> WebhookOut | JSONResponse:
    declared = call.request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > webhooks.MAX_BODY_BYTES:
        raise PayloadTooLarge("a webhook event is a few kB", code="payload_too_large")
    payload = await call.request.body()
    if len(payload) > webhooks.MAX_BODY_BYTES:
        raise PayloadTooLarge("a webhook event is a few kB", code="payload_too_large")
    outcome, new = await webhooks.receive(payload, call.request.headers.get("stripe-signature", ""), now())
    call.services.relay.notify()
    return WebhookOut(received=new, outcome=outcome)


@endpoint(
    "POST",
    "/api/houses/{id:int}/reconciliation/stripe/sync",
    summary="Fetch Stripe's balance transactions since a moment and match each to its payment or refund once",
    tag=TAG,
    body=StripeSyncIn,
    response=StripeSyncOut,
    errors=(403, 404, 409, 422, 503),
)
async def stripe_sync(call: Call[StripeSyncIn, Any]) -> StripeSyncOut:
    return StripeSyncOut(outcomes=await reconciliation.sync_stripe(call.user, call.path_id(), call.body.since))


@endpoint(
    "GET",
    "/api/houses/{id:int}/reconciliation/stripe",
    summary="The Stripe rail reconciled: balance transactions matched and unmatched, Stripe clearing, fees",
    tag=TAG,
    query=CurrencyIn,
    response=StripeReconciliationOut,
    errors=(404, 422),
)
async def stripe_reconciliation(call: Call[Any, CurrencyIn]) -> StripeReconciliationOut:
    return StripeReconciliationOut.model_validate(
        await reconciliation.stripe_view(call.user, call.path_id(), call.query.currency)
    )


routes: list[BaseRoute] = [
    pay_by_card,
    open_card_checkout,
    card_checkout_state,
    refund_card,
    stripe_webhook,
    stripe_sync,
    stripe_reconciliation,
]
