"""PostgreSQL: a sale's references (house, submission) checked once per statement instead of once per row.

A foreign key checks every inserted row on its own (`SELECT 1 FROM stats_houses WHERE id = $1 FOR KEY SHARE`, a
trigger call and a row lock per row and per key): for an import of a million sales that was about half the
database's writing. The two foreign keys of `stats_sales` are replaced by triggers that keep the same
integrity set-wise, for the statement's whole set of rows (a transition table):

- after an INSERT or UPDATE statement, the referenced houses and submissions are locked `FOR KEY SHARE` (what the
  foreign key's check does for each row: a concurrent delete of one of them waits for this transaction, or this
  one for it) and then any row whose house or submission does not exist fails the statement with
  `foreign_key_violation` (in READ COMMITTED each statement of the function sees what committed before it, so a
  house deleted while this one waited for its lock is seen gone);
- before a house or a submission is deleted (or its id changed), the delete fails with `foreign_key_violation`
  if a sale refers to it: ON DELETE RESTRICT, as before (the row is locked before the trigger runs, so a sale
  inserted meanwhile has either committed, and is seen, or will find the row gone, and fail).

SQLite keeps its foreign keys (a check there is one B-tree lookup, and its import is not bound by it); the model
still declares them (`db_constraint`), so the ORM's description is the SQLite schema's. Tests:
`tests/integration/stats/test_sales_references.py` (both profiles).
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES = [
    """CREATE FUNCTION stats_sales_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM stats_houses h WHERE h.id IN (SELECT DISTINCT n.house_id FROM new_sales n) FOR KEY SHARE;
    PERFORM 1 FROM stats_submissions x
        WHERE x.id IN (SELECT DISTINCT n.submission_id FROM new_sales n WHERE n.submission_id IS NOT NULL)
        FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM new_sales n WHERE NOT EXISTS (SELECT 1 FROM stats_houses h WHERE h.id = n.house_id))
    THEN
        RAISE EXCEPTION 'stats_sales: a sale refers to a house that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM new_sales n WHERE n.submission_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM stats_submissions x WHERE x.id = n.submission_id))
    THEN
        RAISE EXCEPTION 'stats_sales: a sale refers to a submission that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$""",
    """CREATE FUNCTION stats_sales_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'stats_houses' THEN
        IF EXISTS (SELECT 1 FROM stats_sales s WHERE s.house_id = OLD.id) THEN
            RAISE EXCEPTION 'stats_houses: sales refer to house %', OLD.id USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM stats_sales s WHERE s.submission_id = OLD.id) THEN
        RAISE EXCEPTION 'stats_submissions: sales refer to submission %', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$""",
    # A trigger with transition tables has one event: one for INSERT (an upsert's inserted rows), one for UPDATE.
    "CREATE TRIGGER stats_sales_inserted AFTER INSERT ON stats_sales REFERENCING NEW TABLE AS new_sales "
    "FOR EACH STATEMENT EXECUTE FUNCTION stats_sales_references()",
    "CREATE TRIGGER stats_sales_updated AFTER UPDATE ON stats_sales REFERENCING NEW TABLE AS new_sales "
    "FOR EACH STATEMENT EXECUTE FUNCTION stats_sales_references()",
    "CREATE TRIGGER stats_houses_sales_restrict BEFORE DELETE OR UPDATE OF id ON stats_houses "
    "FOR EACH ROW EXECUTE FUNCTION stats_sales_referenced()",
    "CREATE TRIGGER stats_submissions_sales_restrict BEFORE DELETE OR UPDATE OF id ON stats_submissions "
    "FOR EACH ROW EXECUTE FUNCTION stats_sales_referenced()",
    "ALTER TABLE stats_sales DROP CONSTRAINT stats_sales_house_id_fkey",
    "ALTER TABLE stats_sales DROP CONSTRAINT stats_sales_submission_id_fkey",
]
POSTGRES_BACK = [
    "DROP TRIGGER stats_sales_inserted ON stats_sales",
    "DROP TRIGGER stats_sales_updated ON stats_sales",
    "DROP TRIGGER stats_houses_sales_restrict ON stats_houses",
    "DROP TRIGGER stats_submissions_sales_restrict ON stats_submissions",
    "DROP FUNCTION stats_sales_references()",
    "DROP FUNCTION stats_sales_referenced()",
    "ALTER TABLE stats_sales ADD CONSTRAINT stats_sales_house_id_fkey FOREIGN KEY (house_id) "
    "REFERENCES stats_houses (id) ON DELETE RESTRICT",
    "ALTER TABLE stats_sales ADD CONSTRAINT stats_sales_submission_id_fkey FOREIGN KEY (submission_id) "
    "REFERENCES stats_submissions (id) ON DELETE RESTRICT",
]


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
    dependencies = [("stats", "0004_sales_month")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
