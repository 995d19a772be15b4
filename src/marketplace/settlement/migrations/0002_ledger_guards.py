from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

# The ledger's invariants, held by the database as well as by the code (DESIGN.md, "The ledger"):
# - entries and transactions are append-only: UPDATE and DELETE are refused;
# - a transaction's legs are written first, its header last; inserting the header checks that the legs
#   (at least two) sum to zero per currency, belong to accounts of the header's house, and leave each
#   account's running balance equal to its last entry; legs cannot be added once the header exists;
#   and a leg whose header never comes is refused at commit by a foreign key deferred to commit (the
#   equivalent of a deferred constraint trigger, on SQLite too, which has no deferred triggers);
# - each leg is in its account's currency and carries that account's balance after it, chained to the
#   account's previous entry;
# - an account with a zero floor refuses a balance below zero on its natural side; an account's identity
#   (house, code, party, currency, side, floor) never changes and accounts are never deleted.
# Written as SQL per dialect: SQLite triggers RAISE(ABORT), PostgreSQL triggers raise check_violation, so
# both surface as IntegrityError.

MSG_APPEND_ONLY = "ledger: entries and transactions are append-only"

SQLITE = [
    'CREATE INDEX "settlement_entries_account_seq" ON "settlement_entries" ("account_id", "id")',
    *[
        f"""CREATE TRIGGER "{table}_no_{op.lower()}" BEFORE {op} ON "{table}"
            BEGIN SELECT RAISE(ABORT, '{MSG_APPEND_ONLY}'); END"""
        for table in ("settlement_entries", "settlement_transactions")
        for op in ("UPDATE", "DELETE")
    ],
    """CREATE TRIGGER "settlement_entries_before_insert" BEFORE INSERT ON "settlement_entries"
       BEGIN
         SELECT RAISE(ABORT, 'ledger: legs cannot be added to a posted transaction')
          WHERE EXISTS (SELECT 1 FROM settlement_transactions WHERE id = NEW.transaction_id);
         SELECT RAISE(ABORT, 'ledger: a leg moves a non-zero amount') WHERE NEW.amount_fen = 0;
         SELECT RAISE(ABORT, 'ledger: a leg is in its account''s currency')
          WHERE NOT EXISTS (SELECT 1 FROM settlement_accounts WHERE id = NEW.account_id AND currency = NEW.currency);
         SELECT RAISE(ABORT, 'ledger: balance_after does not follow the account''s previous entry')
          WHERE NEW.balance_after_fen <> NEW.amount_fen + COALESCE(
            (SELECT balance_after_fen FROM settlement_entries WHERE account_id = NEW.account_id ORDER BY id DESC LIMIT 1), 0);
       END""",
    """CREATE TRIGGER "settlement_transactions_balanced" AFTER INSERT ON "settlement_transactions"
       BEGIN
         SELECT RAISE(ABORT, 'ledger: a transaction has at least two legs')
          WHERE (SELECT COUNT(*) FROM settlement_entries WHERE transaction_id = NEW.id) < 2;
         SELECT RAISE(ABORT, 'ledger: legs do not sum to zero per currency')
          WHERE EXISTS (SELECT 1 FROM settlement_entries WHERE transaction_id = NEW.id
                        GROUP BY currency HAVING SUM(amount_fen) <> 0);
         SELECT RAISE(ABORT, 'ledger: a leg posts to another house''s account')
          WHERE EXISTS (SELECT 1 FROM settlement_entries e JOIN settlement_accounts a ON a.id = e.account_id
                        WHERE e.transaction_id = NEW.id AND a.house_org_id <> NEW.house_org_id);
         SELECT RAISE(ABORT, 'ledger: an account''s balance disagrees with its last entry')
          WHERE EXISTS (SELECT 1 FROM settlement_entries e JOIN settlement_accounts a ON a.id = e.account_id
                        WHERE e.transaction_id = NEW.id AND a.balance_fen <> (
                          SELECT balance_after_fen FROM settlement_entries
                           WHERE account_id = a.id ORDER BY id DESC LIMIT 1));
       END""",
    """CREATE TRIGGER "settlement_accounts_new" BEFORE INSERT ON "settlement_accounts"
       WHEN NEW.balance_fen <> 0 OR NEW.version <> 0
       BEGIN SELECT RAISE(ABORT, 'ledger: an account opens at zero'); END""",
    """CREATE TRIGGER "settlement_accounts_guard" BEFORE UPDATE ON "settlement_accounts"
       BEGIN
         SELECT RAISE(ABORT, 'ledger: an account''s identity never changes')
          WHERE NEW.house_org_id <> OLD.house_org_id OR NEW.code <> OLD.code OR NEW.party <> OLD.party
             OR NEW.currency <> OLD.currency OR NEW.normal <> OLD.normal OR NEW.floor_zero <> OLD.floor_zero;
         SELECT RAISE(ABORT, 'ledger: the posting would take the account below its floor')
          WHERE NEW.floor_zero AND ((NEW.normal = 'debit' AND NEW.balance_fen < 0)
                                    OR (NEW.normal = 'credit' AND NEW.balance_fen > 0));
       END""",
    """CREATE TRIGGER "settlement_accounts_no_delete" BEFORE DELETE ON "settlement_accounts"
       BEGIN SELECT RAISE(ABORT, 'ledger: accounts are never deleted'); END""",
]

PG_FUNCTIONS = """
CREATE FUNCTION settlement_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % is append-only (%)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'check_violation';
END $$;

CREATE FUNCTION settlement_entry_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM settlement_transactions WHERE id = NEW.transaction_id) THEN
    RAISE EXCEPTION 'ledger: legs cannot be added to a posted transaction' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM settlement_accounts WHERE id = NEW.account_id AND currency = NEW.currency) THEN
    RAISE EXCEPTION 'ledger: a leg is in its account''s currency' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.balance_after_fen <> NEW.amount_fen + COALESCE(
       (SELECT balance_after_fen FROM settlement_entries WHERE account_id = NEW.account_id ORDER BY id DESC LIMIT 1), 0)
  THEN
    RAISE EXCEPTION 'ledger: balance_after does not follow the account''s previous entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION settlement_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT COUNT(*) FROM settlement_entries WHERE transaction_id = NEW.id) < 2 THEN
    RAISE EXCEPTION 'ledger: a transaction has at least two legs' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM settlement_entries WHERE transaction_id = NEW.id
             GROUP BY currency HAVING SUM(amount_fen) <> 0) THEN
    RAISE EXCEPTION 'ledger: legs do not sum to zero per currency' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM settlement_entries e JOIN settlement_accounts a ON a.id = e.account_id
             WHERE e.transaction_id = NEW.id AND a.house_org_id <> NEW.house_org_id) THEN
    RAISE EXCEPTION 'ledger: a leg posts to another house''s account' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM settlement_entries e JOIN settlement_accounts a ON a.id = e.account_id
             WHERE e.transaction_id = NEW.id AND a.balance_fen <> (
               SELECT balance_after_fen FROM settlement_entries WHERE account_id = a.id ORDER BY id DESC LIMIT 1)) THEN
    RAISE EXCEPTION 'ledger: an account''s balance disagrees with its last entry' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION settlement_account_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger: accounts are never deleted' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.balance_fen <> 0 OR NEW.version <> 0 THEN
      RAISE EXCEPTION 'ledger: an account opens at zero' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.house_org_id, NEW.code, NEW.party, NEW.currency, NEW.normal, NEW.floor_zero)
     IS DISTINCT FROM (OLD.house_org_id, OLD.code, OLD.party, OLD.currency, OLD.normal, OLD.floor_zero) THEN
    RAISE EXCEPTION 'ledger: an account''s identity never changes' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.floor_zero AND ((NEW.normal = 'debit' AND NEW.balance_fen < 0) OR (NEW.normal = 'credit' AND NEW.balance_fen > 0)) THEN
    RAISE EXCEPTION 'ledger: the posting would take the account below its floor' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
"""

POSTGRES = [
    PG_FUNCTIONS,
    'CREATE INDEX "settlement_entries_account_seq" ON "settlement_entries" ("account_id", "id")',
    "ALTER TABLE settlement_entries ADD CONSTRAINT settlement_entries_nonzero CHECK (amount_fen <> 0)",
    "ALTER TABLE settlement_entries ADD CONSTRAINT settlement_entries_transaction_fk FOREIGN KEY (transaction_id) "
    "REFERENCES settlement_transactions (id) DEFERRABLE INITIALLY DEFERRED",
    "CREATE TRIGGER settlement_entries_append_only BEFORE UPDATE OR DELETE ON settlement_entries "
    "FOR EACH ROW EXECUTE FUNCTION settlement_refuse_change()",
    "CREATE TRIGGER settlement_transactions_append_only BEFORE UPDATE OR DELETE ON settlement_transactions "
    "FOR EACH ROW EXECUTE FUNCTION settlement_refuse_change()",
    "CREATE TRIGGER settlement_entries_before_insert BEFORE INSERT ON settlement_entries "
    "FOR EACH ROW EXECUTE FUNCTION settlement_entry_before_insert()",
    "CREATE TRIGGER settlement_transactions_balanced AFTER INSERT ON settlement_transactions "
    "FOR EACH ROW EXECUTE FUNCTION settlement_transaction_balanced()",
    "CREATE TRIGGER settlement_accounts_guard BEFORE INSERT OR UPDATE OR DELETE ON settlement_accounts "
    "FOR EACH ROW EXECUTE FUNCTION settlement_account_guard()",
]


async def _sqlite_defer_transaction_fk(conn: Any) -> None:
    # SQLite cannot add a constraint to a table: the (still empty) entries table is created again with the
    # deferred foreign key to its transaction, from the DDL that 0001 wrote.
    rows = await conn.execute_query_dict(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'settlement_entries' AND sql IS NOT NULL"
    )
    table = next(r["sql"] for r in rows if r["type"] == "table")
    indexes = [r["sql"] for r in rows if r["type"] == "index"]
    column = '"transaction_id" CHAR(36) NOT NULL,'
    assert column in table, table
    table = table.replace(
        column,
        '"transaction_id" CHAR(36) NOT NULL REFERENCES "settlement_transactions" ("id") DEFERRABLE INITIALLY DEFERRED,',
    )
    await conn.execute_script('DROP TABLE "settlement_entries"')
    await conn.execute_script(table)
    for sql in indexes:
        await conn.execute_script(sql)


async def forward(apps: Any, schema_editor: Any) -> None:
    conn = schema_editor.client
    if conn.capabilities.dialect == "sqlite":
        await _sqlite_defer_transaction_fk(conn)
        for sql in SQLITE:
            await conn.execute_script(sql)
    else:
        for sql in POSTGRES:
            await conn.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]

    initial = False

    operations = [ops.RunPython(forward)]
