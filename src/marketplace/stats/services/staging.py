"""Where the checked rows wait while the rest of the upload is checked: a staging table per fact table.

The real tables are written only once the whole upload is known good (or the submitter chose its good rows),
so a file with bad rows changes nothing; until then its checked rows go, as they come from the first pass, to
a temporary table of this import's own (no index, no constraint, nothing durable: SQLite's TEMP database,
PostgreSQL's TEMP table on a connection held for the import, filled with `COPY`). Then each stretch of
`MOVE` rows is one transaction: a count of what it creates and updates (a join with the stored rows under the
same keys), and one `INSERT … SELECT … ON CONFLICT (house_id, key) DO UPDATE` of the rows that are absent or
differ, all inside the database: equal rows are left alone, so importing the same file twice writes nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from marketplace.stats.services import upserts

MOVE = 50_000  # rows a transaction: SQLite's write lock is held a fraction of a second at a time


@dataclass(frozen=True)
class _Spec:
    table: str
    key: str
    values: tuple[str, ...]
    extra: tuple[tuple[str, str, str], ...]  # (column, SQLite literal, PostgreSQL literal): the ORM's defaults


SPECS = {
    "sessions": _Spec("stats_sessions", "session_key", upserts.SESSION_VALUES, (("source", "'import'", "'import'"),)),
    "sales": _Spec("stats_sales", "sale_key", upserts.SALE_VALUES,
                   (("undone", "0", "false"), ("source", "'import'", "'import'"), ("event_seq", "0", "0"))),
}  # fmt: skip
_PG_TYPES = {"n": "bigint", "hammer_fen": "bigint"}  # the rest is text
# Moments and days are staged as text on PostgreSQL too (`upserts`: cheaper to send and to COPY than datetimes)
# and converted once, set-wise, by the move.
STAGED_AS_TEXT = {"sold_at": "timestamptz", "held_on": "date"}


class Stage:
    """The import's staging tables and the statements that move them into the fact tables."""

    def __init__(self, pg: bool, raw: Any) -> None:
        self.pg, self.raw = pg, raw  # raw: the asyncpg connection held for the import (PostgreSQL)
        self.suffix = uuid.uuid4().hex[:12]
        self.ranges: dict[str, list[int]] = {}  # kind -> [first n, last n] staged

    def name(self, kind: str) -> str:
        return f"stats_stage_{kind}_{self.suffix}"

    def columns(self, kind: str) -> tuple[str, ...]:
        spec = SPECS[kind]
        return ("n", "house", spec.key, *spec.values)

    async def create(self) -> None:
        for kind in SPECS:
            if self.pg:
                # n is a key so that a stretch is found by an index range, not by scanning every staged row
                cols = ", ".join(f"{c} {_PG_TYPES.get(c, 'text')}" for c in self.columns(kind)) + ", PRIMARY KEY (n)"
                await self.raw.execute(f"CREATE TEMP TABLE {self.name(kind)} ({cols})")
            else:
                cols = ", ".join("n INTEGER PRIMARY KEY" if c == "n" else c for c in self.columns(kind))
                await connections.get("default").execute_script(f"CREATE TEMP TABLE {self.name(kind)} ({cols})")

    async def drop(self) -> None:
        for kind in SPECS:
            sql = f"DROP TABLE IF EXISTS {self.name(kind)}"
            await (self.raw.execute(sql) if self.pg else connections.get("default").execute_script(sql))

    async def add(self, kind: str, records: list[tuple[Any, ...]]) -> None:
        """Records are (n, house name, key, *values) in `columns(kind)` order, n increasing."""
        if not records:
            return
        span = self.ranges.setdefault(kind, [records[0][0], records[0][0]])
        span[1] = records[-1][0]
        if self.pg:
            await self.raw.copy_records_to_table(self.name(kind), records=records, columns=self.columns(kind))
        else:
            marks = ", ".join("?" for _ in self.columns(kind))
            await connections.get("default").execute_many(f"INSERT INTO {self.name(kind)} VALUES ({marks})", records)

    def _sql(self, kind: str) -> tuple[str, str]:
        """(count of created and updated rows, the upsert of the rows that change) for a stretch of staged rows."""
        spec, stage = SPECS[kind], self.name(kind)
        mark = "$" if self.pg else "?"  # numbered on both: the parameters' order differs from the text's

        def p(i: int) -> str:
            return f"{mark}{i}"

        same = " AND ".join(f"r.{c} = s.{c}" for c in spec.values)  # every value column is NOT NULL
        source = (f"FROM {stage} s JOIN stats_houses h ON h.name = s.house "
                  f"LEFT JOIN {spec.table} r ON r.house_id = h.id AND r.{spec.key} = s.{spec.key} "
                  f"WHERE s.n >= {p(1)} AND s.n <= {p(2)}")  # fmt: skip
        count = f"SELECT COUNT(*) - COUNT(r.id), COUNT(r.id) - COUNT(CASE WHEN {same} THEN 1 END) {source}"
        extra_cols = ", ".join(c for c, _, _ in spec.extra)
        extra_values = ", ".join(pg if self.pg else lite for _, lite, pg in spec.extra)
        names = ", ".join(("house_id", spec.key, *spec.values, extra_cols, "submission_id"))
        typed = [f"s.{c}::{STAGED_AS_TEXT[c]}" if self.pg and c in STAGED_AS_TEXT else f"s.{c}" for c in spec.values]
        picked = ", ".join(("h.id", f"s.{spec.key}", *typed, extra_values, p(3)))
        updates = ", ".join(f"{c} = excluded.{c}" for c in (*spec.values, "submission_id"))
        differs = " AND ".join(f"{spec.table}.{c} = excluded.{c}" for c in spec.values)
        # The stored row is not joined here (SQLite would first copy the whole SELECT aside, as it reads the table
        # it writes): an equal row is left alone by the conflict clause's WHERE instead.
        upsert = (f"INSERT INTO {spec.table} ({names}) SELECT {picked} FROM {stage} s "
                  f"JOIN stats_houses h ON h.name = s.house WHERE s.n >= {p(1)} AND s.n <= {p(2)} "
                  f"ON CONFLICT (house_id, {spec.key}) DO UPDATE SET {updates} WHERE NOT ({differs})")  # fmt: skip
        return count, upsert

    async def move(self, kind: str, submission: Callable[[], Awaitable[int]],
                   progress: Callable[[int], None]) -> tuple[int, int, int]:  # fmt: skip
        """(created, updated, unchanged) after moving the staged rows of `kind` into its fact table; the houses
        must exist. `submission()` gives the submission's id (on SQLite asked only when a stretch changes something)."""
        if kind not in self.ranges:
            return 0, 0, 0
        count, upsert = self._sql(kind)
        if self.pg:
            # Autovacuum never analyses a temporary table: without statistics the planner guesses its size.
            await self.raw.execute(f"ANALYZE {self.name(kind)}")
        first, last = self.ranges[kind]
        created = updated = unchanged = 0
        for lo in range(first, last + 1, MOVE):
            hi = min(lo + MOVE - 1, last)
            async with self._transaction() as run:
                if self.pg:
                    # PostgreSQL tells which rows the upsert inserted (xmax 0) and which it updated; an equal row
                    # is not returned. The submission is asked for first (dropped after if nothing changed).
                    written = await run(f"{upsert} RETURNING (xmax = 0)", [lo, hi, await submission()], fetch=True)
                    new = sum(1 for (inserted,) in written if inserted)
                    changed = len(written) - new
                else:
                    (new, changed), = await run(count, [lo, hi], fetch=True)  # fmt: skip
                    new, changed = int(new or 0), int(changed or 0)
                    if new or changed:
                        await run(upsert, [lo, hi, await submission()], fetch=False)
            staged = hi - lo + 1
            created, updated, unchanged = created + new, updated + changed, unchanged + staged - new - changed
            progress(hi - first + 1)
        if self.pg and created + updated >= MOVE:
            # A large import changes the table's statistics at once; autovacuum would notice within a minute or so,
            # but a release built meanwhile would be planned for the old table (a sort instead of a hash).
            await self.raw.execute(f"ANALYZE {SPECS[kind].table}")
        return created, updated, unchanged

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
        if self.pg:
            async with self.raw.transaction():

                async def run_pg(sql: str, args: list[Any], fetch: bool) -> Any:
                    return await (self.raw.fetch(sql, *args) if fetch else self.raw.execute(sql, *args))

                yield run_pg
        else:
            async with in_transaction() as conn:

                async def run_lite(sql: str, args: list[Any], fetch: bool) -> Any:
                    _, found = await conn.execute_query(sql, args)
                    return [tuple(r) for r in found] if fetch else None

                yield run_lite


@contextlib.asynccontextmanager
async def stage(pg: bool) -> AsyncIterator[Stage]:
    """The import's staging tables, dropped at the end (PostgreSQL: on a connection of its own for the import)."""
    if pg:
        async with connections.get("default").acquire_connection() as raw:
            staged = Stage(True, raw)
            await staged.create()
            try:
                yield staged
            finally:
                await staged.drop()
    else:
        staged = Stage(False, None)
        await staged.create()
        try:
            yield staged
        finally:
            await staged.drop()
