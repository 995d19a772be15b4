"""Card-held deposits end to end against the LOCAL FAKE of Stripe (tests/support_stripe_fake.py): held, captured by
the settlement sweeper before the authorisation lapses, posted once; refunded through the DepositHolds port, the
posting reversed once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from marketplace.outbox.models import OutboxEvent
from marketplace.ports.payments.stripe_cards import StripeCards
from marketplace.settings import Settings
from marketplace.settlement.domain.invoices import deposit_party
from marketplace.settlement.models import CardOperation
from marketplace.settlement.services import card_deposits, cards, ledger, sweeper
from tests.integration.settlement.support_cards import deliver, fake, house, rail
from tests.integration.settlement.test_ledger import assert_books_consistent
from tests.support_stripe_fake import FakeStripe

__all__ = ["fake", "house", "rail"]  # the fixtures


async def _consume(topic: str) -> list[bool]:
    """Deliver every event of a topic to the card-deposit consumer, each twice (a redelivery)."""
    out = []
    for e in await OutboxEvent.filter(topic=topic).order_by("id"):
        message = {"event_id": str(e.event_id), "topic": e.topic, "payload": e.payload}
        out += [await card_deposits.consume(message), await card_deposits.consume(message)]
    return out


async def test_a_card_deposit_is_captured_by_the_sweeper_posted_once_and_refunded_once(
    database: Settings, rail: StripeCards, fake: FakeStripe, house: int
) -> None:
    party, amount = deposit_party(84, 5), 50_000
    async with in_transaction() as conn:
        held = await cards.hold_deposit(conn, house, "deposit:session:5:user:84", "user:84", amount, "HKD")
    held = await cards.execute(held.id)
    assert held.provider_id is not None
    fake.confirm(held.provider_id)
    await deliver(fake, "payment_intent.amount_capturable_updated", held.provider_id)
    assert await ledger.balance(house, "deposits_held", party, "HKD") == 0  # a hold is no money yet

    # The settlement sweeper captures the hold a day before the authorisation would lapse, once.
    early = await sweeper.sweep_once(datetime.now(UTC) + timedelta(days=5))
    assert early["cards_captured"] == 0
    late = await sweeper.sweep_once(datetime.now(UTC) + timedelta(days=6, minutes=1))
    assert late["cards_captured"] == 1
    assert (await sweeper.sweep_once(datetime.now(UTC) + timedelta(days=6, minutes=2)))["cards_captured"] == 0
    capture = await CardOperation.get(parent_id=held.id, kind="capture")
    await cards.execute(capture.id)
    assert fake.intents[held.provider_id]["status"] == "succeeded"

    assert await _consume(card_deposits.CAPTURED) == [True, False]
    assert await ledger.balance(house, "deposits_held", party, "HKD") == amount
    assert await ledger.balance(house, "stripe_clearing", "", "HKD") == amount

    # Refunded through the port the deposits sweeper uses; a second call makes no second refund.
    holds = card_deposits.CardDepositHolds()
    refunds = fake.created.get("refund", 0)
    await holds.refund(held.provider_id, amount, "deposit-refund-1")
    await holds.refund(held.provider_id, amount, "deposit-refund-1")
    assert fake.created.get("refund", 0) == refunds + 1
    assert await _consume(card_deposits.REFUNDED) == [True, False]
    assert await ledger.balance(house, "deposits_held", party, "HKD") == 0
    assert await ledger.balance(house, "stripe_clearing", "", "HKD") == 0
    # A second event about the same capture (another webhook, a new event id) posts nothing again.
    e = await OutboxEvent.filter(topic=card_deposits.CAPTURED).first()
    assert e is not None
    again = {"event_id": str(uuid.uuid4()), "topic": e.topic, "payload": e.payload}
    assert await card_deposits.consume(again) is True
    assert await ledger.balance(house, "stripe_clearing", "", "HKD") == 0
    await assert_books_consistent()


async def test_the_plugin_wires_the_card_deposit_port_and_its_consumer(database: Settings) -> None:
    from marketplace.bootstrap import build_services
    from tests.support_stripe_fake import SECRET_KEY, WEBHOOK_SECRET

    plain = build_services(database)
    assert plain.deposit_holds is None
    services = build_services(
        database.model_copy(update={"stripe_secret_key": SECRET_KEY, "stripe_webhook_secret": WEBHOOK_SECRET})
    )
    try:
        assert isinstance(services.deposit_holds, card_deposits.CardDepositHolds)
        for topic in card_deposits.HANDLERS:
            assert "settlement.card_deposit_event" in services.subscriptions[topic]
    finally:
        cards.use_rail(None)
