from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from typing import Any

# A filing's papers (export_documents.filing_id) and the history of staff decisions on a filing, append-only like
# the step records (0001_initial made PostgreSQL's refusing function export_refuse_change()).
TABLE = "export_filing_decisions"
SQLITE = f'''CREATE TRIGGER "{TABLE}_no_update" BEFORE UPDATE ON "{TABLE}" BEGIN SELECT RAISE(ABORT, 'export: history is append-only'); END'''
POSTGRES = (
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION export_refuse_change()"
)


async def guards(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    await conn.execute_script(SQLITE if conn.capabilities.dialect == "sqlite" else POSTGRES)


class Migration(migrations.Migration):
    dependencies = [("export", "0003_packing")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FilingDecision",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("filing_id", fields.IntField(db_index=True)),
                ("action", fields.CharField(max_length=10)),
                ("from_status", fields.CharField(max_length=10)),
                ("to_status", fields.CharField(max_length=10)),
                ("reason", fields.CharField(default="", max_length=500)),
                ("decided_by", fields.IntField()),
                ("decided_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "export_filing_decisions", "app": "export", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Document",
            name="filing_id",
            field=fields.IntField(null=True, db_index=True),
        ),
        ops.RunPython(guards),
    ]
