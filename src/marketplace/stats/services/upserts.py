"""The stored form of an imported row's values, per dialect (`staging` writes them, bypassing the ORM for speed).

Values are written in the representation the ORM itself writes and reads (SQLite keeps moments as text and
compares them as text, so the text must be exactly Tortoise's), so a row imported again compares equal to the
stored one and is left alone.
"""

from __future__ import annotations

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
