from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("auctions", "0005_bid_receipt_request")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SecondChanceOffer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("default_id", fields.IntField(unique=True)),
                ("lot_id", fields.IntField(db_index=True)),
                ("session_id", fields.IntField()),
                ("house_org_id", fields.IntField()),
                ("user_id", fields.IntField(db_index=True)),
                ("org_id", fields.IntField(null=True)),
                ("paddle", fields.CharField(max_length=12)),
                ("amount", fields.BigIntField()),
                ("deadline", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("status", fields.CharField(default="offered", db_index=True, max_length=10)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "auction_second_chance_offers", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SessionClosure",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("session_id", fields.IntField(unique=True)),
                ("ended_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "auction_session_closures", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
