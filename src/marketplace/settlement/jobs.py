"""Job functions of settlement: thin and idempotent (the consumer dedups by event and by business key)."""

from __future__ import annotations

from typing import Any

from marketplace.settlement.services import sales


async def settle_sale(message: dict[str, Any]) -> None:
    await sales.consume(message)


async def card_operation(message: dict[str, Any]) -> None:
    """Make a card operation's provider call (owed since its row committed); a second run does nothing."""
    from marketplace.settlement.services import cards

    await cards.execute(int(message["payload"]["operation_id"]))
