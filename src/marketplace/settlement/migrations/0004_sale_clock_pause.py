from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0003_credit_notes")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Sale",
            name="clocks_paused_since",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
