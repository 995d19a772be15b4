"""Stripe's hosted checkout (Checkout Sessions) for an invoice, against a LOCAL FAKE of the Stripe endpoints
(tests/support_stripe_fake.py): no Stripe server can be reached from here. The real `stripe` SDK makes the calls;
the fake models sessions as Stripe documents them (the PaymentIntent made when the payer pays, `url` only while
open, the Idempotency-Key replay)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from marketplace.errors import ApiError
from marketplace.ports.payments.base import CheckoutSession
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.models import CardEvent, CardOperation, Invoice, LedgerTransaction, Receipt
from marketplace.settlement.services import cards, checkout, invoices, ledger, webhooks
from tests.integration.settlement.support_cards import buyer, fake, house, rail, staff
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support_bank import make_invoice
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "house", "rail"]  # the fixtures


def now() -> datetime:
    return datetime.now(UTC)


async def deliver(fake: FakeStripe, type_: str, cs_id: str, obj: dict[str, object] | None = None,
                  **kw: object) -> tuple[str, bool]:  # fmt: skip
    payload, sig = fake.event(type_, obj or fake.session_object(cs_id), **kw)  # type: ignore[arg-type]
    return await webhooks.receive(payload, sig, now())


def session(status: str, payment_status: str) -> CheckoutSession:
    return CheckoutSession("cs_x", status, payment_status, None, 1, "USD", "pi_x", None, 0, {})


@pytest.mark.parametrize(
    ("status", "payment_status", "state"),
    [("open", "unpaid", "open"), ("complete", "paid", "succeeded"), ("complete", "no_payment_required", "succeeded"),
     ("complete", "unpaid", "processing"), ("expired", "unpaid", "canceled")],
)  # fmt: skip
def test_a_session_state_maps_to_one_operation_status(status: str, payment_status: str, state: str) -> None:
    assert checkout.state_of(session(status, payment_status)) == state


async def test_an_invoice_paid_through_the_hosted_page_posts_once_whatever_the_webhooks_do(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 91, 100_000, "USD")
    opened = await checkout.checkout_invoice(buyer(91), inv.id)
    op = await CardOperation.get(id=opened.operation_id)
    assert (op.kind, op.purpose, op.status, op.amount_fen) == ("checkout", "invoice", "open", inv.total_fen)
    assert op.provider_id is not None
    assert opened.url == fake.sessions[op.provider_id]["url"]
    cs = fake.sessions[op.provider_id]
    assert (cs["mode"], cs["amount_total"], cs["currency"]) == ("payment", inv.total_fen, "usd")
    assert cs["client_reference_id"] == f"invoice-{inv.id}"
    assert cs["metadata"] == {"checkout_operation": op.idempotency_key, "subject": f"invoice:{inv.id}"}
    assert cs["_intent"]["metadata"]["checkout_operation"] == op.idempotency_key
    assert cs["success_url"].endswith(f"/me/purchases?invoice={inv.id}&card=done&session_id={{CHECKOUT_SESSION_ID}}")
    assert op.idempotency_key in fake._keys  # the key written with the row went with the call
    made = fake.created["checkout_session"]
    again = await checkout.checkout_invoice(buyer(91), inv.id)  # a second click resumes the same page
    assert (again.operation_id, again.url) == (opened.operation_id, opened.url)
    assert fake.created["checkout_session"] == made

    # An event before the payer paid: the session as it is now (open) changes nothing.
    assert (await deliver(fake, "checkout.session.completed", op.provider_id))[0] == "checkout:open"
    stale = fake.session_object(op.provider_id)  # what a late event would carry
    fake.checkout(op.provider_id, "pay")
    assert await deliver(fake, "checkout.session.completed", op.provider_id, event_id="evt_cs_1") == (
        "checkout:succeeded", True,
    )  # fmt: skip
    txs = await LedgerTransaction.filter(house_org_id=house).count()
    assert (await deliver(fake, "checkout.session.completed", op.provider_id, event_id="evt_cs_1"))[1] is False
    await deliver(fake, "checkout.session.completed", op.provider_id)  # another delivery, another id
    await deliver(fake, "checkout.session.expired", op.provider_id, stale)  # an old state, arriving last
    assert await LedgerTransaction.filter(house_org_id=house).count() == txs
    pi = fake.sessions[op.provider_id]["payment_intent"]
    receipts = await Receipt.filter(house_org_id=house, rail="stripe")
    assert [(r.reference, r.amount_fen, r.applied_fen, r.credit_fen) for r in receipts] == [
        (pi, inv.total_fen, inv.total_fen, 0)
    ]
    paid = await Invoice.get(id=inv.id)
    assert (paid.status, paid.paid_fen) == ("paid", inv.total_fen)
    done = await CardOperation.get(id=op.id)
    assert (done.status, done.charge_id) == ("succeeded", fake.intents[pi]["latest_charge"])
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == inv.total_fen
    # The PaymentIntent's own event (Stripe sends both) is not taken for a second payment.
    payload, sig = fake.event("payment_intent.succeeded", fake.intents[pi])
    assert (await webhooks.receive(payload, sig, now()))[0] == "unknown_payment"
    assert await LedgerTransaction.filter(house_org_id=house).count() == txs
    view = await checkout.invoice_checkout(buyer(91), inv.id)
    assert (view[1], view[2] and view[2].status) == ("invoice_not_open", "succeeded")
    await assert_books_consistent()


async def test_a_session_paid_before_its_answer_committed_is_found_by_its_metadata(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    """The worker died after Stripe created the session and before the answer committed; the payer paid anyway
    and the webhook came first. The job's retry then finds the operation answered and makes no second session."""
    inv = await make_invoice(house, 92, 50_000, "EUR")

    async def died(op: CardOperation) -> None:
        raise RuntimeError("killed after the call")

    cards.after_call = died
    with pytest.raises(RuntimeError):
        await checkout.checkout_invoice(buyer(92), inv.id)
    cards.after_call = None
    op = await CardOperation.get(invoice_id=inv.id, kind="checkout")
    assert (op.provider_id, op.status) == (None, "pending")
    [cs_id] = [k for k, s in fake.sessions.items() if s["metadata"].get("checkout_operation") == op.idempotency_key]
    fake.checkout(cs_id, "pay")
    assert (await deliver(fake, "checkout.session.completed", cs_id))[0] == "checkout:succeeded"
    made = fake.created["checkout_session"]
    assert (await cards.execute(op.id)).status == "succeeded"  # the job's run: nothing owed any more
    assert fake.created["checkout_session"] == made
    assert (await Invoice.get(id=inv.id)).status == "paid"
    assert await Receipt.filter(house_org_id=house).count() == 1


async def test_a_payment_landing_after_a_bank_transfer_is_the_buyers_credit(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 93, 10_000, "USD")
    opened = await checkout.checkout_invoice(buyer(93), inv.id)
    await invoices.record_receipt(staff(house), house, inv.id, f"TT-{inv.id}", inv.total_fen, date(2026, 3, 2), now())
    cs_id = (await CardOperation.get(id=opened.operation_id)).provider_id
    assert cs_id is not None
    fake.checkout(cs_id, "pay")
    await deliver(fake, "checkout.session.completed", cs_id)
    [receipt] = await Receipt.filter(house_org_id=house, rail="stripe")
    assert (receipt.applied_fen, receipt.credit_fen) == (0, inv.total_fen)
    assert await ledger.balance(house, "buyer_credit", "user:93", "USD") == inv.total_fen
    await assert_books_consistent()


async def test_a_delayed_method_posts_when_it_clears_and_an_expired_page_gives_way(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 94, 20_000, "HKD")
    first = await checkout.checkout_invoice(buyer(94), inv.id)
    first_cs = (await CardOperation.get(id=first.operation_id)).provider_id
    assert first_cs is not None
    fake.checkout(first_cs, "expire")
    assert (await deliver(fake, "checkout.session.expired", first_cs))[0] == "checkout:canceled"
    second = await checkout.checkout_invoice(buyer(94), inv.id)  # the expired page gives way to a new one
    assert second.operation_id != first.operation_id
    assert second.url
    cs_id = (await CardOperation.get(id=second.operation_id)).provider_id
    assert cs_id is not None
    assert cs_id != first_cs
    fake.checkout(cs_id, "pay", delayed=True)
    assert (await deliver(fake, "checkout.session.completed", cs_id))[0] == "checkout:processing"
    assert await Receipt.filter(house_org_id=house).count() == 0
    fake.checkout(cs_id, "settle")
    assert (await deliver(fake, "checkout.session.async_payment_succeeded", cs_id))[0] == "checkout:succeeded"
    assert (await Invoice.get(id=inv.id)).status == "paid"
    assert await Receipt.filter(house_org_id=house).count() == 1


@pytest.mark.parametrize("tamper", ["payload", "secret", "stale"])
async def test_a_tampered_checkout_event_changes_nothing(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int, tamper: str
) -> None:
    inv = await make_invoice(house, 95, 10_000, "USD")
    opened = await checkout.checkout_invoice(buyer(95), inv.id)
    cs_id = (await CardOperation.get(id=opened.operation_id)).provider_id
    assert cs_id is not None
    fake.checkout(cs_id, "pay")
    at = int(now().timestamp()) - (301 if tamper == "stale" else 0)
    payload, sig = fake.event("checkout.session.completed", fake.session_object(cs_id), at=at,
                              secret="whsec_other" if tamper == "secret" else "whsec_fake_local")  # fmt: skip
    if tamper == "payload":
        payload = payload.replace(b'"livemode": false', b'"livemode": true')
    with pytest.raises(ApiError) as err:
        await webhooks.receive(payload, sig, now())
    assert (err.value.status, err.value.code) == (400, "webhook_signature_invalid")
    assert await CardEvent.all().count() == 0
    assert (await Invoice.get(id=inv.id)).status == "open"


async def test_cny_and_strangers_are_refused_before_any_call(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 96, 10_000, "CNY")
    made = fake.created["checkout_session"]
    with pytest.raises(ApiError) as err:
        await checkout.checkout_invoice(buyer(96), inv.id)
    assert (err.value.status, err.value.code) == (409, "card_currency_unsupported")
    assert (await checkout.invoice_checkout(buyer(96), inv.id))[1] == "card_currency_unsupported"
    usd = await make_invoice(house, 97, 10_000, "USD")
    for call in (checkout.checkout_invoice, checkout.invoice_checkout):
        with pytest.raises(ApiError) as err:
            await call(buyer(98), usd.id)  # another buyer: as if the invoice did not exist
        assert (err.value.status, err.value.code) == (404, "invoice_not_found")
    assert fake.created["checkout_session"] == made
    assert await CardOperation.filter(kind="checkout").count() == 0


async def test_an_ambiguous_answer_is_retried_with_the_same_key(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 99, 10_000, "USD")
    made = fake.created["checkout_session"]
    fake.fail_next = 1  # Stripe made the session, then answered 500
    with pytest.raises(ApiError) as err:
        await checkout.checkout_invoice(buyer(99), inv.id)
    assert (err.value.status, err.value.code) == (503, "card_provider_unavailable")
    again = await checkout.checkout_invoice(buyer(99), inv.id)  # the same operation, the same key: the same session
    assert again.url
    assert fake.created["checkout_session"] == made + 1
    assert await CardOperation.filter(kind="checkout", invoice_id=inv.id).count() == 1


async def test_without_a_rail_the_checkout_is_refused_with_a_stable_code(database: Settings, house: int) -> None:
    inv = await make_invoice(house, 100, 10_000, "USD")
    with pytest.raises(ApiError) as err:
        await checkout.checkout_invoice(buyer(100), inv.id)
    assert (err.value.status, err.value.code) == (409, "card_rail_unavailable")
    _, reason, latest = await checkout.invoice_checkout(buyer(100), inv.id)
    assert (reason, latest) == ("card_rail_unavailable", None)


async def test_two_clicks_and_two_deliveries_at_once_make_one_session_and_one_receipt(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    import asyncio

    inv = await make_invoice(house, 101, 30_000, "USD")
    made = fake.created["checkout_session"]
    a, b = await asyncio.gather(
        checkout.checkout_invoice(buyer(101), inv.id), checkout.checkout_invoice(buyer(101), inv.id)
    )
    assert a.operation_id == b.operation_id
    assert fake.created["checkout_session"] == made + 1
    cs_id = (await CardOperation.get(id=a.operation_id)).provider_id
    assert cs_id is not None
    fake.checkout(cs_id, "pay")
    outcomes = await asyncio.gather(
        deliver(fake, "checkout.session.completed", cs_id), deliver(fake, "checkout.session.completed", cs_id)
    )
    assert [o[0] for o in outcomes] == ["checkout:succeeded", "checkout:succeeded"]
    assert await Receipt.filter(house_org_id=house, rail="stripe").count() == 1
    assert (await Invoice.get(id=inv.id)).paid_fen == inv.total_fen
    await assert_books_consistent()


async def test_two_clicks_at_once_on_an_export_order_make_one_session(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An order has no row in settlement to lock: the subject's advisory lock makes the clicks take turns on
    # PostgreSQL (without it each found no live session and opened one). A pause before writing the operation
    # opens that window wide.
    import asyncio

    new_operation = cards.new_operation

    async def slow(*args: object, **kwargs: object) -> CardOperation:
        await asyncio.sleep(0.2)
        return await new_operation(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cards, "new_operation", slow)
    made = fake.created["checkout_session"]
    opened = await asyncio.gather(*(checkout.checkout_order(house, 7_001, 250_000, "USD", 1) for _ in range(3)))
    assert len({o.operation_id for o in opened}) == 1
    assert fake.created["checkout_session"] == made + 1
    assert await CardOperation.filter(subject=checkout.order_subject(7_001)).count() == 1


async def test_the_payer_back_from_stripe_sees_the_payment_before_the_webhook(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 102, 15_000, "EUR")
    opened = await checkout.checkout_invoice(buyer(102), inv.id)
    cs_id = (await CardOperation.get(id=opened.operation_id)).provider_id
    assert cs_id is not None
    fake.checkout(cs_id, "pay")
    invoice, reason, latest = await checkout.invoice_checkout(buyer(102), inv.id)  # the return page's read
    assert (invoice.status, reason, latest and latest.status) == ("paid", "invoice_not_open", "succeeded")
    assert (await deliver(fake, "checkout.session.completed", cs_id))[0] == "checkout:succeeded"
    assert await Receipt.filter(house_org_id=house, rail="stripe").count() == 1
