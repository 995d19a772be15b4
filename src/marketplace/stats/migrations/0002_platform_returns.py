from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MonthlyReturn",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "house",
                    fields.ForeignKeyField(
                        "stats.ReportingHouse",
                        source_field="house_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="returns",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("month", fields.CharField(max_length=7)),
                (
                    "submission",
                    fields.ForeignKeyField(
                        "stats.Submission",
                        source_field="submission_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="returns",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("sessions_online", fields.IntField()),
                ("sessions_onsite", fields.IntField()),
                ("units", fields.IntField()),
                ("turnover_fen", fields.BigIntField()),
                ("bev_units", fields.IntField()),
                ("bev_turnover_fen", fields.BigIntField()),
                ("transfer_in_province", fields.IntField()),
                ("transfer_cross_province", fields.IntField()),
                ("units_by_band", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "stats_returns",
                "app": "stats",
                "unique_together": (("house", "month"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PlatformSaleNote",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField()),
                ("sale_key", fields.CharField(max_length=200)),
                ("undone", fields.BooleanField(default=False)),
                ("transfer", fields.CharField(default="unknown", max_length=14)),
                ("buyer_province", fields.CharField(default="", max_length=200)),
                ("buyer_city", fields.CharField(default="", max_length=200)),
            ],
            options={
                "table": "stats_platform_notes",
                "app": "stats",
                "unique_together": (("house_org_id", "sale_key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ReviewComment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "house",
                    fields.ForeignKeyField(
                        "stats.ReportingHouse",
                        source_field="house_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="comments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("month", fields.CharField(max_length=7)),
                ("author_user_id", fields.IntField()),
                ("author_role", fields.CharField(max_length=10)),
                ("text", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "stats_comments", "app": "stats", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="SaleFact",
            name="event_seq",
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name="SaleFact",
            name="source",
            field=fields.CharField(default="import", max_length=10),
        ),
        ops.AddField(
            model_name="SessionFact",
            name="source",
            field=fields.CharField(default="import", max_length=10),
        ),
        ops.AddField(
            model_name="Submission",
            name="house_id",
            field=fields.IntField(null=True, db_index=True),
        ),
    ]
