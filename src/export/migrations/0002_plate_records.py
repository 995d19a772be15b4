from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from typing import Any

# The plate history is append-only like the step records (0001_initial's guards): a renewal is a new row.
# PostgreSQL's refusing function export_refuse_change() was made by 0001_initial.
TABLE = "export_plate_records"
SQLITE = f'''CREATE TRIGGER "{TABLE}_no_update" BEFORE UPDATE ON "{TABLE}" BEGIN SELECT RAISE(ABORT, 'export: history is append-only'); END'''
POSTGRES = (
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION export_refuse_change()"
)


async def guards(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    await conn.execute_script(SQLITE if conn.capabilities.dialect == "sqlite" else POSTGRES)


class Migration(migrations.Migration):
    dependencies = [("export", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PlateRecord",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "vehicle",
                    fields.ForeignKeyField(
                        "export.OrderVehicle",
                        source_field="vehicle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="plate_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("plate_no", fields.CharField(max_length=12)),
                ("issued", fields.DateField()),
                ("insurance_ends", fields.DateField()),
                ("expires", fields.DateField()),
                ("recorded_by", fields.IntField()),
                ("recorded_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "export_plate_records", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.RunPython(guards),
    ]
