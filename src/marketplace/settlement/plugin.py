"""Wires settlement into the platform: the job settling each sale event, subscribed to the events that carry them."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.settlement import jobs
from marketplace.settlement.services.sales import HANDLERS

JOB = "settlement.settle_sale"


def install(services: Services) -> None:
    services.registry.register(JOB, jobs.settle_sale)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
