from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="AuctionSession",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField(db_index=True)),
                ("title", fields.CharField(max_length=200)),
                ("kind", fields.CharField(max_length=10)),
                ("starts_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="draft", max_length=12)),
                ("terms", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("created_by_user_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "auction_sessions", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Bid",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("lot_id", fields.IntField(db_index=True)),
                ("seq", fields.IntField()),
                ("paddle", fields.CharField(max_length=12)),
                ("kind", fields.CharField(max_length=10)),
                ("amount", fields.BigIntField()),
                ("price_after", fields.BigIntField()),
                ("received_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("retracted", fields.BooleanField(default=False)),
            ],
            options={"table": "auction_bids", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="BidReceipt",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("user_id", fields.IntField()),
                ("client_bid_id", fields.CharField(max_length=64)),
                ("lot_id", fields.IntField()),
                ("response", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "auction_bid_receipts",
                "app": "auctions",
                "unique_together": (("user_id", "client_bid_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Lot",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "session",
                    fields.ForeignKeyField(
                        "auctions.AuctionSession",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lots",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField()),
                ("vehicle_id", fields.IntField(db_index=True)),
                ("seller_org_id", fields.IntField(db_index=True)),
                ("starting_price", fields.BigIntField()),
                ("reserve_price", fields.BigIntField(null=True)),
                ("buy_now_price", fields.BigIntField(null=True)),
                ("condition_report", fields.TextField(default="", unique=False)),
                ("status", fields.CharField(default="scheduled", db_index=True, max_length=12)),
                ("ends_at", fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                (
                    "decision_deadline",
                    fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("price", fields.BigIntField(null=True)),
                ("leader_paddle", fields.CharField(null=True, max_length=12)),
                ("seq", fields.IntField(default=0)),
                ("version", fields.IntField(default=0)),
                ("state", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "auction_lots",
                "app": "auctions",
                "unique_together": (("session", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LotEvent",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("lot_id", fields.IntField()),
                ("seq", fields.IntField()),
                ("payload", fields.JSONField(encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "auction_lot_events",
                "app": "auctions",
                "unique_together": (("lot_id", "seq"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Registration",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "session",
                    fields.ForeignKeyField(
                        "auctions.AuctionSession",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="registrations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("user_id", fields.IntField(db_index=True)),
                ("org_id", fields.IntField(null=True)),
                ("paddle", fields.CharField(max_length=12)),
                ("deposit_amount", fields.BigIntField()),
                ("deposit_status", fields.CharField(default="pending", max_length=12)),
                ("payment_reference", fields.CharField(max_length=64)),
                ("confirmed_by_user_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "auction_registrations",
                "app": "auctions",
                "unique_together": (("session", "user_id"), ("session", "paddle")),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SaleRecord",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("lot_id", fields.IntField(unique=True)),
                ("session_id", fields.IntField()),
                ("vehicle_id", fields.IntField()),
                ("hammer_price", fields.BigIntField()),
                ("buyer_premium", fields.BigIntField()),
                ("buyer_paddle", fields.CharField(max_length=12)),
                ("buyer_user_id", fields.IntField(null=True)),
                ("buyer_org_id", fields.IntField(null=True)),
                ("seller_org_id", fields.IntField()),
                ("house_org_id", fields.IntField()),
                ("via", fields.CharField(max_length=20)),
                ("sold_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "auction_sale_records", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
