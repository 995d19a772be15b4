"""Many postings to one house's books in one transaction, each account moved once (the batch consumer's ledger).

The same rules as `ledger.post`, applied posting by posting in memory: the legs balanced (domain.ledger), a
business key posted before (or earlier in the batch) posts nothing, each account's running balance moved leg by
leg and refused below its floor at every step. `flush` then writes what the database's guards (migrations 0002,
0012) expect, in their order: every leg (one bulk insert, in posting order, so each carries the balance after the
one before it), the accounts' final balances by one compare-and-set statement on their versions (a concurrent
posting makes the whole batch lose: `Contended`), then every header (one bulk insert; the insert check verifies
each balances).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace import bulk
from marketplace.settlement.domain import ledger as rules
from marketplace.settlement.domain.ledger import Leg
from marketplace.settlement.models import LedgerAccount, LedgerEntry, LedgerTransaction
from marketplace.settlement.services.ledger import ENTRY_FIELDS, Contended, Refused

Key = tuple[str, str, str]  # code, party, currency
HEADER_FIELDS = ("id", "house_org_id", "business_key", "kind", "memo", "posted_at")


def _new_account(house_org_id: int, code: str, party: str, currency: str) -> LedgerAccount:
    t = rules.account_type(code)
    return LedgerAccount(house_org_id=house_org_id, code=code, party=party, currency=currency, normal=t.normal,
                         floor_zero=t.floor_zero)  # fmt: skip


@dataclass
class Pending:
    business_key: str
    kind: str
    legs: list[Leg]
    at: datetime
    memo: str
    account_ids: list[int] = field(default_factory=list)  # each leg's account, in leg order
    id: uuid.UUID = field(default_factory=uuid.uuid4)


class Books:
    """One house's accounts, loaded once, moved in memory by `post`, written by `flush`."""

    def __init__(self, conn: BaseDBAsyncClient, house_org_id: int) -> None:
        self._conn = conn
        self.house_org_id = house_org_id
        self._accounts: dict[Key, LedgerAccount] = {}
        self._running: dict[int, int] = {}
        self._by_id: dict[int, LedgerAccount] = {}
        self._posted: set[str] = set()
        self._pending: list[Pending] = []

    async def open(self, keys: set[Key], business_keys: set[str]) -> None:
        """Load (opening the missing ones) the accounts the batch will move, and which of `business_keys` are
        posted already: three statements whatever the batch's size."""
        want = keys - set(self._accounts)
        if want:
            await self._load(want)
            missing = want - set(self._accounts)
            if missing:
                await LedgerAccount.bulk_create(
                    [_new_account(self.house_org_id, *key) for key in sorted(missing)], using_db=self._conn
                )
                await self._load(missing)
            assert want <= set(self._accounts)
        if business_keys:
            conn = self._conn
            _, found = await conn.execute_query(
                f"SELECT business_key FROM settlement_transactions WHERE house_org_id = {bulk.mark(conn, 1)}"
                f" AND business_key {bulk.one_of(conn, 2)}",
                [self.house_org_id, bulk.listed(conn, sorted(business_keys))],
            )
            self._posted.update(str(r["business_key"]) for r in found)

    async def _load(self, keys: set[Key]) -> None:
        rows = await LedgerAccount.filter(
            house_org_id=self.house_org_id,
            code__in=sorted({k[0] for k in keys}),
            party__in=sorted({k[1] for k in keys}),
            currency__in=sorted({k[2] for k in keys}),
        ).using_db(self._conn)
        for row in rows:
            key = (row.code, row.party, row.currency)
            if key in keys:
                self._accounts[key] = row
                self._by_id[row.id] = row
                self._running[row.id] = row.balance_fen

    def posted(self, business_key: str) -> bool:
        return business_key in self._posted

    def balance(self, code: str, party: str, currency: str) -> int:
        """The account's running balance (debit positive) after the postings made so far in this batch."""
        return self._running[self._accounts[(code, party, currency)].id]

    def post(self, business_key: str, kind: str, legs: list[Leg], at: datetime, memo: str = "") -> Pending | None:
        """Post in memory; None if the key was posted already. Refused leaves the books as they were."""
        if business_key in self._posted:
            return None
        try:
            rules.check_balanced(legs)
        except rules.LedgerError as exc:
            raise Refused(str(exc), exc.code) from None
        accounts, running = self._accounts, self._running
        ids = [accounts[(leg.code, leg.party, leg.currency)].id for leg in legs]
        moves: dict[int, int] = {}
        for acc_id, leg in zip(ids, legs, strict=True):
            moves[acc_id] = moves.get(acc_id, 0) + leg.amount_fen
        # Each account once, with the posting's whole move on it (in the order of its first leg): the same
        # verdict as checking every leg against its account's move.
        for acc_id, fen in moves.items():
            acc = self._by_id[acc_id]
            if rules.refuses(rules.account_type(acc.code), running[acc_id] + fen):
                raise Refused(f"{acc.code} {acc.party} would fall below zero", "insufficient_balance")
        for acc_id, fen in moves.items():
            running[acc_id] += fen
        self._posted.add(business_key)
        pending = Pending(business_key, kind, legs, at, memo[:200], ids)
        self._pending.append(pending)
        return pending

    async def flush(self, pipe: bulk.Pipeline | None = None) -> int:
        """Write the batch's legs, balances and headers (through `pipe`, if given: sent, not waited for); returns
        how many transactions were written."""
        if not self._pending:
            return 0
        if pipe is None:
            async with bulk.Pipeline(self._conn) as own:
                return await self.flush(own)
        entries: list[tuple[uuid.UUID | str, int, int, str, int, datetime]] = []
        after = {acc.id: acc.balance_fen for acc in self._accounts.values()}
        # The transaction's id as the driver binds it, made once per posting rather than once per leg.
        bound = bulk.bound_uuid(self._conn)
        ids = [bound(p.id) for p in self._pending]
        for p, tx_id in zip(self._pending, ids, strict=True):
            at = p.at
            for leg, acc_id in zip(p.legs, p.account_ids, strict=True):
                balance = after[acc_id] = after[acc_id] + leg.amount_fen
                entries.append((tx_id, acc_id, leg.amount_fen, leg.currency, balance, at))
        # In posting order: the chain's order. Thousands of narrow rows: COPY on PostgreSQL.
        await pipe.send(bulk.insert(self._conn, LedgerEntry, ENTRY_FIELDS, entries, copy=True))
        moved = sorted({e[1] for e in entries})
        await pipe.send(self._move(moved, after))
        headers = [
            (tx_id, self.house_org_id, p.business_key, p.kind, p.memo, p.at)
            for p, tx_id in zip(self._pending, ids, strict=True)
        ]
        await pipe.send(bulk.insert(self._conn, LedgerTransaction, HEADER_FIELDS, headers))
        written, self._pending = len(self._pending), []
        return written

    async def _move(self, moved: list[int], after: dict[int, int]) -> None:
        """Each moved account to its final balance, by compare-and-set on its version, in one statement: a row
        count short of the accounts means another posting moved one first (`Contended`: the batch is retried).
        Accounts are locked in id order, so two writers touching the same accounts take them in the same order."""
        by_id = {acc.id: acc for acc in self._accounts.values()}
        conn = self._conn
        params: list[int] = []
        for acc_id in moved:
            params += [acc_id, by_id[acc_id].version, after[acc_id]]
        if conn.capabilities.dialect == "postgres":
            rows = ", ".join(f"(${3 * i + 1}::int, ${3 * i + 2}::int, ${3 * i + 3}::bigint)" for i in range(len(moved)))
            # The UPDATE locks rows in whatever order its join yields: lock them in id order first.
            await conn.execute_query(
                "SELECT 1 FROM settlement_accounts WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE", [moved]
            )
            values = f"(VALUES {rows}) AS v(id, version, balance)"
        else:  # SQLite (one writer at a time) names a VALUES list's columns column1, column2, …
            rows = ", ".join("(?, ?, ?)" for _ in moved)
            values = f"(SELECT column1 AS id, column2 AS version, column3 AS balance FROM (VALUES {rows})) AS v"
        updated, _ = await conn.execute_query(
            "UPDATE settlement_accounts SET balance_fen = v.balance, version = settlement_accounts.version + 1"
            f" FROM {values} WHERE settlement_accounts.id = v.id AND settlement_accounts.version = v.version",
            params,
        )
        if updated != len(moved):
            raise Contended()
        for acc_id in moved:
            acc = by_id[acc_id]
            acc.balance_fen, acc.version = after[acc_id], acc.version + 1
