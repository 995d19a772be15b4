from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL: the ledger's insert checks (0002) once per statement instead of once per row. The guarantees are
# the same, for a posting of one leg at a time as for a batch's thousands in one statement:
# - a leg is in its account's currency, is not added to a transaction whose header exists, and carries its
#   account's balance after it, chained to the account's previous entry (for the legs of one statement: the
#   previous leg of that statement, in id order);
# - a header's legs (at least two) sum to zero per currency, belong to accounts of the header's house, and
#   leave each account's running balance equal to its last entry.
# Statement-level AFTER triggers read the inserted rows from a transition table and check them in one set-based
# pass (a row trigger ran three look-ups per leg and four per header). They raise check_violation as before,
# so a refusal is still an IntegrityError and rolls the statement back. Append-only (UPDATE/DELETE) and the
# accounts' guard stay row triggers. SQLite has no statement triggers: its row triggers (0002) are unchanged.

PG_FUNCTIONS = """
CREATE FUNCTION settlement_entries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_entries n JOIN settlement_transactions t ON t.id = n.transaction_id) THEN
    RAISE EXCEPTION 'ledger: legs cannot be added to a posted transaction' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_entries n LEFT JOIN settlement_accounts a ON a.id = n.account_id
             WHERE a.currency IS DISTINCT FROM n.currency) THEN
    RAISE EXCEPTION 'ledger: a leg is in its account''s currency' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (
    SELECT 1 FROM (
      SELECT n.id, n.account_id, n.amount_fen, n.balance_after_fen,
             lag(n.balance_after_fen) OVER w AS previous_new, row_number() OVER w AS nth
        FROM new_entries n WINDOW w AS (PARTITION BY n.account_id ORDER BY n.id)
    ) x
    WHERE x.balance_after_fen <> x.amount_fen + CASE WHEN x.nth > 1 THEN x.previous_new ELSE COALESCE(
      (SELECT e.balance_after_fen FROM settlement_entries e
        WHERE e.account_id = x.account_id AND e.id < x.id ORDER BY e.id DESC LIMIT 1), 0) END
  ) THEN
    RAISE EXCEPTION 'ledger: balance_after does not follow the account''s previous entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION settlement_transactions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_transactions t
             WHERE (SELECT COUNT(*) FROM settlement_entries e WHERE e.transaction_id = t.id) < 2) THEN
    RAISE EXCEPTION 'ledger: a transaction has at least two legs' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_transactions t JOIN settlement_entries e ON e.transaction_id = t.id
             GROUP BY t.id, e.currency HAVING SUM(e.amount_fen) <> 0) THEN
    RAISE EXCEPTION 'ledger: legs do not sum to zero per currency' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM new_transactions t JOIN settlement_entries e ON e.transaction_id = t.id
             JOIN settlement_accounts a ON a.id = e.account_id WHERE a.house_org_id <> t.house_org_id) THEN
    RAISE EXCEPTION 'ledger: a leg posts to another house''s account' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM settlement_accounts a
             WHERE a.id IN (SELECT e.account_id FROM new_transactions t
                              JOIN settlement_entries e ON e.transaction_id = t.id)
               AND a.balance_fen <> (SELECT balance_after_fen FROM settlement_entries
                                      WHERE account_id = a.id ORDER BY id DESC LIMIT 1)) THEN
    RAISE EXCEPTION 'ledger: an account''s balance disagrees with its last entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
"""

POSTGRES = [
    PG_FUNCTIONS,
    "DROP TRIGGER settlement_entries_before_insert ON settlement_entries",
    "DROP TRIGGER settlement_transactions_balanced ON settlement_transactions",
    "DROP FUNCTION settlement_entry_before_insert()",
    "DROP FUNCTION settlement_transaction_balanced()",
    "CREATE TRIGGER settlement_entries_inserted AFTER INSERT ON settlement_entries "
    "REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION settlement_entries_inserted()",
    "CREATE TRIGGER settlement_transactions_inserted AFTER INSERT ON settlement_transactions "
    "REFERENCING NEW TABLE AS new_transactions FOR EACH STATEMENT EXECUTE FUNCTION settlement_transactions_inserted()",
]


async def forward(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    if conn.capabilities.dialect == "postgres":
        for sql in POSTGRES:
            await conn.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0011_payee_accounts")]

    initial = False

    operations = [ops.RunPython(forward)]
