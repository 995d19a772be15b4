from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class StateOnly(ops.AlterField):
    """The field's new description, for the migration state only: on SQLite the generic AlterField rebuilds the
    table and loses its (house, sale_key) unique constraint, so the indexes themselves change by the SQL below."""

    async def database_forward(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        return None

    async def database_backward(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        return None


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_platform_returns")]

    initial = False

    operations = [
        # A release reads a whole period by scanning (faster on SQLite than through this index for a year, which is
        # half the table), and every imported row paid for keeping it; platform_months finds the few platform rows
        # through an index on source instead (imported rows all carry "import" and append to its end).
        StateOnly(
            model_name="SaleFact",
            name="sold_at",
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        StateOnly(
            model_name="SaleFact",
            name="source",
            field=fields.CharField(default="import", db_index=True, max_length=10),
        ),
        ops.RunSQL(
            "DROP INDEX IF EXISTS idx_stats_sales_sold_at_c062be",
            reverse_sql='CREATE INDEX idx_stats_sales_sold_at_c062be ON stats_sales ("sold_at")',
        ),
        ops.RunSQL(
            'CREATE INDEX idx_stats_sales_source ON stats_sales ("source")',
            reverse_sql="DROP INDEX idx_stats_sales_source",
        ),
    ]
