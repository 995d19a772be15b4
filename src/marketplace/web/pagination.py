"""Cursor pagination: the cursor is the last seen id, opaque to clients (base64)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from tortoise.queryset import QuerySet

from marketplace.errors import BadRequest

T = TypeVar("T")
Item = TypeVar("Item", bound=BaseModel)


class PageQuery(BaseModel):
    model_config = {"extra": "forbid"}

    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None


MAX_ID = 2**31 - 1  # the largest id an INTEGER primary key holds; beyond it a cursor cannot be ours


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        last_id = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("invalid cursor", code="invalid_cursor") from None
    if kind != "id" or last_id < 0 or last_id > MAX_ID:
        raise BadRequest("invalid cursor", code="invalid_cursor")
    return last_id


async def paginate(
    queryset: QuerySet[Any], page: PageQuery, to_item: Callable[[Any], Item], *, newest_first: bool = True
) -> tuple[list[Item], str | None]:
    """Keyset pagination on the primary key: stable under concurrent inserts, O(limit) per page."""
    qs = queryset
    if page.cursor:
        last_id = decode_cursor(page.cursor)
        qs = qs.filter(id__lt=last_id) if newest_first else qs.filter(id__gt=last_id)
    rows: Sequence[Any] = await qs.order_by("-id" if newest_first else "id").limit(page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows else None
    return [to_item(r) for r in rows], next_cursor
