"""The card rail (Stripe) against a LOCAL FAKE of the Stripe endpoints it uses (tests/support_stripe_fake.py): no
Stripe server can be reached from here. The real `stripe` SDK makes the calls; the contract suite
(tests/contract/test_stripe_contract.py) runs the same calls against Stripe's test mode when configured."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from marketplace.errors import ApiError
from marketplace.outbox.models import OutboxEvent
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.models import CardEvent, CardOperation, Invoice, LedgerTransaction, Receipt
from marketplace.settlement.services import cards, invoices, ledger, reconciliation
from tests.integration.settlement.support_cards import buyer, deliver, fake, house, paid_with_credit, rail, staff
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support_bank import make_invoice
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "house", "rail"]  # the fixtures


def now() -> datetime:
    return datetime.now(UTC)


async def test_an_invoice_paid_by_card_posts_once_whatever_the_webhooks_do(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 77, 100_000, "USD")
    op, secret = await cards.pay_invoice(buyer(77), inv.id, now())
    assert op.provider_id is not None
    assert secret == f"{op.provider_id}_secret_fake"
    intent = fake.intents[op.provider_id]
    assert (intent["amount"], intent["currency"], intent["capture_method"]) == (inv.total_fen, "usd", "automatic")
    assert intent["metadata"]["operation"] == op.idempotency_key
    before = fake.created["payment_intent"]
    again, _ = await cards.pay_invoice(buyer(77), inv.id, now())  # a second click resumes the same payment
    assert again.id == op.id
    assert fake.created["payment_intent"] == before

    # An event that arrives before the card is confirmed: the current state (not the event's) changes nothing.
    assert (await deliver(fake, "payment_intent.succeeded", op.provider_id))[0] == "payment:requires_payment_method"
    fake.confirm(op.provider_id)
    outcome, new = await deliver(fake, "payment_intent.succeeded", op.provider_id, event_id="evt_good")
    assert (outcome, new) == ("payment:succeeded", True)
    # The same event again, another event about the same payment, an older event arriving late: no change.
    txs = await LedgerTransaction.filter(house_org_id=house).count()
    assert (await deliver(fake, "payment_intent.succeeded", op.provider_id, event_id="evt_good"))[1] is False
    await deliver(fake, "payment_intent.succeeded", op.provider_id)
    await deliver(fake, "payment_intent.processing", op.provider_id, at=int(now().timestamp()) - 60)
    assert await LedgerTransaction.filter(house_org_id=house).count() == txs
    paid = await Invoice.get(id=inv.id)
    assert (paid.status, paid.paid_fen) == ("paid", inv.total_fen)
    receipts = await Receipt.filter(house_org_id=house, rail="stripe")
    assert [(r.reference, r.amount_fen) for r in receipts] == [(op.provider_id, inv.total_fen)]
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == inv.total_fen
    assert (await CardOperation.get(id=op.id)).status == "succeeded"
    await assert_books_consistent()


@pytest.mark.parametrize("tamper", ["payload", "secret", "stale", "future", "missing"])
async def test_bad_webhooks_change_nothing(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int, tamper: str
) -> None:
    inv = await make_invoice(house, 78, 10_000, "USD")
    op, _ = await cards.pay_invoice(buyer(78), inv.id, now())
    assert op.provider_id is not None
    fake.confirm(op.provider_id)
    stamp = int(now().timestamp())
    at = {"stale": stamp - 301, "future": stamp + 301}.get(tamper, stamp)
    payload, sig = fake.event("payment_intent.succeeded", fake.intents[op.provider_id], at=at,
                              secret="whsec_other" if tamper == "secret" else "whsec_fake_local")  # fmt: skip
    if tamper == "payload":
        payload = payload.replace(b'"livemode": false', b'"livemode": true')
    if tamper == "missing":
        sig = ""
    from marketplace.settlement.services import webhooks

    with pytest.raises(ApiError) as err:
        await webhooks.receive(payload, sig, now())
    assert (err.value.status, err.value.code) == (400, "webhook_signature_invalid")
    assert await CardEvent.all().count() == 0
    assert await Receipt.filter(house_org_id=house).count() == 0
    assert (await Invoice.get(id=inv.id)).status == "open"


async def test_stripe_never_takes_cny(database: Settings, rail: StripeCards, fake: FakeStripe, house: int) -> None:
    inv = await make_invoice(house, 79, 10_000, "CNY")
    before = fake.created["payment_intent"]
    with pytest.raises(ApiError) as err:
        await cards.pay_invoice(buyer(79), inv.id, now())
    assert err.value.code == "card_currency_unsupported"
    assert fake.created["payment_intent"] == before
    with pytest.raises(ApiError) as err:
        await cards.pay_invoice(buyer(80), inv.id, now())  # not the buyer, not the house: as if absent
    assert err.value.status == 404


async def test_without_a_rail_cards_are_refused(database: Settings, house: int) -> None:
    inv = await make_invoice(house, 81, 10_000, "USD")
    with pytest.raises(ApiError) as err:
        await cards.pay_invoice(buyer(81), inv.id, now())
    assert err.value.code == "card_rail_unavailable"


async def test_an_ambiguous_answer_is_retried_with_the_same_key(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv = await make_invoice(house, 82, 10_000, "EUR")
    before = fake.created["payment_intent"]
    fake.fail_next = 1  # Stripe did the work, then answered 500
    with pytest.raises(ApiError) as err:
        await cards.pay_invoice(buyer(82), inv.id, now())
    assert (err.value.status, err.value.code) == (503, "card_provider_unavailable")
    op = await CardOperation.get(invoice_id=inv.id)
    assert (op.provider_id, op.attempts) == (None, 1)
    # The call is owed by its job (an outbox event written with the operation).
    owed = [e for e in await OutboxEvent.filter(topic=cards.OPERATION_TOPIC) if e.payload["operation_id"] == op.id]
    assert len(owed) == 1
    done = await cards.execute(op.id)  # the job's run
    assert done.provider_id is not None
    assert fake.created["payment_intent"] == before + 1
    assert (await cards.execute(op.id)).provider_id == done.provider_id  # a second run does nothing


async def test_a_credit_is_refunded_to_the_card_once_and_stripe_clearing_nets_to_zero(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    inv, op = await paid_with_credit(fake, house, 83)
    assert await ledger.balance(house, "buyer_credit", "user:83", "USD") == inv.total_fen
    refund = await cards.refund_credit(staff(house), house, op.id, inv.total_fen)
    assert (refund.kind, refund.status) == ("refund", "succeeded")
    assert refund.provider_id in fake.refunds
    assert await ledger.balance(house, "buyer_credit", "user:83", "USD") == 0
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == 0
    with pytest.raises(ApiError) as err:
        await cards.refund_credit(staff(house), house, op.id, 1)
    assert err.value.code == "refund_exceeds_payment"  # the payment is refunded whole: the tighter bound

    # Stripe's balance transactions: the charge (less its fee) and the refund, each matched once.
    outcomes = await reconciliation.sync_stripe(staff(house), house, now() - timedelta(minutes=5))
    assert outcomes.get("matched", 0) >= 2
    again = await reconciliation.sync_stripe(staff(house), house, now() - timedelta(minutes=5))
    assert set(again) == {"known"}
    view = await reconciliation.stripe_view(staff(house), house, "USD")
    charge = next(b for b in fake.balance if b["source"] == op.charge_id)
    assert view["clearing_fen"] == 0
    assert view["fees_fen"] == charge["fee"]
    assert view["stripe_balance_fen"] == charge["net"] - inv.total_fen
    assert view["payments_not_settled"] == []
    await assert_books_consistent()


async def test_a_card_held_deposit_is_authorised_captured_before_it_lapses_or_released(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    async with in_transaction() as conn:
        held = await cards.hold_deposit(conn, house, "deposit:session:5:user:84", "user:84", 50_000, "HKD")
        other = await cards.hold_deposit(conn, house, "deposit:session:6:user:84", "user:84", 20_000, "HKD")
    held, other = await cards.execute(held.id), await cards.execute(other.id)
    assert held.provider_id is not None
    assert other.provider_id is not None
    assert fake.intents[held.provider_id]["capture_method"] == "manual"
    for op in (held, other):
        assert op.provider_id is not None
        fake.confirm(op.provider_id)
        await deliver(fake, "payment_intent.amount_capturable_updated", op.provider_id)
    assert (await CardOperation.get(id=held.id)).status == "requires_capture"
    topics = [e.topic for e in await OutboxEvent.filter(topic__startswith="settlement.card_deposit")]
    assert topics.count("settlement.card_deposit_held") == 2

    # Released: the hold is cancelled.
    async with in_transaction() as conn:
        cancel = await cards.act_on(conn, await CardOperation.get(id=other.id), "cancel")
    await cards.execute(cancel.id)
    assert fake.intents[other.provider_id]["status"] == "canceled"
    assert (await CardOperation.get(id=other.id)).status == "canceled"

    # Six days on, the remaining hold is captured (the deposits work refunds it later); never left to lapse.
    assert await cards.capture_expiring(now() + timedelta(days=5)) == []
    created = await cards.capture_expiring(now() + timedelta(days=6, minutes=1))
    assert len(created) == 1
    assert await cards.capture_expiring(now() + timedelta(days=6, minutes=1)) == []  # once
    captures = fake.created["capture"]
    capture = await cards.execute(created[0])
    assert capture.status == "succeeded"
    assert fake.intents[held.provider_id]["status"] == "succeeded"
    assert fake.created["capture"] == captures + 1
    topics = [e.topic for e in await OutboxEvent.filter(topic__startswith="settlement.card_deposit")]
    assert topics.count("settlement.card_deposit_captured") == 1
    assert topics.count("settlement.card_deposit_released") == 1


async def test_the_same_event_delivered_twice_at_once_changes_state_once(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    import asyncio

    from marketplace.settlement.services import webhooks

    inv = await make_invoice(house, 85, 10_000, "USD")
    op, _ = await cards.pay_invoice(buyer(85), inv.id, now())
    assert op.provider_id is not None
    fake.confirm(op.provider_id)
    payload, sig = fake.event("payment_intent.succeeded", fake.intents[op.provider_id])
    results = await asyncio.gather(*(webhooks.receive(payload, sig, now()) for _ in range(3)))
    assert sorted(new for _, new in results) == [False, False, True]
    assert await CardEvent.all().count() == 1
    assert await Receipt.filter(house_org_id=house, rail="stripe").count() == 1
    assert await ledger.balance(house, "stripe_clearing", "", "USD") == inv.total_fen


async def test_a_credit_goes_back_by_one_rail_only(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    """A bank refund task still open keeps its part of the credit from a card refund, and a card refund the
    provider has not settled keeps its part from a bank request: before, each rail saw the whole credit, and the
    second refund was paid out by the provider or the bank before the books' floor refused it."""
    inv, op = await paid_with_credit(fake, house, 85)
    from marketplace.settlement.services import refunds

    task = await refunds.request(buyer(85), house, "USD", 4_000, now())
    with pytest.raises(ApiError) as err:
        await cards.refund_credit(staff(house), house, op.id, inv.total_fen)
    assert err.value.code == "insufficient_balance"
    assert not await CardOperation.filter(kind="refund", parent_id=op.id).exists()
    part = await cards.refund_credit(staff(house), house, op.id, inv.total_fen - 4_000)
    assert part.status == "succeeded"
    await refunds.complete(staff(house), house, task.id, "BANK-85", now())
    assert await ledger.balance(house, "buyer_credit", "user:85", "USD") == 0

    # A card refund not settled yet (the provider answered "pending") holds its amount from a bank request.
    inv2, op2 = await paid_with_credit(fake, house, 86)
    fake.refund_status = "pending"
    try:
        pending = await cards.refund_credit(staff(house), house, op2.id, 6_000)
    finally:
        fake.refund_status = "succeeded"
    assert pending.status == "pending"
    (credit,) = [c for c in await refunds.my_credits(buyer(86)) if c.house_org_id == house]
    assert (credit.balance_fen, credit.refundable_fen) == (inv2.total_fen, inv2.total_fen - 6_000)
    with pytest.raises(ApiError) as err:
        await refunds.request(buyer(86), house, "USD", inv2.total_fen - 5_000, now())
    assert err.value.code == "refund_exceeds_credit"
    ok = await refunds.request(buyer(86), house, "USD", inv2.total_fen - 6_000, now())
    assert ok.amount_fen == inv2.total_fen - 6_000
    await assert_books_consistent()


async def over_credited(fake: FakeStripe, house: int, user: int) -> tuple[Invoice, CardOperation]:
    """A card payment the buyer's credit exceeds: a second bank transfer landed on the paid invoice as credit too."""
    inv, op = await paid_with_credit(fake, house, user)
    await invoices.record_receipt(staff(house), house, inv.id, f"TT-{inv.id}-B", 50_000, date(2026, 3, 3), now())
    assert await ledger.balance(house, "buyer_credit", f"user:{user}", "USD") == inv.total_fen + 50_000
    return inv, op


async def test_card_refunds_never_exceed_the_payment_though_the_credit_would_allow_it(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    """The credit was the only bound: a refund above the card payment went to Stripe (which refuses it, after the
    operation row and its job were written) and, summed over several refunds, the books were the only check left."""
    inv, op = await over_credited(fake, house, 88)
    sent = len(fake.refunds)
    with pytest.raises(ApiError) as err:
        await cards.refund_credit(staff(house), house, op.id, op.amount_fen + 1)
    assert (err.value.status, err.value.code) == (409, "refund_exceeds_payment")
    assert not await CardOperation.filter(kind="refund", parent_id=op.id).exists()
    assert len(fake.refunds) == sent  # refused here, before any call to Stripe
    first = await cards.refund_credit(staff(house), house, op.id, 6_000)
    assert first.status == "succeeded"
    with pytest.raises(ApiError) as err:  # the sum of the refunds on one payment, too
        await cards.refund_credit(staff(house), house, op.id, op.amount_fen - 6_000 + 1)
    assert err.value.code == "refund_exceeds_payment"
    rest = await cards.refund_credit(staff(house), house, op.id, op.amount_fen - 6_000)
    assert rest.status == "succeeded"
    assert len(fake.refunds) == sent + 2
    assert await ledger.balance(house, "buyer_credit", "user:88", "USD") == inv.total_fen + 50_000 - op.amount_fen
    await assert_books_consistent()


async def test_two_refunds_at_once_do_not_together_exceed_the_payment(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    """Each alone fits the payment, both do not: the payment's row lock makes the second count the first."""
    _, op = await over_credited(fake, house, 89)
    half = op.amount_fen // 2 + 1
    results = await asyncio.gather(
        *(cards.refund_credit(staff(house), house, op.id, half) for _ in range(3)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, ApiError)]
    assert [r.code for r in refused] == ["refund_exceeds_payment"] * 2, results
    ops = await CardOperation.filter(kind="refund", parent_id=op.id)
    assert [o.amount_fen for o in ops] == [half]
    assert sum(int(r["amount"]) for r in fake.refunds.values() if r["payment_intent"] == op.provider_id) == half


async def test_refunds_decided_in_two_transactions_at_once_count_each_other(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    """Below the credit's own lock (a refund of a captured deposit has none): two transactions each deciding a refund
    of the same payment. Without the payment's row lock both counted no refund yet (PostgreSQL) and both were
    written; with it the second waits for the first to commit and finds the payment nearly refunded."""
    _, op = await over_credited(fake, house, 90)
    half = op.amount_fen // 2 + 1

    async def decide() -> CardOperation:
        async with in_transaction() as conn:
            parent = await CardOperation.filter(id=op.id).using_db(conn).get()
            made = await cards.act_on(conn, parent, "refund", half, purpose="credit")
            await asyncio.sleep(0.3)  # the transaction held open while the other decides
            return made

    results = await asyncio.gather(decide(), decide(), return_exceptions=True)
    refused = [r for r in results if isinstance(r, ApiError)]
    assert [r.code for r in refused] == ["refund_exceeds_payment"], results
    assert await CardOperation.filter(kind="refund", parent_id=op.id).count() == 1
