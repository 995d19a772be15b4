"""Persistence for auctions: sessions, lots, registrations, bids, the per-lot event log, sale records.

Models carry comments, not docstrings: Tortoise turns a model docstring into a table comment.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuctionSession(Model):
    # 拍卖会/场次, run by an auction house. `terms` holds the validated ladder, deposit, premium table, clocks.
    id = fields.IntField(primary_key=True)
    house_org_id = fields.IntField(db_index=True)
    title = fields.CharField(max_length=200)
    kind = fields.CharField(max_length=10)  # online | onsite | hybrid
    starts_at = fields.DatetimeField()
    status = fields.CharField(max_length=12, default="draft")  # draft | published
    terms: Any = fields.JSONField()
    created_by_user_id = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "auction_sessions"


class Lot(Model):
    # 拍品. `state` is the engine's LotState; `version` serialises every change (compare-and-set).
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[AuctionSession] = fields.ForeignKeyField(
        "auctions.AuctionSession", related_name="lots", on_delete=fields.RESTRICT
    )
    position = fields.IntField()
    vehicle_id = fields.IntField(db_index=True)
    seller_org_id = fields.IntField(db_index=True)
    starting_price = fields.BigIntField()
    reserve_price = fields.BigIntField(null=True)  # 保留价: secret, only for the seller and the house
    buy_now_price = fields.BigIntField(null=True)
    condition_report = fields.TextField(default="")
    status = fields.CharField(max_length=12, default="scheduled", db_index=True)
    ends_at = fields.DatetimeField(null=True, db_index=True)
    decision_deadline = fields.DatetimeField(null=True, db_index=True)
    price = fields.BigIntField(null=True)
    leader_paddle = fields.CharField(max_length=12, null=True)
    # What the leader is bound to pay (engine.leader_commitment): their maximum while bidding runs, the
    # price after. Kept beside the state so a bidder's buying-limit exposure is one SUM over the session's lots.
    leader_commitment = fields.BigIntField(null=True)
    seq = fields.IntField(default=0)
    version = fields.IntField(default=0)
    state: Any = fields.JSONField()
    updated_at = fields.DatetimeField(auto_now=True)

    session_id: int

    class Meta:
        table = "auction_lots"
        unique_together = (("session", "position"),)


class Registration(Model):
    # A bidder's registration for one session, with the deposit (保证金) and the paddle number (竞买号).
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[AuctionSession] = fields.ForeignKeyField(
        "auctions.AuctionSession", related_name="registrations", on_delete=fields.RESTRICT
    )
    user_id = fields.IntField(db_index=True)
    org_id = fields.IntField(null=True)
    paddle = fields.CharField(max_length=12)
    deposit_amount = fields.BigIntField()
    deposit_status = fields.CharField(max_length=12, default="pending")  # pending | confirmed | refunded
    payment_reference = fields.CharField(max_length=64)
    confirmed_by_user_id = fields.IntField(null=True)
    # Bumped (compare-and-set) by every bid admitted under this registration: one bidder's commitments
    # across lots are serialised here, as one lot's bids are by Lot.version, so two bids on two lots
    # cannot both pass the buying limit.
    version = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    session_id: int

    class Meta:
        table = "auction_registrations"
        unique_together = (("session", "user_id"), ("session", "paddle"))


class Bid(Model):
    # Every bid line that moved a lot: straight, proxy, automatic (proxy answer), floor, buy-now.
    id = fields.BigIntField(primary_key=True)
    lot_id = fields.IntField(db_index=True)
    seq = fields.IntField()
    paddle = fields.CharField(max_length=12)
    kind = fields.CharField(max_length=10)
    amount = fields.BigIntField()
    price_after = fields.BigIntField()
    received_at = fields.DatetimeField()
    retracted = fields.BooleanField(default=False)

    class Meta:
        table = "auction_bids"


class BidReceipt(Model):
    # The committed answer to a client bid id: a resend returns it and never makes a second bid.
    id = fields.BigIntField(primary_key=True)
    user_id = fields.IntField()
    client_bid_id = fields.CharField(max_length=64)
    lot_id = fields.IntField()
    # What was asked ({"kind", "amount", "proxy"}): the same id with other parameters is refused, not answered
    # with this receipt. Null on receipts written before it was kept (then only the lot is compared).
    request: Any = fields.JSONField(null=True)
    response: Any = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "auction_bid_receipts"
        unique_together = (("user_id", "client_bid_id"),)


class LotEvent(Model):
    # The lot's public event log: seq increases by one per event; a reconnecting client replays from it.
    id = fields.BigIntField(primary_key=True)
    lot_id = fields.IntField()
    seq = fields.IntField()
    payload: Any = fields.JSONField()
    at = fields.DatetimeField()

    class Meta:
        table = "auction_lot_events"
        unique_together = (("lot_id", "seq"),)


class SaleRecord(Model):
    # 成交确认书: the binding result of a hammer or close, kept for settlement.
    id = fields.IntField(primary_key=True)
    lot_id = fields.IntField(unique=True)
    session_id = fields.IntField()
    vehicle_id = fields.IntField()
    hammer_price = fields.BigIntField()
    buyer_premium = fields.BigIntField()
    buyer_paddle = fields.CharField(max_length=12)
    buyer_user_id = fields.IntField(null=True)
    buyer_org_id = fields.IntField(null=True)
    seller_org_id = fields.IntField()
    house_org_id = fields.IntField()
    via = fields.CharField(max_length=20)
    sold_at = fields.DatetimeField()

    class Meta:
        table = "auction_sale_records"


class Consignment(Model):
    # 委托拍卖: the vehicle's owner organisation (the seller) lets one auction house offer the vehicle as a lot.
    # active: the house may put it in a lot; used: it backs `lot_id` (final: after a pass the seller consigns
    # again); withdrawn: the seller took it back before it was used. Changes are compare-and-set on status.
    id = fields.IntField(primary_key=True)
    vehicle_id = fields.IntField(db_index=True)
    seller_org_id = fields.IntField(db_index=True)
    house_org_id = fields.IntField(db_index=True)
    created_by_user_id = fields.IntField()
    status = fields.CharField(max_length=12, default="active", db_index=True)  # active | used | withdrawn
    suggested_reserve = fields.BigIntField(null=True)  # the seller's wish for the reserve, in fen
    note = fields.CharField(max_length=500, default="")
    lot_id = fields.IntField(null=True)
    withdrawn_by_user_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "auction_consignments"


# --- session ends and second-chance offers (issue 10 §4–5: deposits, defaults) ---------------------------------


class SessionClosure(Model):
    # A session whose lots are all final: written once (unique session), with the `auctions.session_ended` event
    # that tells settlement to refund the deposits of bidders who won nothing.
    id = fields.IntField(primary_key=True)
    session_id = fields.IntField(unique=True)
    ended_at = fields.DatetimeField()

    class Meta:
        table = "auction_session_closures"


class SecondChanceOffer(Model):
    # After a default (悔拍), the lot is offered to the second-highest bidder at their last bid, until `deadline`.
    # offered → accepted (a new sale through `auctions.lot_sold`) | declined | expired; none when nobody else bid.
    id = fields.IntField(primary_key=True)
    default_id = fields.IntField(unique=True)  # settlement's default: one offer per default
    lot_id = fields.IntField(db_index=True)
    session_id = fields.IntField()
    house_org_id = fields.IntField()
    user_id = fields.IntField(db_index=True)
    org_id = fields.IntField(null=True)
    paddle = fields.CharField(max_length=12)
    amount = fields.BigIntField()
    deadline = fields.DatetimeField(db_index=True)
    status = fields.CharField(max_length=10, default="offered", db_index=True)
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "auction_second_chance_offers"
