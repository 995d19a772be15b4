from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0014_refund_references")]

    initial = False

    operations = [
        ops.AddField(
            model_name="GatePass",
            name="dispute_window_days",
            field=fields.IntField(null=True),
        ),
    ]
