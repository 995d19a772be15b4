from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The references already recorded, deposits' first (the older table), each claimed once: a reference the two tables
# share from before this table existed stays with its deposit refund. `WHERE` before `ON CONFLICT` keeps SQLite's
# parser from reading the conflict clause as a join's.
BACKFILL = """
INSERT INTO settlement_refund_references (house_org_id, bank_reference, refund_kind, refund_id, created_at)
SELECT house_org_id, bank_reference, '{kind}', id, COALESCE(completed_at, created_at)
  FROM {table} WHERE bank_reference IS NOT NULL ORDER BY id
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    dependencies = [("settlement", "0013_buyer_refunds")]

    initial = False

    operations = [
        ops.CreateModel(
            name="RefundReference",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField()),
                ("bank_reference", fields.CharField(max_length=64)),
                ("refund_kind", fields.CharField(max_length=10)),
                ("refund_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "settlement_refund_references",
                "app": "settlement",
                "unique_together": (("house_org_id", "bank_reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunSQL(BACKFILL.format(kind="deposit", table="settlement_deposit_refunds"), reverse_sql=""),
        ops.RunSQL(BACKFILL.format(kind="buyer", table="settlement_buyer_refunds"), reverse_sql=""),
    ]
