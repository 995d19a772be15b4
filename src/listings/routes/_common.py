"""What every listings route module shares."""

from __future__ import annotations

from datetime import UTC, datetime

TAG = "listings"


def now() -> datetime:
    return datetime.now(UTC)
