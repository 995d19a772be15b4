"""After payment: the gate pass (提车), the seller's payout, the registration transfer (过户) and disputes.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # the relations are declared by name; these are for the type checker
    from .sales import Sale


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
    # The house's dispute window when the vehicle left: the buyer's window (and so the payout's wait) is this one,
    # whatever the house sets later. Null for passes handed over before it was kept: the house's window then.
    dispute_window_days = fields.IntField(null=True)

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
