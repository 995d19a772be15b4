from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0008_payment_instructions")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Sale",
            name="paddle",
            field=fields.CharField(default="", max_length=20),
        ),
    ]
