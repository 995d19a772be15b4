"""Job functions of the statistics: thin and idempotent (the consumer dedups by event and by the fact's key)."""

from __future__ import annotations

from typing import Any

from marketplace.stats.services import platform


async def record_fact(message: dict[str, Any]) -> None:
    await platform.consume(message)
