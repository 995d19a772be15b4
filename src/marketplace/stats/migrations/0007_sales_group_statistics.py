"""PostgreSQL: how many (month, house, seller province) combinations the sales have, for the release's GROUP BY.

The planner estimates a GROUP BY's groups by multiplying its columns' distinct counts: for a national year that
is ~1.3 million (12 months × 402 houses × 31 provinces × …) where there are ~80,000, because a house sells in
few provinces. Planned for a million groups it sorts the year (on disk) or hashes it in one process; knowing the
real number (these extended statistics, gathered by ANALYZE: the import analyses after a large file) it hashes
in its parallel workers and merges their few groups (`services/levels.py`; `EXPLAIN`: Partial HashAggregate
under Gather). Three columns, not all six of the GROUP BY: the others (energy, transfer, source) have a handful
of values each, and each extra column multiplies the subsets ANALYZE counts (six would add ~1 s to it at 14
million rows; these three ~0.1 s). SQLite needs none: it streams the groups out of its covering index (0004).
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES = [
    "CREATE STATISTICS stats_sales_groups (ndistinct) ON sold_month, house_id, seller_province FROM stats_sales",
    "ANALYZE stats_sales",
]
POSTGRES_BACK = ["DROP STATISTICS stats_sales_groups"]


async def _run(schema_editor: Any, postgres: list[str]) -> None:
    conn = schema_editor.client
    if conn.capabilities.dialect == "postgres":
        for sql in postgres:
            await conn.execute_script(sql)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES_BACK)


class Migration(migrations.Migration):
    dependencies = [("stats", "0006_release_suppressed")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
