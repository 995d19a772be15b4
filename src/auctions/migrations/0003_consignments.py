from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("auctions", "0002_bidder_commitments")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Consignment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("vehicle_id", fields.IntField(db_index=True)),
                ("seller_org_id", fields.IntField(db_index=True)),
                ("house_org_id", fields.IntField(db_index=True)),
                ("created_by_user_id", fields.IntField()),
                ("status", fields.CharField(default="active", db_index=True, max_length=12)),
                ("suggested_reserve", fields.BigIntField(null=True)),
                ("note", fields.CharField(default="", max_length=500)),
                ("lot_id", fields.IntField(null=True)),
                ("withdrawn_by_user_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={"table": "auction_consignments", "app": "auctions", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
