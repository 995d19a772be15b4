from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0012_ledger_statement_checks")]

    initial = False

    operations = [
        ops.CreateModel(
            name="BuyerRefund",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField(db_index=True)),
                ("user_id", fields.IntField(db_index=True)),
                ("amount_fen", fields.BigIntField()),
                ("currency", fields.CharField(max_length=3)),
                ("source", fields.CharField(max_length=12)),
                ("source_key", fields.CharField(unique=True, max_length=80)),
                ("dispute_id", fields.IntField(null=True)),
                ("sale_id", fields.IntField(null=True)),
                ("open_request", fields.CharField(null=True, unique=True, max_length=40)),
                ("status", fields.CharField(default="due", db_index=True, max_length=10)),
                ("bank_reference", fields.CharField(null=True, max_length=64)),
                ("completed_by_user_id", fields.IntField(null=True)),
                ("completed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("transaction_id", fields.UUIDField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "settlement_buyer_refunds",
                "app": "settlement",
                "unique_together": (("house_org_id", "bank_reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
