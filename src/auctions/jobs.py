"""arq job functions: thin, idempotent, re-checking state first."""

from __future__ import annotations

from typing import Any

from auctions.services import actions, notices, second_chance
from auctions.services.clock import now_ms
from marketplace.ports.jobs.base import JobFunction, RetryJob
from marketplace.ports.mail.base import Mailer


def close_lot(services: Any) -> JobFunction:
    async def run(payload: dict[str, Any]) -> None:
        remaining = int(payload["at"]) - now_ms()
        if remaining > 0:
            raise RetryJob(defer=remaining / 1000)  # woke early: try again at the end
        await actions.close_if_due(services, int(payload["lot_id"]), now_ms())  # a no-op if already closed

    return run


def proxy_cancelled(mailer: Mailer) -> JobFunction:
    async def run(message: dict[str, Any]) -> None:
        await notices.proxy_cancelled(mailer, message["payload"])  # a re-run writes the same message id

    return run


async def second_chance_offer(message: dict[str, Any]) -> None:
    await second_chance.consume_default(message)  # once per event; one offer per default (unique)
