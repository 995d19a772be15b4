"""What every export route module shares."""

from __future__ import annotations

from datetime import UTC, date, datetime

TAG = "export"


def today() -> date:
    # The legal clocks count calendar days in China.
    from zoneinfo import ZoneInfo

    return datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()


def now() -> datetime:
    return datetime.now(UTC)
