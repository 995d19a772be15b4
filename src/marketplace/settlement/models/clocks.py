"""A sale's clocks beside it, the charges the sweeper posts, and the notices sent once per state change.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


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
