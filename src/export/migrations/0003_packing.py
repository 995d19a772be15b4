from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

# The packing details of an order vehicle (export.domain.packing), null until the dealer records them.


class Migration(migrations.Migration):
    dependencies = [("export", "0002_plate_records")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OrderVehicle",
            name="packing",
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
