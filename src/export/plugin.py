"""Wires the export package into the platform: the reminder sweeper (a database-driven loop)."""

from __future__ import annotations

from marketplace.services import Services


def install(services: Services) -> None:
    from export.sweeper import ReminderSweeper

    services.loops.append(ReminderSweeper(services))
