from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Invitation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "marketplace.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="invitations",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("invited_by_id", fields.IntField(null=True)),
                ("login_field", fields.CharField(max_length=10)),
                ("login_value", fields.CharField(max_length=254)),
                ("roles", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("status", fields.CharField(default="pending", max_length=20)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decided_by_id", fields.IntField(null=True)),
            ],
            options={
                "table": "invitations",
                "app": "marketplace",
                "indexes": [Index(fields=["login_field", "login_value", "status"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("login_hash", fields.CharField(max_length=64)),
                ("source", fields.CharField(max_length=64)),
                ("failures", fields.IntField(default=0)),
                ("blocked_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "login_throttles",
                "app": "marketplace",
                "unique_together": (("login_hash", "source"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OneTimeCode",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("purpose", fields.CharField(max_length=20)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "marketplace.User",
                        source_field="user_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="one_time_codes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code_hash", fields.CharField(db_index=True, max_length=64)),
                ("payload", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("attempts", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "one_time_codes", "app": "marketplace", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Organisation",
            name="members_version",
            field=fields.IntField(default=0),
        ),
        ops.RemoveField(model_name="User", name="failed_logins"),
        ops.RemoveField(model_name="User", name="locked_until"),
    ]
