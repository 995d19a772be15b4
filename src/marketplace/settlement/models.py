"""Persistence for settlement: fee schedules and session pins, sales, invoices, receipts, and the ledger.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment. The ledger's
invariants are held by the database too (migrations/0002): entries and transactions refuse UPDATE and DELETE,
a transaction's legs must sum to zero per currency, and a zero-floor account refuses a balance below zero.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class FeeSchedule(Model):
    # One version of a house's fee schedule. Versions are never edited: a change is a new version.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    version = fields.IntField()
    effective_from = fields.DatetimeField()
    rules: Any = fields.JSONField()
    note = fields.CharField(max_length=200, default="")
    created_by_user_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_fee_schedules"
        unique_together = (("house_org_id", "version"),)


class SessionPin(Model):
    # The fee schedule version a session's terms pinned when it was published (null: none in force, so the
    # session's own premium table and the statutory default apply). Keyed by the auction session's id.
    id = fields.IntField(primary_key=True)
    session_id = fields.IntField(unique=True)
    house_org_id = fields.IntField()
    fee_schedule_id = fields.IntField(null=True)
    premium: Any = fields.JSONField(null=True)  # the session's own premium table [[start, bp, fixed], …]
    pinned_at = fields.DatetimeField()

    class Meta:
        table = "settlement_session_pins"


class Sale(Model):
    # A sale as settlement learnt it from its event: every figure it needs, frozen (never re-read from the source).
    id = fields.IntField(primary_key=True)
    source = fields.CharField(max_length=10)  # auction | listing
    source_ref = fields.IntField()  # the lot id, or the listing sale id
    house_org_id = fields.IntField(db_index=True)  # whose books: the auction house, or the dealer
    seller_org_id = fields.IntField()
    buyer_user_id = fields.IntField(db_index=True)
    buyer_org_id = fields.IntField(null=True)
    session_id = fields.IntField(null=True)
    lot_id = fields.IntField(null=True)
    listing_id = fields.IntField(null=True)
    vehicle_id = fields.IntField(null=True)
    hammer_fen = fields.BigIntField()
    reported_premium_fen = fields.BigIntField(null=True)  # the premium on the 成交确认书, as auctions computed it
    deposit_fen = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3)
    sold_at = fields.DatetimeField()
    fee_schedule_id = fields.IntField(null=True)
    rules: Any = fields.JSONField()  # the fee rules applied
    # Set while a dispute is open: the due, late-fee, storage and default clocks do not run meanwhile.
    clocks_paused_since = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_sales"
        unique_together = (("source", "source_ref"),)


class InvoiceCounter(Model):
    # The next invoice number per house and year, taken by compare-and-set in the invoice's transaction.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    year = fields.IntField()
    last_seq = fields.IntField(default=0)

    class Meta:
        table = "settlement_invoice_counters"
        unique_together = (("house_org_id", "year"),)


class Invoice(Model):
    # The buyer's invoice (结算单). `version` serialises payments applied to it (compare-and-set).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    number = fields.CharField(max_length=30)
    year = fields.IntField()
    seq = fields.IntField()
    sale: fields.OneToOneRelation[Sale] = fields.OneToOneField(
        "settlement.Sale", related_name="invoice", on_delete=fields.RESTRICT
    )
    buyer_user_id = fields.IntField(db_index=True)
    buyer_org_id = fields.IntField(null=True)
    currency = fields.CharField(max_length=3)
    status = fields.CharField(max_length=10, default="open")  # open | paid | void
    total_fen = fields.BigIntField()
    paid_fen = fields.BigIntField(default=0)
    deposit_applied_fen = fields.BigIntField(default=0)
    lines: Any = fields.JSONField()  # [{kind, category, amount_fen, paid_fen}] in invoice order
    issued_at = fields.DatetimeField()
    due_date = fields.DateField()
    due_date_provisional = fields.BooleanField(default=False)  # the holiday table did not cover the period
    version = fields.IntField(default=0)

    sale_id: int

    class Meta:
        table = "settlement_invoices"
        unique_together = (("house_org_id", "number"), ("house_org_id", "year", "seq"))


class CreditNoteCounter(Model):
    # The next credit note number per house and year: a series of its own, gapless like the invoices'.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    year = fields.IntField()
    last_seq = fields.IntField(default=0)

    class Meta:
        table = "settlement_credit_note_counters"
        unique_together = (("house_org_id", "year"),)


class CreditNote(Model):
    # Voids an invoice: the invoice keeps its number (status void) and its postings are reversed by new ones.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    number = fields.CharField(max_length=30)
    year = fields.IntField()
    seq = fields.IntField()
    invoice: fields.OneToOneRelation[Invoice] = fields.OneToOneField(
        "settlement.Invoice", related_name="credit_note", on_delete=fields.RESTRICT
    )
    amount_fen = fields.BigIntField()
    reason = fields.CharField(max_length=200)
    issued_by_user_id = fields.IntField()
    issued_at = fields.DatetimeField()

    invoice_id: int

    class Meta:
        table = "settlement_credit_notes"
        unique_together = (("house_org_id", "number"), ("house_org_id", "year", "seq"))


class Receipt(Model):
    # Money received for an invoice, recorded by house staff with the bank's reference (流水号): once per reference.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    rail = fields.CharField(max_length=10)  # bank
    reference = fields.CharField(max_length=64)
    invoice: fields.ForeignKeyRelation[Invoice] = fields.ForeignKeyField(
        "settlement.Invoice", related_name="receipts", on_delete=fields.RESTRICT
    )
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    applied_fen = fields.BigIntField()
    credit_fen = fields.BigIntField()
    allocation: Any = fields.JSONField()  # [[line kind, fen], …] in the order paid
    received_on = fields.DateField()
    recorded_by_user_id = fields.IntField()
    transaction_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    invoice_id: int

    class Meta:
        table = "settlement_receipts"
        unique_together = (("house_org_id", "rail", "reference"),)


class LedgerAccount(Model):
    # One account of a house's books, per currency and (for receivables, deposits, payables) per party.
    # `balance_fen` is the running balance (debit positive), moved only with a posting, by compare-and-set on
    # `version`; reading a balance is one row, whatever the number of entries.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    code = fields.CharField(max_length=60)
    party = fields.CharField(max_length=60, default="")
    currency = fields.CharField(max_length=3)
    normal = fields.CharField(max_length=6)  # debit | credit
    floor_zero = fields.BooleanField(default=False)
    balance_fen = fields.BigIntField(default=0)
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_accounts"
        unique_together = (("house_org_id", "code", "party", "currency"),)


class LedgerTransaction(Model):
    # A posting's header, keyed by its business event (unique per house): a retry posts nothing twice.
    # Written after its legs; the database checks at this insert that the legs sum to zero per currency.
    id = fields.UUIDField(primary_key=True)
    house_org_id = fields.IntField()
    business_key = fields.CharField(max_length=120)
    kind = fields.CharField(max_length=30)
    memo = fields.CharField(max_length=200, default="")
    posted_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_transactions"
        unique_together = (("house_org_id", "business_key"),)


class LedgerEntry(Model):
    # One leg: signed fen (debit positive) in the account's currency, with the account's balance after it.
    # `transaction_id` references settlement_transactions through a constraint deferred to commit (0002).
    id = fields.BigIntField(primary_key=True)
    transaction_id = fields.UUIDField(db_index=True)
    account: fields.ForeignKeyRelation[LedgerAccount] = fields.ForeignKeyField(
        "settlement.LedgerAccount", related_name="entries", on_delete=fields.RESTRICT
    )
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    balance_after_fen = fields.BigIntField()
    posted_at = fields.DatetimeField()

    account_id: int

    class Meta:
        table = "settlement_entries"


# --- bank statements, the card rail, reconciliation (issue 10 sections 8 and 9) -------------------------------


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
    outcome = fields.CharField(max_length=30)
    received_at = fields.DatetimeField()

    class Meta:
        table = "settlement_card_events"


class CardBalanceLine(Model):
    # One provider balance transaction (Stripe's), once by its id, matched to the posting that clears it.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
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
