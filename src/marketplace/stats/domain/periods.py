"""Reference periods: calendar months, half-years and years in China Standard Time (UTC+8).

A figure belongs to the period of its moment as read on a Beijing clock, whatever offset it was written with:
a sale closing at 00:30 on 1 January Beijing time (16:30 UTC on 31 December) belongs to the new year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

CST = timezone(timedelta(hours=8), "CST")
# A period's end is the start of the next day in UTC: 9999's would be year 10000, which `datetime` does not hold.
MAX_YEAR = 9998

Kind = Literal["month", "half", "year"]
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|H(?P<half>[12])))?$")


def beijing_date(moment: datetime) -> date:
    """The calendar date of a moment in China Standard Time; a naive moment is refused (its offset is unknown)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment without an offset cannot be placed in a period")
    return moment.astimezone(CST).date()


@dataclass(frozen=True, order=True)
class Period:
    """One reference period. `index` is the month (1-12), the half (1-2) or 1 for a year."""

    year: int
    kind: Kind
    index: int = 1

    def __post_init__(self) -> None:
        top = {"month": 12, "half": 2, "year": 1}[self.kind]
        if not 1 <= self.index <= top or not 1 <= self.year <= MAX_YEAR:
            raise ValueError(f"no such period: {self.kind} {self.index} of {self.year}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "month", month)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        return cls(year, "half", half)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(year, "year", 1)

    @classmethod
    def parse(cls, key: str) -> Period:
        """`2023`, `2023-H1`, `2023-05`."""
        m = _KEY.match(key)
        if not m:
            raise ValueError(f"not a period: {key!r} (expected YYYY, YYYY-H1/H2 or YYYY-MM)")
        year = int(m["year"])
        if m["month"]:
            return cls.month(year, int(m["month"]))
        if m["half"]:
            return cls.half(year, int(m["half"]))
        return cls.whole_year(year)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "half":
            return f"{self.year:04d}-H{self.index}"
        return f"{self.year:04d}"

    @property
    def first_month(self) -> int:
        return {"month": self.index, "half": 6 * (self.index - 1) + 1, "year": 1}[self.kind]

    @property
    def last_month(self) -> int:
        return {"month": self.index, "half": 6 * self.index, "year": 12}[self.kind]

    def months(self) -> list[Period]:
        return [Period.month(self.year, m) for m in range(self.first_month, self.last_month + 1)]

    def inside(self) -> list[Period]:
        """The shorter periods inside this one: a year's halves and months, a half's months."""
        halves = [Period.half(self.year, 1), Period.half(self.year, 2)] if self.kind == "year" else []
        return [*halves, *self.months()] if self.kind != "month" else []

    def contains(self, day: date) -> bool:
        return day.year == self.year and self.first_month <= day.month <= self.last_month

    def contains_moment(self, moment: datetime) -> bool:
        return self.contains(beijing_date(moment))

    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    def end(self) -> date:
        """The last day of the period."""
        if self.last_month == 12:
            return date(self.year, 12, 31)
        return date(self.year, self.last_month + 1, 1) - timedelta(days=1)

    def year_earlier(self) -> Period:
        """The same period a year earlier: the base of YoY (同比)."""
        return Period(self.year - 1, self.kind, self.index)

    def previous(self) -> Period:
        """The period just before, of the same kind: the base of MoM (环比) for months."""
        top = {"month": 12, "half": 2, "year": 1}[self.kind]
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, top)


def month_of(moment: datetime) -> Period:
    day = beijing_date(moment)
    return Period.month(day.year, day.month)
