from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL: the two foreign keys of the legs replaced by checks of the same guarantees, once per statement
# instead of once per leg (a settlement batch writes ~5,000 legs; the keys' per-row checks, the deferred one at
# commit, cost more than the legs' statement trigger itself):
# - a leg's account exists: the legs' statement trigger (0012) finds each leg's account as it checks the
#   currency, and now refuses a leg whose account does not exist with its own message. Accounts are never
#   deleted and never change identity (their guard, 0002), so a leg's account cannot go away later.
# - a leg's header exists at commit (legs are written first, the header after them, which checks that they
#   balance): the legs' statement trigger queues the statement's transaction ids as one row of
#   settlement_unheaded_legs, and a constraint trigger deferred to commit checks that row once — every id has
#   its header — then deletes it. The row is the transaction's own (never seen by another before commit) and a
#   rollback takes it away with the legs. Headers are never deleted (0002), so a leg cannot lose its header.
# Both refusals raise foreign_key_violation (an IntegrityError, as the keys' did). SQLite keeps its keys: it has
# no statement triggers and no deferred triggers, and its deferred key is how it refuses a leg without a header.

PG_FUNCTIONS = """
CREATE TABLE settlement_unheaded_legs (
  id bigserial PRIMARY KEY,
  transaction_ids uuid[] NOT NULL
);

CREATE FUNCTION settlement_legs_headed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(NEW.transaction_ids) AS t(id)
             WHERE NOT EXISTS (SELECT 1 FROM settlement_transactions h WHERE h.id = t.id)) THEN
    RAISE EXCEPTION 'ledger: a leg without its transaction''s header' USING ERRCODE = 'foreign_key_violation';
  END IF;
  DELETE FROM settlement_unheaded_legs WHERE id = NEW.id;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER settlement_unheaded_legs_check AFTER INSERT ON settlement_unheaded_legs
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settlement_legs_headed();

CREATE OR REPLACE FUNCTION settlement_entries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  no_account boolean;
  other_currency boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM new_entries n JOIN settlement_transactions t ON t.id = n.transaction_id) THEN
    RAISE EXCEPTION 'ledger: legs cannot be added to a posted transaction' USING ERRCODE = 'check_violation';
  END IF;
  SELECT bool_or(a.id IS NULL), bool_or(a.currency <> n.currency) INTO no_account, other_currency
    FROM new_entries n LEFT JOIN settlement_accounts a ON a.id = n.account_id;
  IF no_account THEN
    RAISE EXCEPTION 'ledger: a leg posts to no account' USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF other_currency THEN
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
  INSERT INTO settlement_unheaded_legs (transaction_ids)
    SELECT array_agg(DISTINCT transaction_id) FROM new_entries HAVING COUNT(*) > 0;
  RETURN NULL;
END $$;
"""

POSTGRES = [
    PG_FUNCTIONS,
    # The legs' two keys, to their header (0002) and to their account (0001), whatever their names.
    """DO $$
    DECLARE k record;
    BEGIN
      FOR k IN SELECT conname FROM pg_constraint WHERE conrelid = 'settlement_entries'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE settlement_entries DROP CONSTRAINT %I', k.conname);
      END LOOP;
    END $$""",
]


async def forward(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    if conn.capabilities.dialect == "postgres":
        for sql in POSTGRES:
            await conn.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0016_reference_keys")]

    initial = False

    operations = [ops.RunPython(forward)]
