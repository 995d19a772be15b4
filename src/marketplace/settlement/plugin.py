"""Wires settlement into the platform: the job settling each sale event, subscribed to the events that carry them."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.settlement import jobs
from marketplace.settlement.services import cards
from marketplace.settlement.services.sales import HANDLERS

JOB = "settlement.settle_sale"
CARD_JOB = "settlement.card_operation"


def install(services: Services) -> None:
    services.registry.register(JOB, jobs.settle_sale)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
    services.registry.register(CARD_JOB, jobs.card_operation)
    services.subscriptions.setdefault(cards.OPERATION_TOPIC, []).append(CARD_JOB)
    s = services.settings
    if s.stripe_secret_key:  # the stripe SDK is imported only when the rail is configured
        from marketplace.ports.payments import stripe_cards

        cards.use_rail(stripe_cards.select(s.stripe_secret_key, s.stripe_webhook_secret, s.stripe_api_base))
