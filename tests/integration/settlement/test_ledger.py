"""The ledger against a real database, on both profiles: postings, idempotency, floors, and the database's own
guards refusing raw SQL that breaks the invariants (unbalanced legs, orphan legs, edits, deletes, overdrafts)."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from marketplace.settings import Settings
from marketplace.settlement.domain.ledger import credit, debit
from marketplace.settlement.models import LedgerAccount, LedgerEntry, LedgerTransaction
from marketplace.settlement.services import ledger
from tests.conftest import PG_URL

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# Trigger refusals surface as IntegrityError; a deferred check failing at COMMIT comes straight from the driver.
REFUSED = (IntegrityError, OperationalError, TransactionManagementError, sqlite3.IntegrityError, asyncpg.PostgresError)
HOUSE = 41


def lodge(user: int, fen: int, cur: str = "CNY") -> list[Any]:
    return [debit("bank_clearing", "", fen, cur), credit("deposits_held", f"user:{user}/session:1", fen, cur)]


def apply_deposit(user: int, fen: int) -> list[Any]:
    # With nothing owed, the receivable would go into credit: its floor refuses (use buyer_credit for that).
    return [
        debit("deposits_held", f"user:{user}/session:1", fen, "CNY"),
        credit("buyer_receivable", f"user:{user}", fen, "CNY"),
    ]


async def post(key: str, legs: list[Any], house: int = HOUSE) -> ledger.Posted:
    return await ledger.retrying(lambda conn: ledger.post(conn, house, key, "test", legs, AT))


async def entries_sum(account_id: int) -> int:
    return sum(e.amount_fen for e in await LedgerEntry.filter(account_id=account_id))


async def assert_books_consistent() -> None:
    for acc in await LedgerAccount.all():
        entries = await LedgerEntry.filter(account_id=acc.id).order_by("id")
        assert acc.balance_fen == sum(e.amount_fen for e in entries)
        running = 0
        for e in entries:
            running += e.amount_fen
            assert e.balance_after_fen == running
        if acc.floor_zero:
            assert (acc.balance_fen >= 0) if acc.normal == "debit" else (acc.balance_fen <= 0)
    per_tx: dict[tuple[Any, str], int] = {}
    for e in await LedgerEntry.all():
        per_tx[(e.transaction_id, e.currency)] = per_tx.get((e.transaction_id, e.currency), 0) + e.amount_fen
    assert all(v == 0 for v in per_tx.values())
    assert {k[0] for k in per_tx} == {t.id for t in await LedgerTransaction.all()}


async def test_a_posting_moves_running_balances_and_a_retry_posts_nothing(database: Settings) -> None:
    first = await post("deposit:1", lodge(7, 50_000))
    again = await post("deposit:1", lodge(7, 50_000))
    assert not first.duplicate
    assert again.duplicate
    assert again.transaction.id == first.transaction.id
    assert await ledger.balance(HOUSE, "bank_clearing") == 50_000
    assert await ledger.balance(HOUSE, "deposits_held", "user:7/session:1") == 50_000
    assert await LedgerEntry.all().count() == 2
    await assert_books_consistent()


async def test_a_retry_in_another_order_is_a_no_op_but_the_key_reused_for_other_legs_is_refused(
    database: Settings,
) -> None:
    first = await post("deposit:1", lodge(7, 50_000))
    again = await post("deposit:1", list(reversed(lodge(7, 50_000))))  # the same legs, listed the other way
    assert again.duplicate
    assert again.transaction.id == first.transaction.id
    for other in (lodge(7, 40_000), lodge(8, 50_000), lodge(7, 50_000, "USD"),
                  [debit("stripe_clearing", "", 50_000, "CNY"), credit("deposits_held", "user:7/session:1", 50_000,
                                                                        "CNY")]):  # fmt: skip
        with pytest.raises(ledger.Refused) as reused:
            await post("deposit:1", other)
        assert reused.value.code == "business_key_reused"
    assert await LedgerTransaction.all().count() == 1
    assert await LedgerEntry.all().count() == 2
    assert await ledger.balance(HOUSE, "bank_clearing") == 50_000
    await assert_books_consistent()


async def test_the_code_refuses_unbalanced_legs_and_a_posting_below_a_floor(database: Settings) -> None:
    with pytest.raises(ledger.Refused) as unbalanced:
        await post("bad", [debit("bank_clearing", "", 100, "CNY"), credit("vat_payable", "", 99, "CNY")])
    assert unbalanced.value.code == "unbalanced"
    with pytest.raises(ledger.Refused) as mixed:  # zero in total, but not per currency
        await post("mixed", [debit("bank_clearing", "", 100, "CNY"), credit("vat_payable", "", 100, "USD")])
    assert mixed.value.code == "unbalanced"
    await post("deposit", lodge(7, 1_000))
    with pytest.raises(ledger.Refused) as floor:
        await post("apply", apply_deposit(7, 500))  # nothing is owed: the receivable may not go below zero
    assert floor.value.code == "insufficient_balance"
    with pytest.raises(ledger.Refused) as deposit_floor:
        await post("to_credit", legs_for("to_credit", 7, 1_001))  # more than the deposit held
    assert deposit_floor.value.code == "insufficient_balance"
    assert await LedgerTransaction.all().count() == 1
    await assert_books_consistent()


# --- the database's own guards (raw SQL, no code checks) -------------------------------------------


def _lit(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


async def raw_entry(conn: Any, tx: str, account: LedgerAccount, fen: int, after: int | None = None) -> None:
    values = [
        tx,
        account.id,
        fen,
        account.currency,
        account.balance_fen + fen if after is None else after,
        AT.isoformat(),
    ]
    await conn.execute_query(
        "INSERT INTO settlement_entries"
        " (transaction_id, account_id, amount_fen, currency, balance_after_fen, posted_at)"
        f" VALUES ({', '.join(_lit(v) for v in values)})"
    )


async def raw_header(conn: Any, tx: str, key: str) -> None:
    await conn.execute_query(
        "INSERT INTO settlement_transactions (id, house_org_id, business_key, kind, memo, posted_at, created_at)"
        f" VALUES ('{tx}', {HOUSE}, '{key}', 'raw', '', '{AT.isoformat()}', '{AT.isoformat()}')"
    )


async def raw_move(conn: Any, account: LedgerAccount, fen: int) -> None:
    await conn.execute_query(
        f"UPDATE settlement_accounts SET balance_fen = balance_fen + ({fen}), version = version + 1"
        f" WHERE id = {account.id}"
    )


async def two_accounts() -> tuple[LedgerAccount, LedgerAccount]:
    await post("seed", lodge(7, 10_000))
    bank = await LedgerAccount.get(code="bank_clearing")
    held = await LedgerAccount.get(code="deposits_held")
    return bank, held


async def test_the_database_refuses_unbalanced_legs(database: Settings) -> None:
    bank, held = await two_accounts()
    tx = str(uuid.uuid4())
    with pytest.raises(REFUSED, match="sum to zero"):
        async with in_transaction() as conn:
            await raw_move(conn, bank, 500)
            await raw_move(conn, held, -400)
            await raw_entry(conn, tx, bank, 500)
            await raw_entry(conn, tx, held, -400)
            await raw_header(conn, tx, "raw-unbalanced")
    assert await LedgerTransaction.filter(business_key="raw-unbalanced").count() == 0
    assert await LedgerEntry.filter(transaction_id=tx).count() == 0
    await assert_books_consistent()


async def test_the_database_accepts_balanced_raw_legs_and_checks_the_running_balance(database: Settings) -> None:
    bank, held = await two_accounts()
    tx = str(uuid.uuid4())
    async with in_transaction() as conn:
        await raw_move(conn, bank, 500)
        await raw_move(conn, held, -500)
        await raw_entry(conn, tx, bank, 500)
        await raw_entry(conn, tx, held, -500)
        await raw_header(conn, tx, "raw-balanced")
    await assert_books_consistent()
    # Legs whose balance_after does not follow the account's previous entry are refused.
    bank, held = await LedgerAccount.get(id=bank.id), await LedgerAccount.get(id=held.id)
    with pytest.raises(REFUSED, match="balance_after"):
        async with in_transaction() as conn:
            await raw_entry(conn, str(uuid.uuid4()), bank, 1, after=bank.balance_fen + 2)
    # Balanced legs that leave an account's stored balance behind are refused at the header.
    tx = str(uuid.uuid4())
    with pytest.raises(REFUSED, match="disagrees"):
        async with in_transaction() as conn:
            await raw_entry(conn, tx, bank, 7)
            await raw_entry(conn, tx, held, -7)
            await raw_header(conn, tx, "raw-stale-balance")


async def raw_entries(conn: Any, legs: list[tuple[str, LedgerAccount, int, int]]) -> None:
    """Several legs (transaction, account, fen, balance after) in ONE statement: a statement-level check sees them
    together."""
    rows = ", ".join(
        f"('{tx}', {acc.id}, {fen}, '{acc.currency}', {after}, '{AT.isoformat()}')" for tx, acc, fen, after in legs
    )
    await conn.execute_query(
        "INSERT INTO settlement_entries"
        f" (transaction_id, account_id, amount_fen, currency, balance_after_fen, posted_at) VALUES {rows}"
    )


async def raw_headers(conn: Any, headers: list[tuple[str, str]]) -> None:
    at = AT.isoformat()
    rows = ", ".join(f"('{tx}', {HOUSE}, '{key}', 'raw', '', '{at}', '{at}')" for tx, key in headers)
    await conn.execute_query(
        "INSERT INTO settlement_transactions (id, house_org_id, business_key, kind, memo, posted_at, created_at)"
        f" VALUES {rows}"
    )


async def test_the_database_checks_every_row_of_a_multi_row_insert(database: Settings) -> None:
    # The batch consumer writes thousands of legs and headers per statement: one unbalanced transaction among
    # balanced ones, or one leg whose balance does not follow the leg before it in the same statement, is refused.
    bank, held = await two_accounts()
    good, bad = str(uuid.uuid4()), str(uuid.uuid4())
    b, h = bank.balance_fen, held.balance_fen
    with pytest.raises(REFUSED, match="sum to zero"):
        async with in_transaction() as conn:
            await raw_move(conn, bank, 800)
            await raw_move(conn, held, -700)
            await raw_entries(
                conn,
                [(good, bank, 500, b + 500), (good, held, -500, h - 500),
                 (bad, bank, 300, b + 800), (bad, held, -200, h - 700)],
            )  # fmt: skip
            await raw_headers(conn, [(good, "raw-multi-good"), (bad, "raw-multi-bad")])
    assert await LedgerTransaction.filter(business_key__startswith="raw-multi").count() == 0
    assert await LedgerEntry.filter(transaction_id__in=[good, bad]).count() == 0
    # The second leg of an account in one statement chains to the first, not to the entry before the statement.
    with pytest.raises(REFUSED, match="balance_after"):
        async with in_transaction() as conn:
            await raw_entries(conn, [(good, bank, 500, b + 500), (bad, bank, 300, b + 300)])
    # Balanced, correctly chained legs of two transactions in one statement each are accepted.
    async with in_transaction() as conn:
        await raw_move(conn, bank, 800)
        await raw_move(conn, held, -800)
        await raw_entries(
            conn,
            [(good, bank, 500, b + 500), (good, held, -500, h - 500),
             (bad, bank, 300, b + 800), (bad, held, -300, h - 800)],
        )  # fmt: skip
        await raw_headers(conn, [(good, "raw-multi-good"), (bad, "raw-multi-ok")])
    await assert_books_consistent()


async def test_the_database_refuses_legs_without_a_header_at_commit(database: Settings) -> None:
    bank, held = await two_accounts()
    tx = str(uuid.uuid4())
    # SQLite: the deferred foreign key; PostgreSQL: the check deferred to commit that replaced it (0017).
    with pytest.raises(REFUSED, match="FOREIGN KEY|foreign key|without its transaction's header"):
        async with in_transaction() as conn:
            await raw_move(conn, bank, 500)
            await raw_move(conn, held, -500)
            await raw_entry(conn, tx, bank, 500)
            await raw_entry(conn, tx, held, -500)
    if conn.capabilities.dialect == "sqlite":
        # SQLite leaves a transaction whose COMMIT failed open, and Tortoise does not roll it back: end it here.
        await conn._connection.rollback()
    assert await LedgerEntry.filter(transaction_id=tx).count() == 0
    assert (await LedgerAccount.get(id=bank.id)).balance_fen == bank.balance_fen


async def test_the_commit_check_sees_each_statement_of_legs(database: Settings) -> None:
    """Legs written by two statements, the first one's header written and the second's not: refused at commit
    (PostgreSQL checks each statement's transactions once, deferred), and a posting that commits leaves nothing
    queued behind it."""
    bank, held = await two_accounts()
    headed, unheaded = str(uuid.uuid4()), str(uuid.uuid4())
    with pytest.raises(REFUSED, match="FOREIGN KEY|foreign key|without its transaction's header"):
        async with in_transaction() as conn:
            await raw_move(conn, bank, 700)
            await raw_move(conn, held, -700)
            await raw_entry(conn, headed, bank, 500)
            await raw_entry(conn, headed, held, -500, after=held.balance_fen - 500)
            await raw_entry(conn, unheaded, bank, 200, after=bank.balance_fen + 700)
            await raw_entry(conn, unheaded, held, -200, after=held.balance_fen - 700)
            await raw_header(conn, headed, "headed")
    if conn.capabilities.dialect == "sqlite":
        await conn._connection.rollback()
    assert await LedgerTransaction.filter(business_key="headed").count() == 0
    assert await LedgerEntry.filter(transaction_id__in=[headed, unheaded]).count() == 0
    await post("after", lodge(7, 300))
    if conn.capabilities.dialect == "postgres":
        _, rows = await connections.get("default").execute_query("SELECT COUNT(*) AS n FROM settlement_unheaded_legs")
        assert rows[0]["n"] == 0


async def test_the_database_refuses_a_leg_to_no_account(database: Settings) -> None:
    bank, _ = await two_accounts()
    tx = str(uuid.uuid4())
    # SQLite's row trigger runs before its foreign key and finds no account of that currency.
    with pytest.raises(REFUSED, match="FOREIGN KEY|foreign key|posts to no account|in its account's currency"):
        async with in_transaction() as conn:
            await conn.execute_query(
                "INSERT INTO settlement_entries"
                " (transaction_id, account_id, amount_fen, currency, balance_after_fen, posted_at)"
                f" VALUES ('{tx}', {bank.id + 10_000}, 5, 'CNY', 5, '{AT.isoformat()}')"
            )
    assert await LedgerEntry.filter(transaction_id=tx).count() == 0


async def test_the_database_refuses_a_leg_added_to_a_posted_transaction(database: Settings) -> None:
    bank, _ = await two_accounts()
    posted = await LedgerTransaction.get(business_key="seed")
    with pytest.raises(REFUSED, match="posted transaction"):
        async with in_transaction() as conn:
            await raw_move(conn, bank, 1)
            await raw_entry(conn, str(posted.id), bank, 1)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE settlement_entries SET amount_fen = amount_fen + 1",
        "UPDATE settlement_entries SET currency = 'USD'",
        "DELETE FROM settlement_entries",
        "UPDATE settlement_transactions SET business_key = 'other'",
        "DELETE FROM settlement_transactions",
        "DELETE FROM settlement_accounts",
        "UPDATE settlement_accounts SET code = 'vat_payable'",
    ],
)
async def test_the_database_refuses_edits_and_deletes(database: Settings, sql: str) -> None:
    await two_accounts()
    before = [(e.id, e.amount_fen, e.currency) for e in await LedgerEntry.all().order_by("id")]
    with pytest.raises(REFUSED):
        await connections.get("default").execute_query(sql)
    assert [(e.id, e.amount_fen, e.currency) for e in await LedgerEntry.all().order_by("id")] == before
    assert await LedgerTransaction.filter(business_key="seed").count() == 1


async def test_the_database_refuses_an_account_below_its_floor(database: Settings) -> None:
    _, held = await two_accounts()
    with pytest.raises(REFUSED, match="floor"):
        await connections.get("default").execute_query(
            f"UPDATE settlement_accounts SET balance_fen = 1 WHERE id = {held.id}"  # a credit account in debit
        )
    assert (await LedgerAccount.get(id=held.id)).balance_fen == -10_000


# --- properties -------------------------------------------------------------------------------------

ops = st.lists(
    st.tuples(
        st.sampled_from(["lodge", "to_credit", "refund_credit"]),
        st.integers(1, 3),
        st.integers(1, 5_000),
        st.integers(0, 6),
    ),
    min_size=1,
    max_size=12,
)
MOVES = {  # kind -> (from account, to account): the amount leaves the first's natural balance for the second's
    "lodge": ("bank_clearing", "deposits_held"),
    "to_credit": ("deposits_held", "buyer_credit"),
    "refund_credit": ("buyer_credit", "bank_clearing"),
}


def legs_for(kind: str, user: int, fen: int) -> list[Any]:
    party = {"deposits_held": f"user:{user}/session:1", "buyer_credit": f"user:{user}", "bank_clearing": ""}
    src, dst = MOVES[kind]
    if kind == "lodge":
        return lodge(user, fen)
    if kind == "to_credit":
        return [debit(src, party[src], fen, "CNY"), credit(dst, party[dst], fen, "CNY")]
    return [debit(src, party[src], fen, "CNY"), credit(dst, party[dst], fen, "CNY")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
async def test_property_any_sequence_of_postings_keeps_the_books_consistent(database: Settings, steps: Any) -> None:
    """Random deposits, transfers to credit and refunds under reused business keys: each key posts at most once (the
    same legs again are a no-op, other legs under it are refused), a posting beyond a floor is refused whole,
    balances follow a plain model, and every invariant holds."""
    house = int(uuid.uuid4().int % 1_000_000) + 1_000  # a fresh house per example: the database is shared
    model: dict[tuple[str, int], int] = {}
    seen: dict[str, int] = {}  # key -> the fen posted under it
    for kind, user, fen, key_no in steps:
        key = f"{kind}:{user}:{key_no}"
        src, dst = MOVES[kind]
        floor_src = (src, user) if src != "bank_clearing" else None
        try:
            result = await post(key, legs_for(kind, user, fen), house)
        except ledger.Refused as exc:
            refusal = exc.code
            if key in seen:
                assert refusal == "business_key_reused"
                assert seen[key] != fen
                continue
            assert refusal == "insufficient_balance"
            assert floor_src is not None
            assert model.get(floor_src, 0) < fen
            continue
        if key in seen:
            assert result.duplicate
            assert seen[key] == fen
            continue
        seen[key] = fen
        assert not result.duplicate
        if floor_src is not None:
            assert model.get(floor_src, 0) >= fen
            model[floor_src] = model.get(floor_src, 0) - fen
        if dst != "bank_clearing":
            model[(dst, user)] = model.get((dst, user), 0) + fen
        for (code, u), fen_held in model.items():
            party = f"user:{u}/session:1" if code == "deposits_held" else f"user:{u}"
            assert await ledger.balance(house, code, party) == fen_held
    await assert_books_consistent()


# --- concurrency (PostgreSQL: SQLite runs one writer at a time) ------------------------------------------


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_two_postings_with_one_business_key_at_once_post_once(database: Settings) -> None:
    for round_ in range(5):
        results = await asyncio.gather(*(post(f"race:{round_}", lodge(9, 1_000)) for _ in range(6)))
        assert sum(not r.duplicate for r in results) == 1
        assert len({r.transaction.id for r in results}) == 1
    assert await ledger.balance(HOUSE, "deposits_held", "user:9/session:1") == 5_000
    assert await LedgerTransaction.filter(business_key__startswith="race:").count() == 5
    await assert_books_consistent()


@pytest.mark.skipif(not PG_URL, reason="concurrency is proven on PostgreSQL (DATABASE_URL)")
async def test_concurrent_postings_never_spend_a_floor_account_twice(database: Settings) -> None:
    await post("lodge", lodge(5, 1_000))
    outcomes = await asyncio.gather(
        *(post(f"apply:{i}", legs_for("to_credit", 5, 600)) for i in range(8)), return_exceptions=True
    )
    ok = [o for o in outcomes if isinstance(o, ledger.Posted)]
    refused = [o for o in outcomes if isinstance(o, ledger.Refused)]
    assert len(ok) == 1, outcomes
    assert len(refused) == 7, outcomes
    assert await ledger.balance(HOUSE, "deposits_held", "user:5/session:1") == 400
    await assert_books_consistent()


@pytest.mark.skipif(not PG_URL, reason="a deadlock needs PostgreSQL's row locks (DATABASE_URL)")
async def test_a_deadlock_the_server_breaks_is_run_again(database: Settings) -> None:
    # Two transactions lock two accounts in opposite orders; PostgreSQL aborts one (40P01) and `retrying` runs it
    # again instead of letting a driver error out (it became a 500 at a payment's call site).
    await post("lodge:1", lodge(1, 100))
    await post("lodge:2", lodge(2, 100))
    first = await LedgerAccount.get(party="user:1/session:1")
    second = await LedgerAccount.get(party="user:2/session:1")
    both_hold_one = asyncio.Barrier(2)
    attempts: list[str] = []

    def locking(name: str, a: int, b: int) -> Any:
        async def work(conn: Any) -> str:
            attempts.append(name)
            await conn.execute_query("SELECT id FROM settlement_accounts WHERE id = $1 FOR UPDATE", [a])
            if attempts.count(name) == 1:
                await both_hold_one.wait()
            await conn.execute_query("SELECT id FROM settlement_accounts WHERE id = $1 FOR UPDATE", [b])
            return name

        return work

    done = await asyncio.gather(
        ledger.retrying(locking("a", first.id, second.id)), ledger.retrying(locking("b", second.id, first.id))
    )
    assert sorted(done) == ["a", "b"]
    assert len(attempts) == 3  # one of the two ran twice
