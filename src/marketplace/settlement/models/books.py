"""The house's books: invoices (结算单) and credit notes with their gapless counters, receipts, the double-entry
ledger, and the account printed on invoices.

The ledger's invariants are held by the database too (migrations/0002): entries and transactions refuse UPDATE
and DELETE, a transaction's legs must sum to zero per currency, and a zero-floor account refuses a balance below
zero.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # the relations are declared by name; these are for the type checker
    from .sales import Sale


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


class PaymentInstructions(Model):
    # The house's own corporate account (对公账户) printed on its invoices / 结算单: where buyers transfer to.
    # One row per house (or dealer, for its own listing sales); replaced whole by its administrators.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(unique=True)
    account_name = fields.CharField(max_length=200)
    bank_name = fields.CharField(max_length=200)
    branch = fields.CharField(max_length=200, default="")
    account_number = fields.CharField(max_length=64)
    swift = fields.CharField(max_length=11, default="")
    note = fields.CharField(max_length=500, default="")
    updated_by_user_id = fields.IntField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "settlement_payment_instructions"
