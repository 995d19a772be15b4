"""Money a house owes back to a buyer as their buyer_credit (a dispute's refund, an unwind, an over-payment the
buyer asked back): a task for house staff, completed with the bank reference of the transfer."""

from tortoise import fields
from tortoise.models import Model


class BuyerRefund(Model):
    # `source_key` is the business key of what opened the task (the dispute's decision, the unwind, the buyer's
    # request), unique: a retried decision finds its task. `open_request` is set only while a buyer's own request is
    # due, unique, so a buyer has one open request per house and currency (NULLs do not collide).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    user_id = fields.IntField(db_index=True)
    amount_fen = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    source = fields.CharField(max_length=12)  # adjustment | unwind | request
    source_key = fields.CharField(max_length=80, unique=True)
    dispute_id = fields.IntField(null=True)
    sale_id = fields.IntField(null=True)
    open_request = fields.CharField(max_length=40, null=True, unique=True)
    status = fields.CharField(max_length=10, default="due", db_index=True)  # due | done
    bank_reference = fields.CharField(max_length=64, null=True)
    completed_by_user_id = fields.IntField(null=True)
    completed_at = fields.DatetimeField(null=True)
    transaction_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_buyer_refunds"
        unique_together = (("house_org_id", "bank_reference"),)


class RefundReference(Model):
    # One bank transfer pays one thing: every bank reference recorded for a deposit refund, a buyer refund or a
    # consignor's payout is claimed here, in the completing transaction, and the unique key per house is what makes
    # the claim atomic (each table's own unique key sees only its table, and two completions racing on two tables
    # both passed the look-up that precedes them).
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField()
    bank_reference = fields.CharField(max_length=64)
    refund_kind = fields.CharField(max_length=10)  # deposit | buyer | payout (its id a payout's)
    refund_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "settlement_refund_references"
        unique_together = (("house_org_id", "bank_reference"),)
