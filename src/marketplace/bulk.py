"""Bulk writes of plain rows: one parameterised `executemany`, no model objects.

Building a Tortoise model per row costs more than the database's work for the row (the settlement batch writes
~10,000 rows: most of its time went to `Model.__init__`). `insert` takes field names and tuples, fills what
Tortoise would fill (a field's default, `auto_now_add`) and converts each value as Tortoise does for that
dialect (`Field.to_db_value` for the types the driver does not take as they are), so the stored form is the
ORM's own and its reads see no difference.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from tortoise import Model, timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import DatetimeField

Convert = Callable[[Any], Any]
_CONST, _CALL = "const", "call"  # a column filled with one value for every row, or by the field's default()
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


def _plan(conn: BaseDBAsyncClient, model: type[Model], given: Sequence[str]) -> tuple[str, list[Any]]:
    """The INSERT and, per column, either the index of the given value and its converter, or a filler."""
    meta = model._meta
    native = _NATIVE.get(conn.capabilities.dialect, _NATIVE["sqlite"])
    columns: list[str] = []
    plan: list[Any] = []
    now = timezone.localtime()  # what Tortoise writes for auto_now_add
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        convert: Convert | None = None
        if not (isinstance(field.field_type, type) and issubclass(field.field_type, native)):
            convert = (lambda f: lambda v: None if v is None else f.to_db_value(v, None))(field)
        if name in given:
            plan.append((given.index(name), convert))
        elif field.pk and field.generated:
            continue
        elif isinstance(field, DatetimeField) and field.auto_now_add:
            plan.append((_CONST, now))
        elif callable(field.default):
            plan.append((_CALL, (lambda d, c: (lambda: c(d()) if c else d()))(field.default, convert)))
        elif field.default is not None or field.null:
            value = field.default
            plan.append((_CONST, convert(value) if convert and value is not None else value))
        else:
            raise ValueError(f"{meta.db_table}.{column}: no value given and no default")
        columns.append(column)
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{meta.db_table}" ({names}) VALUES ({marks(conn, len(columns))})', plan


async def insert(
    conn: BaseDBAsyncClient, model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in the order of `fields`, model field names) by one executemany."""
    if not rows:
        return
    sql, plan = _plan(conn, model, fields)
    values = []
    for row in rows:
        out = []
        for how, what in plan:
            if how is _CONST:
                out.append(what)
            elif how is _CALL:
                out.append(what())
            else:
                v = row[how]
                out.append(what(v) if what is not None else v)
        values.append(out)
    await conn.execute_many(sql, values)
