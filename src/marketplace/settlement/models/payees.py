"""Whose card-provider account takes a buyer's money: the auction house's or the exporter's own (Stripe Connect).

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PayeeAccount(Model):
    # One setting of an organisation's connected account, append-only: the latest row per organisation is in force,
    # the earlier ones are its history (who set what, when, and how it was verified). A card operation copies the
    # account when it is created, so a change applies to new operations only.
    # status: verified (the provider shows the account connected to the platform and able to take card payments) ·
    # unverified (not checked: the card rail is not configured, or the provider was unreachable) · refused (the
    # provider knows no such connected account, or it cannot take charges: `reason` says which).
    id = fields.IntField(primary_key=True)
    org_id = fields.IntField(db_index=True)
    provider = fields.CharField(max_length=20, default="stripe")
    account = fields.CharField(max_length=80)
    status = fields.CharField(max_length=12, default="unverified")
    reason = fields.CharField(max_length=40, default="")
    country = fields.CharField(max_length=2, default="")
    default_currency = fields.CharField(max_length=3, default="")
    set_by_user_id = fields.IntField()
    set_at = fields.DatetimeField()
    verified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "settlement_payee_accounts"
