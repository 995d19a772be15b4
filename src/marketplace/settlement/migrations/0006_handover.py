from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0005_deposits_defaults")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Dispute",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "sale",
                    fields.OneToOneField(
                        "settlement.Sale",
                        source_field="sale_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dispute",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("house_org_id", fields.IntField(db_index=True)),
                ("buyer_user_id", fields.IntField(db_index=True)),
                ("seller_org_id", fields.IntField()),
                ("reason", fields.CharField(max_length=30)),
                ("description", fields.TextField(unique=False)),
                ("status", fields.CharField(default="open", max_length=10)),
                ("level", fields.CharField(default="house", db_index=True, max_length=12)),
                ("answer", fields.CharField(null=True, max_length=20)),
                ("answer_note", fields.TextField(default="", unique=False)),
                ("refunded_fen", fields.BigIntField(default=0)),
                ("opened_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("answered_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("history", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("version", fields.IntField(default=0)),
            ],
            options={"table": "settlement_disputes", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DisputeEvidence",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "dispute",
                    fields.ForeignKeyField(
                        "settlement.Dispute",
                        source_field="dispute_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="evidence",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("key", fields.CharField(max_length=255)),
                ("content_type", fields.CharField(max_length=40)),
                ("size_bytes", fields.IntField()),
                ("sha256", fields.CharField(max_length=64)),
                ("uploaded_by_user_id", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "settlement_dispute_evidence",
                "app": "settlement",
                "unique_together": (("dispute_id", "sha256"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DisputePolicy",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField(unique=True)),
                ("window_days", fields.IntField()),
                ("updated_by_user_id", fields.IntField()),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "settlement_dispute_policies", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="GatePass",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "sale",
                    fields.OneToOneField(
                        "settlement.Sale",
                        source_field="sale_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="gate_pass",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("house_org_id", fields.IntField(db_index=True)),
                ("pass_code", fields.CharField(unique=True, max_length=16)),
                ("issued_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("handed_over_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("handed_over_by_user_id", fields.IntField(null=True)),
            ],
            options={"table": "settlement_gate_passes", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Payout",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "sale",
                    fields.OneToOneField(
                        "settlement.Sale",
                        source_field="sale_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payout",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("house_org_id", fields.IntField(db_index=True)),
                ("seller_org_id", fields.IntField(db_index=True)),
                ("currency", fields.CharField(max_length=3)),
                ("hammer_fen", fields.BigIntField()),
                ("commission_fen", fields.BigIntField()),
                ("seller_fees_fen", fields.BigIntField()),
                ("adjustments_fen", fields.BigIntField()),
                ("set_off_fen", fields.BigIntField()),
                ("amount_fen", fields.BigIntField()),
                ("bank_reference", fields.CharField(max_length=64)),
                ("paid_on", fields.DateField()),
                ("recorded_by_user_id", fields.IntField()),
                ("transaction_id", fields.UUIDField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "settlement_payouts",
                "app": "settlement",
                "unique_together": (("house_org_id", "bank_reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Transfer",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "sale",
                    fields.OneToOneField(
                        "settlement.Sale",
                        source_field="sale_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="transfer",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("house_org_id", fields.IntField(db_index=True)),
                ("buyer_user_id", fields.IntField(db_index=True)),
                ("status", fields.CharField(default="pending", max_length=20)),
                ("delivered_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("deadline", fields.DateField()),
                ("from_province", fields.CharField(default="", max_length=20)),
                ("from_city", fields.CharField(default="", max_length=30)),
                ("documents", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("documents_handed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("filed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("blockers", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("new_province", fields.CharField(default="", max_length=20)),
                ("new_city", fields.CharField(default="", max_length=30)),
                ("new_plate", fields.CharField(default="", max_length=16)),
                ("proof_key", fields.CharField(default="", max_length=255)),
                ("proof_content_type", fields.CharField(default="", max_length=40)),
                ("proof_uploaded_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("confirmed_by_user_id", fields.IntField(null=True)),
                ("outcome", fields.CharField(default="", max_length=20)),
                ("reminders", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("version", fields.IntField(default=0)),
            ],
            options={"table": "settlement_transfers", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Sale",
            name="seller_city",
            field=fields.CharField(default="", max_length=30),
        ),
        ops.AddField(
            model_name="Sale",
            name="seller_province",
            field=fields.CharField(default="", max_length=20),
        ),
        ops.AddField(
            model_name="Sale",
            name="unwound_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
