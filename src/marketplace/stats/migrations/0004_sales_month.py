"""A sale's Beijing month, computed by the database from `sold_at`, and (SQLite) a covering index in its order.

A release sums a period's sales by Beijing month (among other keys). Formatting or comparing every moment at
build time, and on SQLite sorting a year of rows into groups (SQLite has no hash aggregate), was most of the
build. `sold_month` ("YYYY-MM", Beijing time, UTC+8 all year) is a generated column: every writer (the import,
the platform's own sales, the ORM, a test) gets it right without knowing of it, and the ORM's model does not
list it (nothing reads it through the ORM). On SQLite it is VIRTUAL (an added column cannot be STORED) and the
index stores it: the build reads that index alone, a period's rows are one range of it, and its order is the
GROUP BY's, so SQLite streams the groups instead of sorting (`services/levels.py`). PostgreSQL stores the column
(hash aggregates need no order; no index, so the import pays nothing more for it there).

If a later SQLite migration rebuilds stats_sales (the generic AlterField does), it must keep this column and index.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE = [
    # The stored text is UTC ("2023-12-31 15:59:59.999999+00:00", Tortoise's form; the period filters compare it as
    # text, so it is always UTC). Its first 19 characters are the second: SQLite's date functions round fractions
    # to the millisecond (that moment would land in 2024), and a month begins on a whole second.
    "ALTER TABLE stats_sales ADD COLUMN sold_month TEXT GENERATED ALWAYS AS "
    "(strftime('%Y-%m', substr(sold_at, 1, 19), '+8 hours')) VIRTUAL",
    # Every column the build reads, the GROUP BY's keys first (services/levels.py: the order matters).
    "CREATE INDEX idx_stats_sales_month_cover ON stats_sales (sold_month, house_id, seller_province, energy, "
    "transfer, source, undone, submission_id, hammer_fen)",
]
_LOCAL = "sold_at AT TIME ZONE INTERVAL '+08:00'"  # timezone(interval, timestamptz): immutable, unlike to_char
POSTGRES = [
    "ALTER TABLE stats_sales ADD COLUMN sold_month text GENERATED ALWAYS AS "
    f"(lpad(extract(year FROM {_LOCAL})::int::text, 4, '0') || '-' || "
    f"lpad(extract(month FROM {_LOCAL})::int::text, 2, '0')) STORED",
]
SQLITE_BACK = ["DROP INDEX idx_stats_sales_month_cover", "ALTER TABLE stats_sales DROP COLUMN sold_month"]
POSTGRES_BACK = ["ALTER TABLE stats_sales DROP COLUMN sold_month"]


async def _run(schema_editor: Any, sqlite: list[str], postgres: list[str]) -> None:
    conn = schema_editor.client
    for sql in sqlite if conn.capabilities.dialect == "sqlite" else postgres:
        await conn.execute_script(sql)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, SQLITE, POSTGRES)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, SQLITE_BACK, POSTGRES_BACK)


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_sales_indexes")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
