"""The staged form of an imported row's values (`staging` writes them, bypassing the ORM for speed).

Values are staged in the representation the ORM itself writes on SQLite (which keeps moments as text and
compares them as text, so the text must be exactly Tortoise's), so a row imported again compares equal to the
stored one and is left alone; PostgreSQL stages the same text and the move casts it to the column's type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from marketplace.stats.domain.rows import SaleRow, SessionRow

SALE_VALUES = ("session_key", "sold_at", "hammer_fen", "make", "make_en", "energy", "seller_province",
               "seller_city", "buyer_province", "buyer_city", "transfer")  # fmt: skip
SESSION_VALUES = ("kind", "held_on")


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def moment_text(value: datetime) -> str:
    # Tortoise's sqlite3 adapter writes an aware datetime as `isoformat(" ")`: "2023-05-06 02:00:00+00:00"
    # (microseconds only when there are some); filters compare this text, so the same text is written here.
    # PostgreSQL stages the same text and converts it in the move (`staging`): a string costs the first pass a
    # fraction of what a datetime costs to pickle, and COPY a fraction of what it costs to encode.
    return value.astimezone(UTC).isoformat(" ")


def sale_values(row: SaleRow) -> tuple[Any, ...]:
    """A sale's staged values (`SALE_VALUES`): SQLite's stored text; on PostgreSQL the same text, which the move
    casts to the column's type (`staging.STAGED_AS_TEXT`)."""
    return (row.session_id, moment_text(row.sold_at), row.hammer_price_fen, row.make, row.make_en,
            row.energy_type, row.seller_province, row.seller_city, row.buyer_province, row.buyer_city,
            row.transfer)  # fmt: skip


def session_values(row: SessionRow) -> tuple[Any, ...]:
    return (row.kind, row.held_on.isoformat())
