from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0007_bank_stripe")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PaymentInstructions",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField(unique=True)),
                ("account_name", fields.CharField(max_length=200)),
                ("bank_name", fields.CharField(max_length=200)),
                ("branch", fields.CharField(default="", max_length=200)),
                ("account_number", fields.CharField(max_length=64)),
                ("swift", fields.CharField(default="", max_length=11)),
                ("note", fields.CharField(default="", max_length=500)),
                ("updated_by_user_id", fields.IntField()),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "settlement_payment_instructions", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
