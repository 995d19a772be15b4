"""Job functions of settlement: thin and idempotent (the consumers dedup by event and by business key)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marketplace.ports.jobs.base import JobFunction
from marketplace.ports.mail.base import Mailer
from marketplace.settlement.services import deposits, handover, notices, transfers


async def settle_sale(message: dict[str, Any]) -> None:
    """A sale event, with the sale events waiting behind it in the queue, settled together (`sales_batch`)."""
    from marketplace.settlement.services import sales_batch

    await sales_batch.settle_waiting(message)


async def issue_gate_pass(message: dict[str, Any]) -> None:
    """On an invoice issued or a receipt recorded: a gate pass once the invoice is paid (a re-run finds it)."""
    invoice_id = handover.event_invoice_id(message)
    if invoice_id is not None:
        await handover.issue_if_paid(invoice_id, datetime.now(UTC))


def transfer_reminder(services: Any) -> JobFunction:
    async def run(message: dict[str, Any]) -> None:
        mailer: Mailer = services.mailer  # read at run time: the platform's mail port, as bootstrap chose it
        await transfers.mail_reminder(mailer, message["payload"])  # a re-run writes the same message id

    return run


async def deposit_event(message: dict[str, Any]) -> None:
    await deposits.consume(message)


def mail_notice(services: Any) -> JobFunction:
    async def run(message: dict[str, Any]) -> None:
        mailer: Mailer = services.mailer  # read at run time, as the reminders' job: the port bootstrap chose
        await notices.mail(mailer, message)  # the message id is the notice's key: a re-run sends the same mail

    return run


async def card_deposit_event(message: dict[str, Any]) -> None:
    """Post the money a card-held deposit moved (captured, refunded): keyed, so a re-run posts nothing."""
    from marketplace.settlement.services import card_deposits

    await card_deposits.consume(message)


async def card_operation(message: dict[str, Any]) -> None:
    """Make a card operation's provider call (owed since its row committed); a second run does nothing."""
    from marketplace.settlement.services import cards

    await cards.execute(int(message["payload"]["operation_id"]))
