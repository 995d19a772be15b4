"""Posting to a house's books: one balanced transaction per business event, at most once.

`post` runs inside the caller's transaction (the state change that caused it). It checks the legs
(domain.ledger), opens missing accounts, moves each account's running balance by compare-and-set on its
version (a concurrent posting to the same account makes one of them retry: `retrying`), refuses a balance
below an account's floor, writes the legs and then the header, whose unique business key makes a retried
posting a no-op. The database checks the same invariants again (migrations/0002).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from marketplace import bulk
from marketplace.settlement.domain import ledger as rules
from marketplace.settlement.domain.ledger import Leg
from marketplace.settlement.models import LedgerAccount, LedgerEntry, LedgerTransaction

T = TypeVar("T")
ATTEMPTS = 20
ENTRY_FIELDS = ("transaction_id", "account_id", "amount_fen", "currency", "balance_after_fen", "posted_at")


class Contended(Exception):
    """An account moved under us (compare-and-set lost): the whole transaction is tried again."""


class Refused(Exception):
    """The posting breaks a ledger rule (unbalanced, a floor); nothing was written."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Posted:
    transaction: LedgerTransaction
    duplicate: bool  # the business key had been posted already: nothing was written now


# PostgreSQL's serialization failure and deadlock: the server rolled the transaction back, and running it again is
# the documented answer. Tortoise passes these through untranslated (asyncpg's TransactionRollbackError).
_RETRYABLE_STATES = frozenset({"40001", "40P01"})


def _rolled_back_by_server(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in _RETRYABLE_STATES:
            return True
        seen = seen.__cause__
    return False


async def retrying(work: Callable[[BaseDBAsyncClient], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Run `work` in a transaction of its own, again after a lost compare-and-set, a unique-key race (another
    transaction committed the same business key, account or invoice number first) or a deadlock the server broke."""
    for attempt in range(attempts):
        try:
            async with in_transaction() as conn:
                return await work(conn)
        except (Contended, IntegrityError):
            if attempt == attempts - 1:
                raise
        except Exception as exc:
            if not _rolled_back_by_server(exc) or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


async def account(
    conn: BaseDBAsyncClient, house_org_id: int, code: str, party: str, currency: str, *, create: bool = True
) -> LedgerAccount | None:
    found = (
        await LedgerAccount.filter(house_org_id=house_org_id, code=code, party=party, currency=currency)
        .using_db(conn)
        .first()
    )
    if found is not None or not create:
        return found
    t = rules.account_type(code)
    return await LedgerAccount.create(
        house_org_id=house_org_id,
        code=code,
        party=party,
        currency=currency,
        normal=t.normal,
        floor_zero=t.floor_zero,
        using_db=conn,
    )


async def balance(house_org_id: int, code: str, party: str = "", currency: str = "CNY") -> int:
    """An account's natural balance (what it holds on its own side), from its running total: one column of one row
    read by its unique key (no model built: the read's cost is the query's)."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        f"SELECT balance_fen FROM settlement_accounts WHERE house_org_id = {bulk.mark(conn, 1)}"
        f" AND code = {bulk.mark(conn, 2)} AND party = {bulk.mark(conn, 3)} AND currency = {bulk.mark(conn, 4)}",
        [house_org_id, code, party, currency],
    )
    return 0 if not rows else rules.natural(rules.account_type(code), int(rows[0]["balance_fen"]))


async def is_posted(conn: BaseDBAsyncClient, house_org_id: int, business_key: str) -> bool:
    return await LedgerTransaction.filter(house_org_id=house_org_id, business_key=business_key).using_db(conn).exists()


def _net(rows: list[tuple[str, str, str, int]]) -> dict[tuple[str, str, str], int]:
    # Per account and currency, order-insensitive: a leg split in two or merged moves the account the same way.
    out: dict[tuple[str, str, str], int] = {}
    for code, party, currency, fen in rows:
        out[(code, party, currency)] = out.get((code, party, currency), 0) + fen
    return {k: v for k, v in out.items() if v}


async def _same_legs(conn: BaseDBAsyncClient, existing: LedgerTransaction, legs: list[Leg]) -> bool:
    """Whether `legs` are what `existing` posted: read only when the key is there already (a retry, rare)."""
    stored = (
        await LedgerEntry.filter(transaction_id=existing.id)
        .using_db(conn)
        .values_list("account__code", "account__party", "currency", "amount_fen")
    )
    return _net([(str(c), str(p), str(cur), int(f)) for c, p, cur, f in stored]) == _net(
        [(leg.code, leg.party, leg.currency, leg.amount_fen) for leg in legs]
    )


async def post(
    conn: BaseDBAsyncClient,
    house_org_id: int,
    business_key: str,
    kind: str,
    legs: list[Leg],
    at: datetime,
    memo: str = "",
) -> Posted:
    existing = (
        await LedgerTransaction.filter(house_org_id=house_org_id, business_key=business_key).using_db(conn).first()
    )
    if existing is not None:
        # A retry posts the same legs and is a no-op; the key reused for other legs (another amount, account or
        # currency) is a bug in the caller or a forged key, and posting nothing while answering "done" would hide it.
        if not await _same_legs(conn, existing, legs):
            raise Refused(f"business key {business_key} was posted with other legs", "business_key_reused")
        return Posted(existing, duplicate=True)
    try:
        rules.check_balanced(legs)
    except rules.LedgerError as exc:
        raise Refused(str(exc), exc.code) from None
    accounts: dict[tuple[str, str, str], LedgerAccount] = {}
    for leg in legs:
        key = (leg.code, leg.party, leg.currency)
        if key not in accounts:
            found = await account(conn, house_org_id, *key)
            assert found is not None
            accounts[key] = found
    # Accounts in id order, so two postings touching the same accounts lock them in the same order (the UPDATE
    # takes the row lock on PostgreSQL; the second waits, then finds the version moved and retries).
    moves: dict[int, int] = {}
    for leg in legs:
        acc = accounts[(leg.code, leg.party, leg.currency)]
        moves[acc.id] = moves.get(acc.id, 0) + leg.amount_fen
    by_id = {a.id: a for a in accounts.values()}
    for acc_id in sorted(moves):
        acc = by_id[acc_id]
        after = acc.balance_fen + moves[acc_id]
        if rules.refuses(rules.account_type(acc.code), after):
            raise Refused(f"{acc.code} {acc.party} would fall below zero", "insufficient_balance")
        updated = (
            await LedgerAccount.filter(id=acc.id, version=acc.version)
            .using_db(conn)
            .update(balance_fen=after, version=acc.version + 1)
        )
        if updated != 1:
            raise Contended()
    tx_id = uuid.uuid4()
    running = {a.id: a.balance_fen for a in by_id.values()}
    entries = []
    for leg in legs:
        acc = accounts[(leg.code, leg.party, leg.currency)]
        running[acc.id] += leg.amount_fen
        entries.append((tx_id, acc.id, leg.amount_fen, leg.currency, running[acc.id], at))
    # The legs in one statement, in leg order: the database's insert checks run once for the posting (on
    # PostgreSQL a statement's checks, the commit check of 0017 included, cost the same for one leg as for many).
    await bulk.insert(conn, LedgerEntry, ENTRY_FIELDS, entries)
    for acc in by_id.values():
        acc.balance_fen = running[acc.id]
        acc.version += 1
    tx = await LedgerTransaction.create(
        id=tx_id, house_org_id=house_org_id, business_key=business_key, kind=kind, memo=memo[:200], posted_at=at,
        using_db=conn,
    )  # fmt: skip
    return Posted(tx, duplicate=False)
