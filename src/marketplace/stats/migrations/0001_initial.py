from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Release",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("period", fields.CharField(max_length=7)),
                ("version", fields.IntField()),
                ("embargo_until", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("document", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("note", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("comment", fields.TextField(default="", unique=False)),
                ("created_by_id", fields.IntField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "stats_releases",
                "app": "stats",
                "unique_together": (("period", "version"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReportingHouse",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("name", fields.CharField(unique=True, max_length=200)),
                ("province", fields.CharField(default="", max_length=30)),
                ("city", fields.CharField(default="", max_length=30)),
                ("organisation_id", fields.IntField(null=True, unique=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "stats_houses", "app": "stats", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Submission",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("source", fields.CharField(max_length=10)),
                ("status", fields.CharField(default="received", max_length=20)),
                ("submitted_by_id", fields.IntField(null=True)),
                ("sessions_rows", fields.IntField(default=0)),
                ("sales_rows", fields.IntField(default=0)),
                ("rows_unchanged", fields.IntField(default=0)),
                ("warnings", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("comment", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decided_by_id", fields.IntField(null=True)),
            ],
            options={"table": "stats_submissions", "app": "stats", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SaleFact",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "house",
                    fields.ForeignKeyField(
                        "stats.ReportingHouse",
                        source_field="house_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sales",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("sale_key", fields.CharField(max_length=200)),
                ("session_key", fields.CharField(max_length=200)),
                ("sold_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("hammer_fen", fields.BigIntField()),
                ("make", fields.CharField(max_length=200)),
                ("make_en", fields.CharField(default="", max_length=200)),
                ("energy", fields.CharField(max_length=4)),
                ("seller_province", fields.CharField(default="", max_length=200)),
                ("seller_city", fields.CharField(default="", max_length=200)),
                ("buyer_province", fields.CharField(default="", max_length=200)),
                ("buyer_city", fields.CharField(default="", max_length=200)),
                ("transfer", fields.CharField(default="unknown", max_length=14)),
                ("undone", fields.BooleanField(default=False)),
                (
                    "submission",
                    fields.ForeignKeyField(
                        "stats.Submission",
                        source_field="submission_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="sales",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "stats_sales",
                "app": "stats",
                "unique_together": (("house", "sale_key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SessionFact",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "house",
                    fields.ForeignKeyField(
                        "stats.ReportingHouse",
                        source_field="house_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("session_key", fields.CharField(max_length=200)),
                ("kind", fields.CharField(max_length=10)),
                ("held_on", fields.DateField(db_index=True)),
                (
                    "submission",
                    fields.ForeignKeyField(
                        "stats.Submission",
                        source_field="submission_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "stats_sessions",
                "app": "stats",
                "unique_together": (("house", "session_key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
