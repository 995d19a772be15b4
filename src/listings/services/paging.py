"""Keyset pages of rows that are serialised in batches (the shared `paginate` maps one row at a time)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, Field
from tortoise.models import Model
from tortoise.queryset import QuerySet

from marketplace.web.pagination import decode_cursor, encode_cursor

M = TypeVar("M", bound=Model)


class PageIn(BaseModel):
    model_config = {"extra": "forbid"}

    cursor: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=100)


async def newest_first(qs: QuerySet[M], page: PageIn) -> tuple[list[M], str | None]:
    """A page of rows by descending id, and the cursor of the next page (None on the last)."""
    if page.cursor:
        qs = qs.filter(id__lt=decode_cursor(page.cursor))
    rows: list[Any] = list(await qs.order_by("-id").limit(page.limit + 1))
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, encode_cursor(rows[-1].id) if more and rows else None
