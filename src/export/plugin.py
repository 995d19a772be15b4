"""Wires the export package into the platform: the reminder sweeper (a database-driven loop), and the job that
records a foreign buyer's card payment (settlement's hosted checkout, paid) as the order's payment."""

from __future__ import annotations

from typing import Any

from marketplace.services import Services


def install(services: Services) -> None:
    from export.sweeper import ReminderSweeper
    from marketplace.settlement.services.checkout import PAID_TOPIC

    services.loops.append(ReminderSweeper(services))
    services.registry.register(CARD_PAYMENT_JOB, _card_payment)
    services.subscriptions.setdefault(PAID_TOPIC, []).append(CARD_PAYMENT_JOB)


CARD_PAYMENT_JOB = "export.card_payment"


async def _card_payment(message: dict[str, Any]) -> None:
    """Thin and idempotent: the payment is keyed by the PaymentIntent's id."""
    from export.services import card_checkout

    await card_checkout.record_card_payment(message["payload"])
