"""Fee schedules, the schedule a session pinned, and sales as settlement learnt them from their events.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
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
    # The session's and the lot's titles as the sale event named them, for the 成交确认书 (empty: an older event).
    session_title = fields.CharField(max_length=200, default="")
    lot_title = fields.CharField(max_length=200, default="")

    class Meta:
        table = "settlement_sales"
        unique_together = (("source", "source_ref"),)
