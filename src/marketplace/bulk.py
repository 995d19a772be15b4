"""Bulk writes of plain rows: one parameterised statement or a binary COPY (PostgreSQL), or `executemany` (SQLite), no
model objects.

Building a Tortoise model per row costs more than the database's work for the row (the settlement batch writes
~10,000 rows: most of its time went to `Model.__init__`). `insert` takes field names and tuples, fills what
Tortoise would fill (a field's default, `auto_now_add`) and converts each value as Tortoise does for that
dialect (`Field.to_db_value` for the types the driver does not take as they are), so the stored form is the
ORM's own and its reads see no difference.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from tortoise import Model, timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.fields import DatetimeField, Field, UUIDField

Convert = Callable[[Any], Any]
T = TypeVar("T")
# The Python types each driver binds as they are (Tortoise's executors' DB_NATIVE).
_NATIVE = {
    "sqlite": (bytes, str, int, float),
    "postgres": (bytes, str, int, float, bool, uuid.UUID),
}


def mark(conn: BaseDBAsyncClient, n: int) -> str:
    """The n-th (from 1) parameter's placeholder."""
    return f"${n}" if conn.capabilities.dialect == "postgres" else "?"


def marks(conn: BaseDBAsyncClient, count: int, start: int = 1) -> str:
    return ", ".join(mark(conn, n) for n in range(start, start + count))


def _converter(model: type[Model], field: Field[Any], native: tuple[type, ...]) -> Convert | None:
    """How a value of `field` is bound: as it is (None), or as Tortoise converts it for the driver."""
    if isinstance(field, DatetimeField):
        # Bound as it is once aware (both drivers take datetimes; Tortoise registers SQLite's adapter); a naive
        # one is made aware, with Tortoise's warning.
        return lambda v: v if v is None or v.tzinfo is not None else field.to_db_value(v, model)
    if isinstance(field.field_type, type) and issubclass(field.field_type, native):
        return None
    if isinstance(field, UUIDField):  # str of a str (a value `bound_uuid` converted already) is itself
        return lambda v: None if v is None else str(v)
    return lambda v: None if v is None else field.to_db_value(v, model)


def _columns(
    model: type[Model], dialect: str, given: Sequence[str], rows: Sequence[Sequence[Any]]
) -> dict[str, list[Any]]:
    """Each column's values, column by column: the given ones converted, the others filled as Tortoise would
    (`auto_now_add`, the field's default)."""
    meta = model._meta
    native = _NATIVE.get(dialect, _NATIVE["sqlite"])
    out: dict[str, list[Any]] = {}
    count = len(rows)
    now = timezone.localtime()  # what Tortoise writes for auto_now_add
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        convert = _converter(model, field, native)
        if name in given:
            i = given.index(name)
            values = [row[i] for row in rows]
            if isinstance(field, DatetimeField) and all(v is not None and v.tzinfo is not None for v in values):
                convert = None  # every one aware: bound as it is (the converter would return each unchanged)
            out[column] = values if convert is None else [convert(v) for v in values]
        elif field.pk and field.generated:
            continue
        elif isinstance(field, DatetimeField) and field.auto_now_add:
            out[column] = [now] * count
        elif callable(field.default):
            made = [field.default() for _ in range(count)]
            out[column] = made if convert is None else [convert(v) for v in made]
        elif field.default is not None or field.null:
            value = field.default
            out[column] = [convert(value) if convert is not None and value is not None else value] * count
        else:
            raise ValueError(f"{meta.db_table}.{column}: no value given and no default")
    return out


_pg_types: dict[str, dict[str, str]] = {}


async def _column_types(conn: BaseDBAsyncClient, table: str) -> dict[str, str]:
    if table not in _pg_types:
        _, rows = await conn.execute_query(
            "SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute"
            " WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            [f'"{table}"'],
        )
        _pg_types[table] = {r["attname"]: r["type"] for r in rows}
    return _pg_types[table]


async def insert(
    conn: BaseDBAsyncClient,
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    copy: bool = False,
    returning: Sequence[str] = (),
    skip_conflicts: bool = False,
) -> list[dict[str, Any]] | None:
    """Insert `rows` (values in the order of `fields`, model field names) in one statement on PostgreSQL
    (`INSERT … SELECT FROM unnest(…)`, one array per column, so statement-level triggers see them all at once;
    with `copy`, one binary `COPY … FROM STDIN`, which fires the same triggers once with the same transition
    table, for a large batch of narrow rows), by one executemany on SQLite. Rows are inserted in the order given.

    PostgreSQL only (None elsewhere, and with `copy`; the caller reads back what it needs): `returning` columns
    of the rows inserted, and `skip_conflicts` (`ON CONFLICT DO NOTHING`: a row that would break a unique key,
    with a row stored or earlier in `rows`, is not inserted and not returned)."""
    if not rows:
        return [] if returning and conn.capabilities.dialect == "postgres" else None
    dialect = conn.capabilities.dialect
    by_column = _columns(model, dialect, fields, rows)
    columns = list(by_column)
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    if dialect == "postgres" and copy:
        if returning or skip_conflicts:
            raise ValueError("COPY returns nothing and skips nothing")
        await _copy(conn, table, columns, list(zip(*by_column.values(), strict=True)))
        return None
    if dialect == "postgres":
        types = await _column_types(conn, table)
        arrays = ", ".join(f"${n}::{types[c]}[]" for n, c in enumerate(columns, 1))
        # WITH ORDINALITY … ORDER BY: the rows (and the ids their defaults draw) in the order given.
        sql = (
            f'INSERT INTO "{table}" ({names}) SELECT {names} FROM unnest({arrays})'
            f" WITH ORDINALITY AS r({names}, nth) ORDER BY nth"
        )
        if skip_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            # As a CTE's: Tortoise fetches the rows of a statement that does not begin with INSERT.
            back = ", ".join(f'"{c}"' for c in returning)
            sql = f"WITH made AS ({sql} RETURNING {back}) SELECT * FROM made"
        _, out = await conn.execute_query(sql, list(by_column.values()))
        return [dict(r) for r in out] if returning else None
    if skip_conflicts:
        raise ValueError("skip_conflicts is for PostgreSQL")
    # The driver takes any sequence per row: the tuples as zip makes them (a list per row cost ~2 ms per 1,000).
    values: Any = list(zip(*by_column.values(), strict=True))
    await conn.execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks(conn, len(columns))})', values)
    return None


async def _copy(conn: BaseDBAsyncClient, table: str, columns: list[str], records: list[tuple[Any, ...]]) -> None:
    """Binary COPY on the connection's own asyncpg connection (the caller's transaction). A refusal (a trigger's
    check_violation, a key) surfaces as Tortoise's IntegrityError, as from any other statement."""
    import asyncpg  # the PostgreSQL profile's driver, imported only there

    async with conn.acquire_connection() as raw:
        try:
            await raw.copy_records_to_table(table, records=records, columns=columns)
        except asyncpg.IntegrityConstraintViolationError as exc:
            raise IntegrityError(exc) from exc


def bound_uuid(conn: BaseDBAsyncClient) -> Callable[[uuid.UUID], Any]:
    """How a UUID is bound on this connection, as `insert` would convert it (its text on SQLite): a caller
    writing one id on many rows converts it once."""
    if conn.capabilities.dialect == "postgres":
        return lambda v: v
    return str


def one_of(conn: BaseDBAsyncClient, n: int) -> str:
    """`column <one_of> ` matches any value of the n-th parameter, a list passed through `listed`: one parameter
    whatever the list's length (an `IN (…)` of thousands of placeholders costs more to build than to run)."""
    if conn.capabilities.dialect == "postgres":
        return f"= ANY(${n})"
    return "IN (SELECT value FROM json_each(?))"


def listed(conn: BaseDBAsyncClient, values: Sequence[Any]) -> Any:
    """The parameter for `one_of`: a list (PostgreSQL), its JSON (SQLite; UUIDs as their text, as stored)."""
    if conn.capabilities.dialect == "postgres":
        return list(values)
    return json.dumps([str(v) if isinstance(v, uuid.UUID) else v for v in values])


async def reserve_ids(conn: BaseDBAsyncClient, model: type[Model], count: int) -> list[int]:
    """`count` new ids of `model`'s serial key, handed out to this transaction before its rows are written (so rows
    that refer to them are built without reading the ids back). PostgreSQL: drawn from the key's sequence.
    SQLite: the AUTOINCREMENT counter (`sqlite_sequence`) moved on by `count`; the UPDATE takes the database's write
    lock, so no other writer can take an id until this transaction ends. A rollback gives the range back on SQLite
    and leaves a gap on PostgreSQL (as any rolled-back insert does): ids are keys, not numbers anyone reads."""
    if count <= 0:
        return []
    table = model._meta.db_table
    if conn.capabilities.dialect == "postgres":
        _, rows = await conn.execute_query(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)", [f'"{table}"', count]
        )
        return sorted(int(r["id"]) for r in rows)
    _, rows = await conn.execute_query(
        "UPDATE sqlite_sequence SET seq = seq + ? WHERE name = ? RETURNING seq", [count, table]
    )
    if rows:
        top = int(rows[0]["seq"])
    else:  # no row written to the table yet: its counter starts here
        await conn.execute_query("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, count])
        top = count
    return list(range(top - count + 1, top + 1))


class Pipeline:
    """Statements of one transaction sent without waiting for each, so the database works on one while the
    caller's Python builds the next (PostgreSQL, whose server is another process; on SQLite each runs as it is
    sent). One task runs what is sent, each to its end before the next (a coroutine of several statements keeps
    them together), in the order sent; after a failure it runs nothing more. Leaving the block waits for that task
    — also when the block raised, so nothing is still running on the transaction when it rolls back — and raises
    the first failure. Inside the block every statement goes through the pipeline; a long computation gives it a
    turn (`turn`) now and then, for a statement waiting on a reply to go on."""

    def __init__(self, conn: BaseDBAsyncClient) -> None:
        # SQLite's driver thread needs the interpreter's lock for every row it binds, so Python running beside it
        # only slows both (measured: ~10 % more for a settlement batch): there each statement runs as it is sent.
        self._overlap = conn.capabilities.dialect == "postgres"
        self._queue: list[tuple[Awaitable[Any], asyncio.Future[Any]]] = []
        self._sent: list[asyncio.Future[Any]] = []
        self._worker: asyncio.Future[None] | None = None
        self._failed = False

    async def send(self, statement: Awaitable[T]) -> asyncio.Future[T]:
        """Queue `statement`; its future holds its result once run."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((statement, done))
        self._sent.append(done)
        if not self._overlap:
            await self._run()
            if self._failed:
                await self.drain()  # raises the failure here, as a statement awaited directly would
            return done
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._run())
        await asyncio.sleep(0)  # the worker starts it now if it is idle
        return done

    @staticmethod
    async def turn() -> None:
        await asyncio.sleep(0)

    async def _run(self) -> None:
        while self._queue:
            statement, done = self._queue.pop(0)
            if self._failed:
                _close(statement)
                done.set_exception(RuntimeError("not run: a statement before it failed"))
                continue
            try:
                done.set_result(await statement)
            except asyncio.CancelledError:
                self._failed = True
                done.cancel()
                raise
            except Exception as exc:
                self._failed = True
                done.set_exception(exc)

    async def _settle(self) -> list[asyncio.Future[Any]]:
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)
        sent, self._sent = self._sent, []
        for statement, done in self._queue:  # the worker was cancelled: what it did not reach is not run
            _close(statement)
            done.cancel()
        self._queue = []
        for done in sent:
            if not done.cancelled():
                done.exception()  # retrieved, whatever is raised: no "never retrieved" warnings
        return sent

    async def drain(self) -> None:
        for done in await self._settle():
            if done.cancelled():
                raise asyncio.CancelledError()
            failure = done.exception()
            if failure is not None:
                raise failure

    async def __aenter__(self) -> Pipeline:
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            await self.drain()
            return
        self._failed = True  # the block's own error is the one raised: what it queued is not run
        await self._settle()


def _close(statement: Awaitable[Any]) -> None:
    close = getattr(statement, "close", None)
    if close is not None:
        close()  # a coroutine never started: closed, not left "never awaited"
