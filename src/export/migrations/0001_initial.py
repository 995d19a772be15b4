from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from typing import Any

# History is append-only: shipping events and step records are never changed (a correction is a new event
# retracting an earlier one). PostgreSQL refuses UPDATE and DELETE by trigger (TRUNCATE, the test suite's
# reset, fires no row trigger); SQLite refuses UPDATE (its test reset deletes rows, so DELETE stays open there).
APPEND_ONLY = ("export_shipping_events", "export_step_records")
MSG = "export: history is append-only"

SQLITE = [
    f'''CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" BEGIN SELECT RAISE(ABORT, '{MSG}'); END'''
    for table in APPEND_ONLY
]
POSTGRES = [
    f"""CREATE FUNCTION export_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{MSG} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;""",
    *[
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION export_refuse_change()"
        for table in APPEND_ONLY
    ],
]


async def guards(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    for sql in SQLITE if conn.capabilities.dialect == "sqlite" else POSTGRES:
        await conn.execute_script(sql)


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Batch",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("reference", fields.CharField(max_length=40)),
                ("mode", fields.CharField(max_length=10)),
                ("destination_country", fields.CharField(max_length=2)),
                ("planned_departure", fields.DateField()),
                ("licence_no", fields.CharField(default="", max_length=40)),
                ("licence_issued", fields.DateField(null=True)),
                ("licensed_quantity", fields.IntField(null=True)),
                ("declaration_no", fields.CharField(default="", max_length=40)),
                ("declared_on", fields.DateField(null=True)),
                ("cleared_on", fields.DateField(null=True)),
                ("bill_of_lading", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "export_batches",
                "app": "export",
                "unique_together": (("exporter_org_id", "reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="DestinationRuleVersion",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("country", fields.CharField(db_index=True, max_length=2)),
                ("effective_from", fields.DateField()),
                ("source", fields.CharField(max_length=300)),
                ("max_age_years", fields.IntField(null=True)),
                ("age_basis", fields.CharField(default="first_registration", max_length=20)),
                ("age_counted_at", fields.CharField(default="shipment", max_length=10)),
                ("steering", fields.CharField(null=True, max_length=3)),
                ("min_euro", fields.IntField(null=True)),
                ("certificates", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("notes", fields.CharField(default="", max_length=500)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "export_destination_rules", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Document",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("order_id", fields.IntField(null=True)),
                ("vehicle_id", fields.IntField(null=True, db_index=True)),
                ("batch_id", fields.IntField(null=True, db_index=True)),
                ("doc_type", fields.CharField(max_length=40)),
                ("number", fields.CharField(default="", max_length=60)),
                ("issued_on", fields.DateField(null=True)),
                ("issuer", fields.CharField(default="", max_length=200)),
                ("for_consignee", fields.BooleanField(default=False)),
                ("key", fields.CharField(max_length=200)),
                ("content_type", fields.CharField(max_length=60)),
                ("size_bytes", fields.IntField()),
                ("sha256", fields.CharField(max_length=64)),
                ("uploaded_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "export_documents", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Filing",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("filing_no", fields.CharField(max_length=40)),
                ("province", fields.CharField(max_length=30)),
                ("approved_on", fields.DateField()),
                ("valid_until", fields.DateField()),
                ("customs_code", fields.CharField(max_length=10)),
                ("appraisers", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("status", fields.CharField(default="pending", max_length=10)),
                ("decided_by", fields.IntField(null=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decision_reason", fields.CharField(default="", max_length=500)),
                ("renews_id", fields.IntField(null=True)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "export_filings",
                "app": "export",
                "unique_together": (("exporter_org_id", "filing_no"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Order",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("reference", fields.CharField(max_length=40)),
                ("consignee_name", fields.CharField(max_length=200)),
                ("consignee_country", fields.CharField(max_length=2)),
                ("consignee_address", fields.CharField(max_length=500)),
                ("consignee_contact", fields.CharField(max_length=200)),
                ("legal_ground", fields.CharField(default="contract", max_length=20)),
                ("contract_no", fields.CharField(max_length=60)),
                ("destination_country", fields.CharField(max_length=2)),
                ("incoterm", fields.CharField(max_length=3)),
                ("named_place", fields.CharField(max_length=100)),
                ("currency", fields.CharField(max_length=3)),
                ("fx_rate", fields.CharField(max_length=24)),
                ("fx_source", fields.CharField(max_length=100)),
                ("fx_date", fields.DateField()),
                ("planned_shipment", fields.DateField(null=True)),
                ("status", fields.CharField(default="open", max_length=10)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "export_orders",
                "app": "export",
                "unique_together": (("exporter_org_id", "reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ConsigneeLink",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "order",
                    fields.ForeignKeyField(
                        "export.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "export_consignee_links", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OrderVehicle",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "order",
                    fields.ForeignKeyField(
                        "export.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="vehicles",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("exporter_org_id", fields.IntField(db_index=True)),
                (
                    "batch",
                    fields.ForeignKeyField(
                        "export.Batch",
                        source_field="batch_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="vehicles",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("vehicle_id", fields.IntField()),
                ("sale_id", fields.IntField(null=True)),
                ("vin", fields.CharField(max_length=17)),
                ("make", fields.CharField(max_length=50)),
                ("model", fields.CharField(max_length=80)),
                ("energy", fields.CharField(max_length=10)),
                ("fuel", fields.CharField(default="petrol", max_length=10)),
                ("displacement_ml", fields.IntField(null=True)),
                ("steering", fields.CharField(default="lhd", max_length=3)),
                ("euro", fields.IntField(null=True)),
                ("certificates", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("commercial", fields.BooleanField(default=False)),
                ("price_minor", fields.BigIntField()),
                ("price_cny_fen", fields.BigIntField()),
                ("step", fields.CharField(default="bought", max_length=20)),
                ("version", fields.IntField(default=1)),
                ("reg_make", fields.CharField(default="", max_length=50)),
                ("reg_model", fields.CharField(default="", max_length=80)),
                ("reg_first_registration", fields.DateField(null=True)),
                ("pending_export_on", fields.DateField(null=True)),
                ("plate_no", fields.CharField(default="", max_length=12)),
                ("plate_issued", fields.DateField(null=True)),
                ("insurance_ends", fields.DateField(null=True)),
                ("inspection_standard", fields.CharField(default="", max_length=20)),
                ("licence_data", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ("hs_code", fields.CharField(default="", max_length=7)),
                ("hs_derived", fields.BooleanField(default=True)),
                ("hs_reason", fields.CharField(default="", max_length=500)),
                ("deregistered_on", fields.DateField(null=True)),
                ("invoice_kind", fields.CharField(default="", max_length=20)),
                ("invoice_net_fen", fields.BigIntField(null=True)),
                ("invoice_tax_fen", fields.BigIntField(null=True)),
                ("refund_rate_bp", fields.IntField(null=True)),
                ("refund_fen", fields.BigIntField(null=True)),
                ("destination_block", fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "export_order_vehicles",
                "app": "export",
                "unique_together": (("order_id", "vehicle_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Payment",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "order",
                    fields.ForeignKeyField(
                        "export.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payments",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount_minor", fields.BigIntField()),
                ("currency", fields.CharField(max_length=3)),
                ("method", fields.CharField(default="bank_transfer", max_length=20)),
                ("reference", fields.CharField(max_length=60)),
                ("received_on", fields.DateField()),
                ("recorded_by", fields.IntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "export_payments",
                "app": "export",
                "unique_together": (("order_id", "reference"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Reminder",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(unique=True, max_length=100)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("what", fields.CharField(max_length=20)),
                ("subject", fields.CharField(max_length=40)),
                ("due", fields.DateField()),
                ("message", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("mailed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "export_reminders", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ShippingEvent",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("exporter_org_id", fields.IntField(db_index=True)),
                ("batch_id", fields.IntField(null=True, db_index=True)),
                ("vehicle_id", fields.IntField(null=True, db_index=True)),
                ("event_type", fields.CharField(max_length=12)),
                ("classifier", fields.CharField(max_length=3)),
                ("event_time", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("event_tz", fields.CharField(max_length=40)),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("location_code", fields.CharField(default="", max_length=5)),
                ("location_name", fields.CharField(default="", max_length=100)),
                ("retracts_id", fields.IntField(null=True)),
                ("note", fields.CharField(default="", max_length=500)),
                ("source", fields.CharField(default="manual", max_length=10)),
                ("source_key", fields.CharField(max_length=80)),
                ("recorded_by", fields.IntField()),
            ],
            options={
                "table": "export_shipping_events",
                "app": "export",
                "unique_together": (("exporter_org_id", "source_key"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StepRecord",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "export.OrderVehicle",
                        source_field="vehicle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="step_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("step", fields.CharField(max_length=20)),
                ("on", fields.DateField()),
                ("data", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("recorded_by", fields.IntField()),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "export_step_records",
                "app": "export",
                "unique_together": (("vehicle_id", "step"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.RunPython(guards),
    ]
