"""The import's write path: a batch of parsed rows becomes one lookup and one upsert statement.

A batch is compared with what is stored under the same keys (house, house's own id): rows that are absent are
created, rows whose values differ are updated (the latest file is the house's word), equal rows are left alone
and counted as unchanged, so importing the same file twice writes nothing. The writes are one
`INSERT … ON CONFLICT (house_id, key) DO UPDATE` per batch — an `executemany` on SQLite, a single statement over
`unnest` arrays on PostgreSQL (one round trip for a thousand rows) — inside the batch's transaction. The ORM is
bypassed only here, for speed; values are written in the representation the ORM itself writes and reads
(SQLite keeps moments as text and compares them as text, so the text must be exactly Tortoise's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.stats.domain.rows import SaleRow, SessionRow

SALE_VALUES = ("session_key", "sold_at", "hammer_fen", "make", "make_en", "energy", "seller_province",
               "seller_city", "buyer_province", "buyer_city", "transfer")  # fmt: skip
SESSION_VALUES = ("kind", "held_on")
_PG_TYPES = {"sold_at": "timestamptz", "hammer_fen": "bigint", "held_on": "date", "house_id": "int",
             "submission_id": "int", "undone": "bool", "event_seq": "int"}  # fmt: skip


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def _moment(pg: bool, value: datetime) -> Any:
    utc = value.astimezone(UTC)
    # Tortoise's sqlite3 adapter writes an aware datetime as `isoformat(" ")`: "2023-05-06 02:00:00+00:00"
    # (microseconds only when there are some); filters compare this text, so the same text is written here.
    return utc if pg else utc.isoformat(" ")


def _day(pg: bool, value: date) -> Any:
    return value if pg else value.isoformat()


def sale_values(pg: bool, row: SaleRow) -> tuple[Any, ...]:
    """A sale's stored values (`SALE_VALUES`) as the dialect's driver returns them, so they compare equal."""
    return (row.session_id, _moment(pg, row.sold_at), row.hammer_price_fen, row.make, row.make_en,
            row.energy_type, row.seller_province, row.seller_city, row.buyer_province, row.buyer_city,
            row.transfer)  # fmt: skip


def session_values(pg: bool, row: SessionRow) -> tuple[Any, ...]:
    return (row.kind, _day(pg, row.held_on))


class Table:
    """One fact table's lookup and upsert statements for the connection's dialect."""

    def __init__(self, conn: BaseDBAsyncClient, table: str, key: str, values: Sequence[str]) -> None:
        self.conn, self.table, self.key, self.values = conn, table, key, tuple(values)
        self.pg = is_postgres(conn)
        # Columns the ORM fills from model defaults (the database has none): an imported row is never undone,
        # and its source is "import" (platform facts come from events, services/platform.py).
        extra: tuple[str, ...] = ("undone", "source", "event_seq") if table == "stats_sales" else ("source",)
        self.columns = ("house_id", key, *self.values, *extra, "submission_id")
        updates = ", ".join(f"{c} = excluded.{c}" for c in (*self.values, "submission_id"))
        conflict = f"ON CONFLICT (house_id, {key}) DO UPDATE SET {updates}"
        names = ", ".join(self.columns)
        if self.pg:
            arrays = ", ".join(f"${i + 1}::{_PG_TYPES.get(c, 'text')}[]" for i, c in enumerate(self.columns))
            self.upsert = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}"
        else:
            marks = ", ".join("?" for _ in self.columns)
            self.upsert = f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}"
        self.extra: tuple[Any, ...] = (False, "import", 0) if table == "stats_sales" else ("import",)

    async def stored(self, house_id: int, keys: list[str]) -> dict[str, tuple[Any, ...]]:
        """The stored values of the house's rows among `keys`."""
        cols = ", ".join((self.key, *self.values))
        if self.pg:
            sql = f"SELECT {cols} FROM {self.table} WHERE house_id = $1 AND {self.key} = ANY($2::text[])"
            _, found = await self.conn.execute_query(sql, [house_id, keys])
        else:
            marks = ", ".join("?" for _ in keys)
            sql = f"SELECT {cols} FROM {self.table} WHERE house_id = ? AND {self.key} IN ({marks})"
            _, found = await self.conn.execute_query(sql, [house_id, *keys])
        return {str(r[0]): tuple(r[1:]) for r in found}

    async def has_rows(self, house_id: int) -> bool:
        sql = f"SELECT 1 FROM {self.table} WHERE house_id = {'$1' if self.pg else '?'} LIMIT 1"
        _, found = await self.conn.execute_query(sql, [house_id])
        return bool(found)

    async def classify(
        self, rows: list[tuple[int, str, tuple[Any, ...]]], new_houses: set[int]
    ) -> tuple[list[Any], int, int]:
        """(rows to write, created, updated) for (house_id, key, values) rows; the rest are unchanged. A house in
        `new_houses` had no rows in the table when the import began, and the file holds each key once, so its
        rows are new without a lookup (the upsert still settles a race with another import of the same house)."""
        by_house: dict[int, list[str]] = defaultdict(list)
        for house_id, key, _ in rows:
            if house_id not in new_houses:
                by_house[house_id].append(key)
        stored: dict[tuple[int, str], tuple[Any, ...]] = {}
        for house_id, keys in by_house.items():
            stored.update(((house_id, k), v) for k, v in (await self.stored(house_id, keys)).items())
        write, created, updated = [], 0, 0
        for house_id, key, values in rows:
            old = stored.get((house_id, key))
            if old is None:
                created += 1
            elif old == values:
                continue
            else:
                updated += 1
            write.append((house_id, key, values))
        return write, created, updated

    async def write(self, rows: list[tuple[int, str, tuple[Any, ...]]], submission_id: int) -> None:
        records = [[house_id, key, *values, *self.extra, submission_id] for house_id, key, values in rows]
        if not records:
            return
        if self.pg:
            await self.conn.execute_query(self.upsert, [list(column) for column in zip(*records, strict=True)])
        else:
            await self.conn.execute_many(self.upsert, records)
