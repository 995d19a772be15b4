"""Wires settlement into the platform: the job settling each sale event, subscribed to the events that carry them;
the gate pass issued on payment; the 过户 reminders (a loop records them, a job mails them)."""

from __future__ import annotations

from marketplace.services import Services
from marketplace.settlement import jobs
from marketplace.settlement.services.sales import HANDLERS
from marketplace.settlement.services.transfers import REMINDER_TOPIC, TransferReminders

JOB = "settlement.settle_sale"
GATE_PASS_JOB = "settlement.issue_gate_pass"
REMINDER_JOB = "settlement.transfer_reminder"
PAYMENT_TOPICS = ("settlement.invoice_issued", "settlement.receipt_recorded")


def install(services: Services) -> None:
    services.registry.register(JOB, jobs.settle_sale)
    for topic in HANDLERS:
        services.subscriptions.setdefault(topic, []).append(JOB)
    services.registry.register(GATE_PASS_JOB, jobs.issue_gate_pass)
    for topic in PAYMENT_TOPICS:
        services.subscriptions.setdefault(topic, []).append(GATE_PASS_JOB)
    services.registry.register(REMINDER_JOB, jobs.transfer_reminder(services))
    services.subscriptions.setdefault(REMINDER_TOPIC, []).append(REMINDER_JOB)
    services.loops.append(TransferReminders())
