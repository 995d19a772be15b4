from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [("listings", "0003_drafts_hold_no_vehicle")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Vehicle",
            name="vin",
            field=fields.CharField(max_length=17),
        ),
        ops.AddConstraint(
            model_name="Vehicle",
            constraint=UniqueConstraint(fields=("owner_org_id", "vin"), name=None),
        ),
    ]
