"""Wires settlement into the platform: the jobs settling each sale and deposit event, the notices' mail, and the
sweeper posting what the clocks say is due (late fees, storage, defaults, deposit refunds)."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.settlement import jobs
from marketplace.settlement.services import deposits, notices
from marketplace.settlement.services.sales import HANDLERS

JOB = "settlement.settle_sale"
DEPOSIT_JOB = "settlement.deposit_event"
MAIL_JOB = "settlement.mail_notice"


def install(services: Services) -> None:
    from marketplace.ports import mail
    from marketplace.settlement.services.sweeper import SettlementSweeper

    services.registry.register(JOB, jobs.settle_sale)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
    services.registry.register(DEPOSIT_JOB, jobs.deposit_event)
    for topic in deposits.HANDLERS:
        services.subscriptions.setdefault(topic, []).append(DEPOSIT_JOB)
    services.registry.register(MAIL_JOB, jobs.mail_notice(services.mailer or mail.select(services.settings)))
    services.subscriptions.setdefault(notices.TOPIC, []).append(MAIL_JOB)
    services.loops.append(SettlementSweeper(services))
