"""Wires settlement into the platform: the jobs settling each sale and deposit event, the gate pass issued on
payment, the notices' and 过户 reminders' mail, and the loops: the sweeper posting what the clocks say is due (late
fees, storage, defaults, deposit refunds) and the 过户 reminders."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.settlement import jobs
from marketplace.settlement.services import card_deposits, cards, deposits, notices
from marketplace.settlement.services.sales import HANDLERS
from marketplace.settlement.services.sales_batch import JOB  # the batch reads the queue of this job
from marketplace.settlement.services.transfers import REMINDER_TOPIC, TransferReminders

GATE_PASS_JOB = "settlement.issue_gate_pass"
REMINDER_JOB = "settlement.transfer_reminder"
PAYMENT_TOPICS = ("settlement.invoice_issued", "settlement.receipt_recorded")
DEPOSIT_JOB = "settlement.deposit_event"
MAIL_JOB = "settlement.mail_notice"
CARD_JOB = "settlement.card_operation"
CARD_DEPOSIT_JOB = "settlement.card_deposit_event"


def install(services: Services) -> None:
    from marketplace.ports import mail
    from marketplace.settlement.services.sweeper import SettlementSweeper

    services.registry.register(JOB, jobs.settle_sale)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
    services.registry.register(GATE_PASS_JOB, jobs.issue_gate_pass)
    for topic in PAYMENT_TOPICS:
        services.subscriptions.setdefault(topic, []).append(GATE_PASS_JOB)
    services.registry.register(REMINDER_JOB, jobs.transfer_reminder(services))
    services.subscriptions.setdefault(REMINDER_TOPIC, []).append(REMINDER_JOB)
    services.loops.append(TransferReminders())
    services.registry.register(DEPOSIT_JOB, jobs.deposit_event)
    for topic in deposits.HANDLERS:
        services.subscriptions.setdefault(topic, []).append(DEPOSIT_JOB)
    if services.mailer is None:
        services.mailer = mail.select(services.settings)
    services.registry.register(MAIL_JOB, jobs.mail_notice(services))
    services.subscriptions.setdefault(notices.TOPIC, []).append(MAIL_JOB)
    services.loops.append(SettlementSweeper(services))
    services.registry.register(CARD_JOB, jobs.card_operation)
    services.subscriptions.setdefault(cards.OPERATION_TOPIC, []).append(CARD_JOB)
    services.registry.register(CARD_DEPOSIT_JOB, jobs.card_deposit_event)
    for topic in card_deposits.HANDLERS:
        services.subscriptions.setdefault(topic, []).append(CARD_DEPOSIT_JOB)
    s = services.settings
    from marketplace.settlement.services import checkout

    checkout.use_public_url(s.public_url)
    if s.stripe_secret_key:  # the stripe SDK is imported only when the rail is configured
        from marketplace.ports.payments import stripe_cards

        cards.use_rail(
            stripe_cards.select(
                s.stripe_secret_key, s.stripe_webhook_secret, s.stripe_api_base, s.stripe_connect_webhook_secret
            )
        )
        services.deposit_holds = card_deposits.CardDepositHolds()
