"""Wires the listings package into the platform's services: jobs, outbox subscriptions, loops, ports."""

from __future__ import annotations

from marketplace.bootstrap import Services


def install(services: Services) -> None:
    """Register this package's jobs and background work (filled in by the listings issue)."""
    del services
