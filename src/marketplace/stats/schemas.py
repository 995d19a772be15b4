"""Response models shared by the statistics' routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class CalendarEntry(BaseModel):
    period: str
    version: int
    embargo_until: datetime
    published: bool
    comment: str
    changes: int


class Calendar(BaseModel):
    items: list[CalendarEntry]
