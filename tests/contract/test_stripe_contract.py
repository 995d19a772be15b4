"""The card rail's contract against Stripe itself (test mode). Skipped unless STRIPE_SECRET_KEY is a test key
(sk_test_…): no Stripe server can be reached from the machine these tests were written on, so everywhere else the
same calls run against the local fake (tests/support_stripe_fake.py, in tests/integration/settlement/).

What it checks is what the fake claims to model: the same idempotency key returns the same PaymentIntent; a
manual-capture intent confirmed with Stripe's test card waits for capture and captures; a refund; balance
transactions listed; a Checkout Session (payment mode, one inline-priced line item) opened with a key, the same key
answering the same session, open with its hosted URL, its metadata and client reference kept, and no PaymentIntent
before the payer pays; a signature made with the wrong secret refused. With STRIPE_TEST_CONNECTED_ACCOUNT (an
acct_… connected to the test platform): the account retrieved, a PaymentIntent made on it (Stripe-Account) found
there and not on the platform's own account, as the fake's Connect model claims; an unknown account refused.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from marketplace.ports.payments.base import CardRailError, CardRequest, CheckoutRequest, Payee, WebhookRefused

KEY = os.environ.get("STRIPE_SECRET_KEY", "")
pytestmark = pytest.mark.skipif(not KEY.startswith("sk_test_"), reason="needs STRIPE_SECRET_KEY=sk_test_… (test mode)")


def rail():  # type: ignore[no-untyped-def]
    from marketplace.ports.payments.stripe_cards import StripeCards

    return StripeCards(KEY, os.environ.get("STRIPE_WEBHOOK_SECRET", "whsec_contract"))


async def test_the_same_key_is_the_same_payment_intent() -> None:
    r = rail()
    key = f"contract-{uuid.uuid4()}"
    req = CardRequest(key, 1_000, "USD", "automatic", Payee(), "contract", {"operation": key})
    a, b = await r.create_payment(req), await r.create_payment(req)
    assert a.id == b.id
    assert a.status == "requires_payment_method"
    assert (await r.retrieve_payment(a.id, Payee())).metadata["operation"] == key


async def test_a_manual_capture_holds_then_captures_and_refunds() -> None:
    import stripe

    r = rail()
    key = f"contract-{uuid.uuid4()}"
    held = await r.create_payment(CardRequest(key, 2_000, "EUR", "manual", Payee(), "deposit", {}))
    client = stripe.StripeClient(KEY)
    # Stripe's test card, confirmed as Stripe.js would in the payer's browser.
    await client.v1.payment_intents.confirm_async(
        held.id, {"payment_method": "pm_card_visa", "return_url": "https://example.invalid/"}
    )
    assert (await r.retrieve_payment(held.id, Payee())).status == "requires_capture"
    captured = await r.capture(held.id, 2_000, f"{key}-capture", Payee())
    assert (captured.status, captured.amount_received) == ("succeeded", 2_000)
    refund = await r.refund(held.id, 500, f"{key}-refund", Payee())
    assert (refund.amount, refund.payment_id) == (500, held.id)
    assert isinstance(await r.balance_lines(Payee(), int(time.time()) - 3600), list)


async def test_a_checkout_session_is_one_per_key_and_open_until_paid() -> None:
    r = rail()
    key = f"contract-{uuid.uuid4()}"
    req = CheckoutRequest(
        key, 12_345, "USD", "Invoice 7 / 发票 7", "invoice-7", "https://example.invalid/done?session_id={CHECKOUT_SESSION_ID}",
        "https://example.invalid/cancelled", Payee(), {"checkout_operation": key, "subject": "invoice:7"},
    )  # fmt: skip
    a, b = await r.create_checkout(req), await r.create_checkout(req)
    assert a.id == b.id
    assert (a.status, a.payment_status, a.amount_total, a.currency) == ("open", "unpaid", 12_345, "USD")
    assert a.url is not None
    assert a.url.startswith("https://")
    got = await r.retrieve_checkout(a.id, Payee())
    assert (got.client_reference_id, got.metadata["checkout_operation"], got.payment_id) == ("invoice-7", key, None)


def test_a_signature_with_another_secret_is_refused() -> None:
    with pytest.raises(WebhookRefused):
        rail().verify_event(b"{}", f"t={int(time.time())},v1=00", time.time())


CONNECTED = os.environ.get("STRIPE_TEST_CONNECTED_ACCOUNT", "")


@pytest.mark.skipif(not CONNECTED, reason="needs STRIPE_TEST_CONNECTED_ACCOUNT=acct_… connected to the test platform")
async def test_a_direct_charge_lives_on_the_connected_account() -> None:
    r = rail()
    account = await r.retrieve_account(CONNECTED)
    assert account.id == CONNECTED
    key = f"contract-{uuid.uuid4()}"
    pi = await r.create_payment(CardRequest(key, 1_000, "USD", "automatic", Payee(CONNECTED), "contract", {}))
    assert (await r.retrieve_payment(pi.id, Payee(CONNECTED))).id == pi.id
    with pytest.raises(CardRailError):
        await r.retrieve_payment(pi.id, Payee())  # not on the platform's own account


async def test_an_unknown_account_is_refused() -> None:
    with pytest.raises(CardRailError) as refused:
        await rail().retrieve_account("acct_000000000000unknown")
    assert refused.value.code == "card_account_not_found"
