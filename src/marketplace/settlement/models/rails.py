"""The rails money arrives by: bank statement imports and their lines, the card rail's operations, webhook events
and balance lines.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class BankMapping(Model):
    # A house's saved column mapping for its bank's export (domain.statements.Mapping as JSON), by name.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    name = fields.CharField(max_length=60)
    mapping: Any = fields.JSONField()
    created_by_user_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_bank_mappings"
        unique_together = (("house_org_id", "name"),)


class BankImport(Model):
    # One statement file imported, once per house and file content: the same file again returns this report.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    filename = fields.CharField(max_length=200, default="")
    layout = fields.CharField(max_length=60)
    lines_total = fields.IntField()
    lines_new = fields.IntField()
    summary: Any = fields.JSONField()  # {outcome: count}, and the balance breaks [[line, expected, printed], …]
    imported_by_user_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_bank_imports"
        unique_together = (("house_org_id", "sha256"),)


class BankLine(Model):
    # One line of a bank statement, once per house and dedup key (the bank's 流水号, else a checksum).
    # status: applied (receipts posted from it) · matched (a receipt recorded by hand with its serial) · flagged
    # (quotes a paid or voided invoice: applies nothing) · queued (for a person) · resolved (a person applied it)
    # · excluded (a person marked it as not the house's business).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    import_id = fields.IntField()
    dedup_key = fields.CharField(max_length=64)
    serial = fields.CharField(max_length=60, default="")
    line_no = fields.IntField()
    booked_at = fields.DatetimeField()
    amount_fen = fields.BigIntField()
    balance_fen = fields.BigIntField(null=True)
    currency = fields.CharField(max_length=3)
    payer = fields.CharField(max_length=200, default="")
    payer_account = fields.CharField(max_length=60, default="")
    reference = fields.CharField(max_length=200, default="")
    status = fields.CharField(max_length=10)
    reason = fields.CharField(max_length=30, default="")
    invoices: Any = fields.JSONField(default=list)  # [[invoice number, fen], …] applied or referred to
    transaction_id = fields.UUIDField(null=True)  # the reconciliation posting (bank ← bank clearing)
    balance_break = fields.BooleanField(default=False)
    expected_balance_fen = fields.BigIntField(null=True)
    resolved_by_user_id = fields.IntField(null=True)
    note = fields.CharField(max_length=200, default="")
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_bank_lines"
        unique_together = (("house_org_id", "dedup_key"),)


class CardOperation(Model):
    # One call to the card provider, written (with its idempotency key) and committed before the call is made, so a
    # worker killed at any point retries with the same key and the provider returns the same object.
    # kind: payment (automatic capture) · authorisation (manual capture: a card-held deposit) · capture · cancel ·
    # refund. status: pending (not yet answered) · requires_action · processing · requires_capture · succeeded ·
    # canceled · failed.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    kind = fields.CharField(max_length=15)
    purpose = fields.CharField(max_length=10)  # invoice | deposit | credit
    subject = fields.CharField(max_length=120)  # what it is for: "invoice:12", a deposit's key, …
    invoice_id = fields.IntField(null=True)
    party = fields.CharField(max_length=60)  # the payer's party in the books (user:{id})
    amount_fen = fields.BigIntField()  # minor units of `currency`
    currency = fields.CharField(max_length=3)
    idempotency_key = fields.CharField(max_length=80, unique=True)
    provider = fields.CharField(max_length=20)
    payee_account = fields.CharField(max_length=80, default="")  # whose provider account takes the money
    provider_id = fields.CharField(max_length=80, null=True, db_index=True)
    charge_id = fields.CharField(max_length=80, null=True, db_index=True)
    parent_id = fields.IntField(null=True)  # a capture, cancel or refund: the payment or authorisation it acts on
    status = fields.CharField(max_length=30, default="pending")
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=200, default="")
    created_by_user_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "settlement_card_operations"


class CardEvent(Model):
    # A provider webhook event, once by its id: a redelivery finds the row and changes nothing.
    id = fields.IntField(primary_key=True)
    event_id = fields.CharField(max_length=80, unique=True)
    type = fields.CharField(max_length=60)
    object_id = fields.CharField(max_length=80, default="")
    account = fields.CharField(max_length=80, default="")  # the connected account it happened on ("": the platform)
    outcome = fields.CharField(max_length=30)
    received_at = fields.DatetimeField()

    class Meta:
        table = "settlement_card_events"


class CardBalanceLine(Model):
    # One provider balance transaction (Stripe's), once by its id, matched to the posting that clears it; read from
    # the house's own connected account (`account`), where its direct charges are.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    account = fields.CharField(max_length=80, default="")
    provider_id = fields.CharField(max_length=80, unique=True)
    type = fields.CharField(max_length=30)
    source = fields.CharField(max_length=80, default="")
    amount_fen = fields.BigIntField()
    fee_fen = fields.BigIntField()
    net_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    created = fields.DatetimeField()
    status = fields.CharField(max_length=10)  # matched | unmatched
    operation_id = fields.IntField(null=True)
    transaction_id = fields.UUIDField(null=True)

    class Meta:
        table = "settlement_card_balance_lines"
