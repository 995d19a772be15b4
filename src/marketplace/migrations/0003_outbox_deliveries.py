from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_accounts_invitations_throttle")]

    initial = False

    operations = [
        ops.CreateModel(
            name="OutboxDelivery",
            fields=[
                ("id", fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "event",
                    fields.ForeignKeyField(
                        "marketplace.OutboxEvent",
                        source_field="event_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="deliveries",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("job", fields.CharField(max_length=100)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("due_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("attempts", fields.IntField(default=0)),
                ("last_error", fields.TextField(null=True, unique=False)),
                ("done_at", fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "outbox_deliveries",
                "app": "marketplace",
                "unique_together": (("event", "job"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
