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
    paddle = fields.CharField(max_length=20, default="")  # the buyer's 竞买号牌 (an auction sale), for the 成交确认书
    deposit_fen = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3)
    sold_at = fields.DatetimeField()
    fee_schedule_id = fields.IntField(null=True)
    rules: Any = fields.JSONField()  # the fee rules applied
    # Set while a dispute is open: the due, late-fee, storage and default clocks do not run meanwhile.
    clocks_paused_since = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Where the vehicle was registered when sold (from the sale event when it carries them): the 转籍 statistics
    # compare the new registration with it. Empty when the event did not say; the house fills the transfer's.
    seller_province = fields.CharField(max_length=20, default="")
    seller_city = fields.CharField(max_length=30, default="")
    unwound_at = fields.DatetimeField(null=True)  # a dispute undid the sale: refunded, the vehicle returned

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


# --- handover: the gate pass, the seller's payout, 过户, disputes (settle-handover) -----------------------------


class GatePass(Model):
    # Issued when the buyer has paid in full; the yard scans or types the code to hand the vehicle over (提车).
    # `pass_code` is unique across all houses, so a scan finds one pass or none; the first scan wins (compare-and-set
    # on handed_over_at being null).
    id = fields.IntField(primary_key=True)
    sale: fields.OneToOneRelation[Sale] = fields.OneToOneField(
        "settlement.Sale", related_name="gate_pass", on_delete=fields.RESTRICT
    )
    house_org_id = fields.IntField(db_index=True)
    pass_code = fields.CharField(max_length=16, unique=True)
    issued_at = fields.DatetimeField()
    handed_over_at = fields.DatetimeField(null=True)
    handed_over_by_user_id = fields.IntField(null=True)

    sale_id: int

    class Meta:
        table = "settlement_gate_passes"


class Payout(Model):
    # The consignor paid for one sale, recorded by house staff with the bank's reference. One per sale: the unique
    # sale column (not only a check in the code) makes a second payout impossible, whatever races.
    id = fields.IntField(primary_key=True)
    sale: fields.OneToOneRelation[Sale] = fields.OneToOneField(
        "settlement.Sale", related_name="payout", on_delete=fields.RESTRICT
    )
    house_org_id = fields.IntField(db_index=True)
    seller_org_id = fields.IntField(db_index=True)
    currency = fields.CharField(max_length=3)
    hammer_fen = fields.BigIntField()
    commission_fen = fields.BigIntField()
    seller_fees_fen = fields.BigIntField()
    adjustments_fen = fields.BigIntField()
    set_off_fen = fields.BigIntField()
    amount_fen = fields.BigIntField()
    bank_reference = fields.CharField(max_length=64)
    paid_on = fields.DateField()
    recorded_by_user_id = fields.IntField()
    transaction_id = fields.UUIDField(null=True)  # null when nothing was left to transfer (all set off)
    created_at = fields.DatetimeField(auto_now_add=True)

    sale_id: int

    class Meta:
        table = "settlement_payouts"
        unique_together = (("house_org_id", "bank_reference"),)


class Transfer(Model):
    # The registration transfer (过户 / 转籍) of a delivered vehicle: documents handed → filed → done.
    id = fields.IntField(primary_key=True)
    sale: fields.OneToOneRelation[Sale] = fields.OneToOneField(
        "settlement.Sale", related_name="transfer", on_delete=fields.RESTRICT
    )
    house_org_id = fields.IntField(db_index=True)
    buyer_user_id = fields.IntField(db_index=True)
    status = fields.CharField(max_length=20, default="pending")  # pending | documents_handed | filed | done | cancelled
    delivered_at = fields.DatetimeField()
    deadline = fields.DateField()  # the last day to apply (30 days from delivery)
    from_province = fields.CharField(max_length=20, default="")
    from_city = fields.CharField(max_length=30, default="")
    documents: Any = fields.JSONField(default=list)  # the documents handed over
    documents_handed_at = fields.DatetimeField(null=True)
    filed_at = fields.DatetimeField(null=True)
    blockers: Any = fields.JSONField(default=list)  # [{kind, note, recorded_at, cleared_at}]
    new_province = fields.CharField(max_length=20, default="")
    new_city = fields.CharField(max_length=30, default="")
    new_plate = fields.CharField(max_length=16, default="")
    proof_key = fields.CharField(max_length=255, default="")
    proof_content_type = fields.CharField(max_length=40, default="")
    proof_uploaded_at = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)
    confirmed_by_user_id = fields.IntField(null=True)
    outcome = fields.CharField(max_length=20, default="")  # none | in_province | cross_province, once done
    reminders: Any = fields.JSONField(default=list)  # the reminders sent (or passed), each once
    version = fields.IntField(default=0)

    sale_id: int

    class Meta:
        table = "settlement_transfers"


class DisputePolicy(Model):
    # A house's dispute window: days after the handover during which the buyer may open a dispute.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(unique=True)
    window_days = fields.IntField()
    updated_by_user_id = fields.IntField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "settlement_dispute_policies"


class Dispute(Model):
    # A buyer's dispute (争议) about a delivered vehicle. One per sale; it escalates in place (house → association →
    # authorities), and `history` keeps every step. `version` serialises answers (compare-and-set).
    id = fields.IntField(primary_key=True)
    sale: fields.OneToOneRelation[Sale] = fields.OneToOneField(
        "settlement.Sale", related_name="dispute", on_delete=fields.RESTRICT
    )
    house_org_id = fields.IntField(db_index=True)
    buyer_user_id = fields.IntField(db_index=True)
    seller_org_id = fields.IntField()
    reason = fields.CharField(max_length=30)
    description = fields.TextField()
    status = fields.CharField(max_length=10, default="open")  # open | answered
    level = fields.CharField(max_length=12, default="house", db_index=True)  # house | association | authorities
    answer = fields.CharField(max_length=20, null=True)  # rejected | price_adjustment | unwind (the latest)
    answer_note = fields.TextField(default="")
    refunded_fen = fields.BigIntField(default=0)
    opened_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    history: Any = fields.JSONField(default=list)  # [{at, by, action, level, answer?, refund_fen?, note}]
    version = fields.IntField(default=0)

    sale_id: int

    class Meta:
        table = "settlement_disputes"


class DisputeEvidence(Model):
    # A photo the buyer sent with a dispute, stored through the files port (content-addressed key).
    id = fields.IntField(primary_key=True)
    dispute: fields.ForeignKeyRelation[Dispute] = fields.ForeignKeyField(
        "settlement.Dispute", related_name="evidence", on_delete=fields.RESTRICT
    )
    key = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=40)
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    uploaded_by_user_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    dispute_id: int

    class Meta:
        table = "settlement_dispute_evidence"
        unique_together = (("dispute_id", "sha256"),)


# ---- documents (issue 10, section 10) ------------------------------------------------------------------


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


# --- clocks, deposits and defaults (issue 10 §3–5) ------------------------------------------------------------


class SaleClock(Model):
    # A sale's clock state beside the sale (kept apart so the sale row stays what its event said): the working
    # days its clocks were paused in total (deadlines move by them), when the vehicle was collected (storage
    # stops), and the charges posted so far.
    id = fields.IntField(primary_key=True)
    sale_id = fields.IntField(unique=True)
    paused_working_days = fields.IntField(default=0)
    collected_at = fields.DatetimeField(null=True)
    storage_charged = fields.IntField(default=0)  # storage charges posted: 1..n
    late_fee_posted = fields.BooleanField(default=False)
    # Nothing more can accrue (paid, and collected or no storage): the sweeper stops looking at the invoice.
    done = fields.BooleanField(default=False, db_index=True)

    class Meta:
        table = "settlement_sale_clocks"


class Charge(Model):
    # A late fee or one day's storage, posted by the sweeper at its time. Unique per invoice, kind and ordinal
    # (the late fee is ordinal 1; storage counts 1, 2, 3…): however often the sweeper runs, a charge posts once.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    invoice_id = fields.IntField(db_index=True)
    kind = fields.CharField(max_length=10)  # late | storage
    ordinal = fields.IntField()
    day = fields.DateField()  # the day it is for
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    transaction_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_charges"
        unique_together = (("invoice_id", "kind", "ordinal"),)


class Notice(Model):
    # An in-app notice to a user (reminder, overdue, defaulted, refund…), once per state change: `key` is unique.
    # The same notice goes by mail through the outbox (settlement.notice → settlement.mail_notice).
    id = fields.IntField(primary_key=True)
    user_id = fields.IntField(db_index=True)
    key = fields.CharField(max_length=80, unique=True)
    kind = fields.CharField(max_length=20)
    invoice_id = fields.IntField(null=True)
    data: Any = fields.JSONField()
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_notices"


class SessionEnd(Model):
    # An auction session's end as auctions reported it, with the lots each bidder won (their sales must be
    # settled before what is left of their deposit is refunded).
    id = fields.IntField(primary_key=True)
    session_id = fields.IntField(unique=True)
    house_org_id = fields.IntField()
    ended_at = fields.DatetimeField()
    won: Any = fields.JSONField()  # {"user id": [lot ids]}

    class Meta:
        table = "settlement_session_ends"


class Deposit(Model):
    # A bidder's deposit (保证金) for one session: a liability of the house to the bidder (deposits_held).
    # held → refund_due → refunded; or spent (all applied to invoices) / forfeited (a default).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    session_id = fields.IntField()
    user_id = fields.IntField(db_index=True)
    org_id = fields.IntField(null=True)
    paddle = fields.CharField(max_length=12, default="")
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    rail = fields.CharField(max_length=10, default="bank")  # bank | stripe
    reference = fields.CharField(max_length=64, default="")
    status = fields.CharField(max_length=12, default="held", db_index=True)
    # Stripe (a manual-capture PaymentIntent): an authorisation lapses after about 7 days, so one needed longer is
    # captured before then and refunded later (services/deposits.py, the sweeper; the port is settle-bank's).
    stripe_intent_id = fields.CharField(max_length=64, null=True)
    authorised_at = fields.DatetimeField(null=True)
    captured_at = fields.DatetimeField(null=True)
    lodged_at = fields.DatetimeField()
    version = fields.IntField(default=0)

    class Meta:
        table = "settlement_deposits"
        unique_together = (("session_id", "user_id"),)


class DepositRefund(Model):
    # The refund of what is left of a deposit: a task for house staff (bank: they record the bank reference) or
    # the Stripe release. One per deposit — the unique deposit_id is the database's "a deposit never leaves
    # twice", beside the ledger's floor on deposits_held.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    deposit: fields.OneToOneRelation[Deposit] = fields.OneToOneField(
        "settlement.Deposit", related_name="refund", on_delete=fields.RESTRICT
    )
    user_id = fields.IntField(db_index=True)
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    rail = fields.CharField(max_length=10)
    due_on = fields.DateField()
    status = fields.CharField(max_length=10, default="due", db_index=True)  # due | done
    bank_reference = fields.CharField(max_length=64, null=True)
    completed_by_user_id = fields.IntField(null=True)
    completed_at = fields.DatetimeField(null=True)
    transaction_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    deposit_id: int

    class Meta:
        table = "settlement_deposit_refunds"
        unique_together = (("house_org_id", "bank_reference"),)


class Default(Model):
    # 悔拍: the buyer did not pay after the grace period. The sale is cancelled by a credit note, the deposit
    # forfeited and shared by the waterfall (house costs now; the re-sale's shortfall and the rest at close).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    invoice_id = fields.IntField(unique=True)
    sale_id = fields.IntField()
    session_id = fields.IntField(null=True)
    lot_id = fields.IntField(null=True)
    seller_org_id = fields.IntField()
    buyer_user_id = fields.IntField()
    buyer_org_id = fields.IntField(null=True)
    hammer_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    forfeited_fen = fields.BigIntField()
    house_costs_fen = fields.BigIntField()
    shortfall_fen = fields.BigIntField(default=0)
    rest_fen = fields.BigIntField(default=0)
    rest_to = fields.CharField(max_length=10)
    reason = fields.CharField(max_length=200)
    declared_by_user_id = fields.IntField(null=True)  # null: the sweeper, under the house's terms
    declared_at = fields.DatetimeField()
    second_chance_until = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=10, default="open")  # open | closed
    resale_sale_id = fields.IntField(null=True)
    resale_hammer_fen = fields.BigIntField(null=True)
    closed_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)

    class Meta:
        table = "settlement_defaults"


class Bar(Model):
    # A defaulter may not register for the house's sessions until `until` (exclusive). Per organisation, or per
    # person for an individual bidder.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    org_id = fields.IntField(null=True)
    user_id = fields.IntField()
    until = fields.DateField()
    default_id = fields.IntField(unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_bars"


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
