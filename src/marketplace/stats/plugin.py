"""Wires the statistics into the platform: the job recording platform facts, subscribed to the events."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.stats import jobs
from marketplace.stats.services.platform import HANDLERS

JOB = "stats.record_fact"


def install(services: Services) -> None:
    services.registry.register(JOB, jobs.record_fact)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
