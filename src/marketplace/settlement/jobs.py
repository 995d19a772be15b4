"""Job functions of settlement: thin and idempotent (the consumers dedup by event and by business key)."""

from __future__ import annotations

from typing import Any

from marketplace.ports.jobs.base import JobFunction
from marketplace.ports.mail.base import Mailer
from marketplace.settlement.services import deposits, notices, sales


async def settle_sale(message: dict[str, Any]) -> None:
    await sales.consume(message)


async def deposit_event(message: dict[str, Any]) -> None:
    await deposits.consume(message)


def mail_notice(mailer: Mailer) -> JobFunction:
    async def run(message: dict[str, Any]) -> None:
        await notices.mail(mailer, message)  # the message id is the notice's key: a re-run sends the same mail

    return run
