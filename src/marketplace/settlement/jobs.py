"""Job functions of settlement: thin and idempotent (the consumer dedups by event and by business key)."""

from __future__ import annotations

from typing import Any

from marketplace.settlement.services import sales


async def settle_sale(message: dict[str, Any]) -> None:
    await sales.consume(message)
