"""Deposits (保证金) and their refunds, the end of a session as settlement learnt it, defaults (悔拍) and bars.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


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
