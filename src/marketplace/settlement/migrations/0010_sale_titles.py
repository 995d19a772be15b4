from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0009_sale_paddle")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Sale",
            name="session_title",
            field=fields.CharField(default="", max_length=200),
        ),
        ops.AddField(
            model_name="Sale",
            name="lot_title",
            field=fields.CharField(default="", max_length=200),
        ),
    ]
