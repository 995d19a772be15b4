from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("settlement", "0002_ledger_guards")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CreditNote",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField(db_index=True)),
                ("number", fields.CharField(max_length=30)),
                ("year", fields.IntField()),
                ("seq", fields.IntField()),
                (
                    "invoice",
                    fields.OneToOneField(
                        "settlement.Invoice",
                        source_field="invoice_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="credit_note",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount_fen", fields.BigIntField()),
                ("reason", fields.CharField(max_length=200)),
                ("issued_by_user_id", fields.IntField()),
                ("issued_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "settlement_credit_notes",
                "app": "settlement",
                "unique_together": (("house_org_id", "number"), ("house_org_id", "year", "seq")),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="CreditNoteCounter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("house_org_id", fields.IntField()),
                ("year", fields.IntField()),
                ("last_seq", fields.IntField(default=0)),
            ],
            options={
                "table": "settlement_credit_note_counters",
                "app": "settlement",
                "unique_together": (("house_org_id", "year"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
