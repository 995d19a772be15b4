"""Where the checked rows wait before they reach the fact tables: a staging table per fact table.

The checked rows go, as they come from the first pass, to a temporary table of this import's own (no index, no
constraint, nothing durable: SQLite's TEMP database, PostgreSQL's TEMP table on a connection held for the import,
filled with `COPY`), and from there into the fact tables by one `INSERT … SELECT … ON CONFLICT (house_id, key)
DO UPDATE … WHERE` the values differ, all inside the database: equal rows are left alone, so importing the same
file twice writes nothing. SQLite (`move`), once the whole upload is known good: each stretch of `MOVE` rows one
short transaction, counted first (a join with the stored rows under the same keys). PostgreSQL (`move_pending`),
inside the import's own transaction while the rest is checked (`imports`): every row staged so far, counted from
the upsert's `RETURNING`, then the staging table emptied.
"""

from __future__ import annotations

import contextlib
import io
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


@dataclass(frozen=True)
class CopyText:
    """A batch of records already written as PostgreSQL's COPY text (`copy_text`): the first pass's child process
    writes it, so the parent forwards bytes instead of unpickling tuples and encoding them again."""

    first: int  # n of the first record
    last: int  # n of the last
    rows: int
    data: bytes


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value: Any) -> str:
    return "\\N" if value is None else str(value).translate(_ESCAPE)


def copy_text(records: list[tuple[Any, ...]]) -> CopyText:
    """Records (n, house, key, *values) as COPY's text format, one line each (UTF-8). A batch with no character
    COPY escapes (backslash, tab, newline, carriage return) and no NULL is joined as it is; any other, field by
    field with the escapes."""
    width = len(records[0])
    text = "\n".join("\t".join(map(str, r)) for r in records)
    plain = (
        text.count("\t") == len(records) * (width - 1)
        and text.count("\n") == len(records) - 1
        and "\\" not in text
        and "\r" not in text
        and not any(None in r for r in records)
    )
    if not plain:
        text = "\n".join("\t".join(map(_field, r)) for r in records)
    return CopyText(records[0][0], records[-1][0], len(records), (text + "\n").encode())


class Stage:
    """The import's staging tables and the statements that move them into the fact tables."""

    def __init__(self, pg: bool, raw: Any) -> None:
        self.pg, self.raw = pg, raw  # raw: the asyncpg connection held for the import (PostgreSQL)
        self.suffix = uuid.uuid4().hex[:12]
        self.ranges: dict[str, list[int]] = {}  # kind -> [first n, last n] staged
        self.pending: dict[str, int] = {}  # PostgreSQL: kind -> rows staged and not moved yet

    def name(self, kind: str) -> str:
        return f"stats_stage_{kind}_{self.suffix}"

    def columns(self, kind: str) -> tuple[str, ...]:
        spec = SPECS[kind]
        return ("n", "house", spec.key, *spec.values)

    async def create(self) -> None:
        for kind in SPECS:
            if self.pg:
                # No key: the rows staged are moved all at once, then the table is emptied (`move_pending`).
                cols = ", ".join(f"{c} {_PG_TYPES.get(c, 'text')}" for c in self.columns(kind))
                await self.raw.execute(f"CREATE TEMP TABLE {self.name(kind)} ({cols})")
            else:
                cols = ", ".join("n INTEGER PRIMARY KEY" if c == "n" else c for c in self.columns(kind))
                await connections.get("default").execute_script(f"CREATE TEMP TABLE {self.name(kind)} ({cols})")

    async def drop(self) -> None:
        for kind in SPECS:
            sql = f"DROP TABLE IF EXISTS {self.name(kind)}"
            await (self.raw.execute(sql) if self.pg else connections.get("default").execute_script(sql))

    async def add(self, kind: str, records: list[tuple[Any, ...]] | CopyText) -> None:
        """Records are (n, house name, key, *values) in `columns(kind)` order, n increasing; on PostgreSQL they may
        come written as COPY text already (`copy_text`)."""
        if isinstance(records, CopyText):
            if not self.pg:
                raise TypeError("COPY text is staged on PostgreSQL only")
            if records.rows:
                self.ranges.setdefault(kind, [records.first, records.first])[1] = records.last
                await self.raw.copy_to_table(
                    self.name(kind), source=io.BytesIO(records.data), columns=self.columns(kind), format="text"
                )
                self.pending[kind] = self.pending.get(kind, 0) + records.rows
            return
        if not records:
            return
        span = self.ranges.setdefault(kind, [records[0][0], records[0][0]])
        span[1] = records[-1][0]
        if self.pg:
            await self.raw.copy_records_to_table(self.name(kind), records=records, columns=self.columns(kind))
            self.pending[kind] = self.pending.get(kind, 0) + len(records)
        else:
            marks = ", ".join("?" for _ in self.columns(kind))
            await connections.get("default").execute_many(f"INSERT INTO {self.name(kind)} VALUES ({marks})", records)

    def _sql(self, kind: str, ranged: bool = True) -> tuple[str, str]:
        """(count of created and updated rows, the upsert of the rows that change) for a stretch of staged rows
        (parameters: first n, last n, submission id), or (`ranged` false) for every staged row (submission id)."""
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
        picked = ", ".join(("h.id", f"s.{spec.key}", *typed, extra_values, p(3) if ranged else p(1)))
        updates = ", ".join(f"{c} = excluded.{c}" for c in (*spec.values, "submission_id"))
        differs = " AND ".join(f"{spec.table}.{c} = excluded.{c}" for c in spec.values)
        # The stored row is not joined here (SQLite would first copy the whole SELECT aside, as it reads the table
        # it writes): an equal row is left alone by the conflict clause's WHERE instead.
        stretch = f"WHERE s.n >= {p(1)} AND s.n <= {p(2)}" if ranged else ""
        upsert = (f"INSERT INTO {spec.table} ({names}) SELECT {picked} FROM {stage} s "
                  f"JOIN stats_houses h ON h.name = s.house {stretch} "
                  f"ON CONFLICT (house_id, {spec.key}) DO UPDATE SET {updates} WHERE NOT ({differs})")  # fmt: skip
        return count, upsert

    async def move(self, kind: str, submission: Callable[[], Awaitable[int]],
                   progress: Callable[[int], None]) -> tuple[int, int, int]:  # fmt: skip
        """SQLite: (created, updated, unchanged) after moving the staged rows of `kind` into its fact table, a
        stretch a transaction; the houses must exist. `submission()` gives the submission's id (asked only when a
        stretch changes something)."""
        if kind not in self.ranges:
            return 0, 0, 0
        count, upsert = self._sql(kind)
        first, last = self.ranges[kind]
        created = updated = unchanged = 0
        for lo in range(first, last + 1, MOVE):
            hi = min(lo + MOVE - 1, last)
            async with in_transaction() as conn:
                _, found = await conn.execute_query(count, [lo, hi])
                new, changed = (int(v or 0) for v in found[0])
                if new or changed:
                    await conn.execute_query(upsert, [lo, hi, await submission()])
            staged = hi - lo + 1
            created, updated, unchanged = created + new, updated + changed, unchanged + staged - new - changed
            progress(hi - first + 1)
        return created, updated, unchanged

    async def move_pending(self, kind: str, submission_id: int) -> tuple[int, int, int]:
        """PostgreSQL, inside the import's own transaction (`imports`): every row of `kind` staged so far moved into
        its fact table, then the staging table emptied. (created, updated, unchanged)."""
        staged = self.pending.pop(kind, 0)
        if not staged:
            return 0, 0, 0
        _, upsert = self._sql(kind, ranged=False)
        # An equal row is not returned; (xmax = 0) tells an inserted row from an updated one. Counted by the server.
        ((new, written),) = await self.raw.fetch(  # fmt: skip
            f"WITH w AS ({upsert} RETURNING (xmax = 0) AS new) SELECT count(*) FILTER (WHERE new), count(*) FROM w",
            submission_id,
        )
        await self.raw.execute(f"TRUNCATE {self.name(kind)}")
        return new, written - new, staged - written


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
