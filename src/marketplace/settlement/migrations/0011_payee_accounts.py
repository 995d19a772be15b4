from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0010_sale_titles")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PayeeAccount",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("org_id", fields.IntField(db_index=True)),
                ("provider", fields.CharField(default="stripe", max_length=20)),
                ("account", fields.CharField(max_length=80)),
                ("status", fields.CharField(default="unverified", max_length=12)),
                ("reason", fields.CharField(default="", max_length=40)),
                ("country", fields.CharField(default="", max_length=2)),
                ("default_currency", fields.CharField(default="", max_length=3)),
                ("set_by_user_id", fields.IntField()),
                ("set_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("verified_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "settlement_payee_accounts", "app": "settlement", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="CardBalanceLine",
            name="account",
            field=fields.CharField(default="", max_length=80),
        ),
        ops.AddField(
            model_name="CardEvent",
            name="account",
            field=fields.CharField(default="", max_length=80),
        ),
    ]
