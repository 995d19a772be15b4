from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0003_outbox_deliveries")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="LoginThrottle",
            name="updated_at",
            field=fields.DatetimeField(db_index=True, auto_now=True, auto_now_add=False),
        ),
    ]
